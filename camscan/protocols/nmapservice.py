"""nmap's ``-sV`` reading of one port: the ``<service>`` element of its ``-oX`` output.

nmap writes ``<service name= product= version= extrainfo= hostname= ostype= devicetype=
servicefp= tunnel= method= conf=>`` with optional ``<cpe>`` children
(nmap/nmap:output.cc ``print_xml_service`` @db4aefdd).  ``method`` is ``probed`` when a probe's
reply matched a line of nmap-service-probes, ``table`` when nmap only looked the port number
up in nmap-services (conf 3, or 8 for the port table of a scan without -sV; portlist.cc
``setServiceProbeResults`` and output.cc ``printportoutput``, nmap/nmap:docs/nmap.dtd).

Only a ``probed`` reading yields the product fields rules read: a port-number guess says
nothing about who made the device.  nmap cuts product, version and hostname at 80 bytes,
extrainfo at 256 and ostype/devicetype at 32 (service_scan.cc ``SERVICE_FIELD_LEN``,
``SERVICE_EXTRA_LEN``, ``SERVICE_TYPE_LEN``) and replaces unprintable bytes with ``.``
(portlist.cc ``cstringSanityCheck``), so a longer value or a control character is not
nmap's: values are cut at those lengths and control characters (C0 and C1) become spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from camscan.protocols._common import ParseError, local, parse_xml

__all__ = ["LIMITS", "NmapService", "parse_nmap_service"]

# nmap/nmap:service_scan.cc @db4aefdd lines 107-109.
LIMITS: dict[str, int] = {
    "name": 80,
    "product": 80,
    "version": 80,
    "extrainfo": 256,
    "hostname": 80,
    "ostype": 32,
    "devicetype": 32,
    "method": 8,
    "conf": 2,
    "tunnel": 8,
}
_CONFS = frozenset(str(n) for n in range(11))  # nmap.dtd %service_confs
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
# The fields a probed reading gives rules (docs/fingerprints.md "Fields").
PROBED_FIELDS = ("service", "product", "version", "extrainfo", "devicetype")


def clean(value: str, limit: int) -> str:
    """``value`` with control characters as spaces, whitespace collapsed, cut at ``limit``."""
    return " ".join(_CONTROLS.sub(" ", value[: limit * 4]).split())[:limit]


@dataclass(frozen=True)
class NmapService:
    """The attributes of one ``<service>`` element, cleaned and cut at nmap's own limits."""

    attrs: dict[str, str]
    cpes: tuple[str, ...] = ()

    @property
    def probed(self) -> bool:
        return self.attrs.get("method") == "probed"

    def fields(self) -> list[tuple[str, str]]:
        """``nmap.method`` and ``nmap.conf`` always; the product fields only when probed."""
        out = [(f"nmap.{k}", self.attrs[k]) for k in ("method", "conf") if self.attrs.get(k)]
        if self.probed:
            names = {"service": "name"}
            for fld in PROBED_FIELDS:
                value = self.attrs.get(names.get(fld, fld), "")
                if value:
                    out.append((f"nmap.{fld}", value))
        return out


def parse_nmap_service(raw: bytes | str) -> NmapService:
    """Read one ``<service .../>`` element (as text or bytes); ParseError when it is not one."""
    root = parse_xml(raw, what="nmap service")
    if local(root.tag) != "service":
        raise ParseError(f"nmap: expected a <service> element, got <{local(root.tag)[:40]}>")
    attrs = {k: clean(v, LIMITS[k]) for k, v in root.attrib.items() if k in LIMITS}
    if attrs.get("method") not in ("probed", "table"):
        attrs.pop("method", None)
    if root.get("conf") not in _CONFS:
        attrs.pop("conf", None)
    cpes = tuple(clean(c.text or "", 120) for c in root if local(c.tag) == "cpe")[:8]
    return NmapService(attrs, tuple(c for c in cpes if c))
