"""nmap's ``-oX`` output for the bench: the one parser is camscan's importer
(camscan/imports/nmap.py), so the bench's reading of nmap and `camscan import` agree."""

from __future__ import annotations

from camscan.imports.nmap import NmapHost, NmapRun, NmapService, parse_nmap_xml, split_by_ip

__all__ = ["NmapHost", "NmapRun", "NmapService", "parse_nmap_xml", "split_by_ip"]
