"""The bench's import row: the nmap XML of the bench's own nmap run, imported by camscan.

``camscan import`` reads the same file bench/nmap_map.py reads for nmap's own verdicts
(one parser, camscan/imports/nmap.py), so the row puts side by side, on the same bytes:
how many cameras nmap's strings name (and their makers), and how many camscan's engine
names from them (makers, white labels traced to their real maker).  With the lab's ground
truth both are scored the same way (bench/metrics.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.metrics import Found, Score, score
from bench.nmap_map import attribute
from camscan.imports.nmap import parse_nmap_xml


@dataclass
class ImportRow:
    """One row of docs/benchmarks.md's "camscan import of nmap's XML" table."""

    hosts: int = 0  # hosts in the XML
    nmap_cameras: int = 0  # hosts nmap's strings call a camera/NVR/DVR
    nmap_makers: int = 0  # distinct makers among them
    camscan_cameras: int = 0  # the same XML through camscan import
    camscan_makers: int = 0
    camscan_white_labels: int = 0  # cameras camscan traced from a brand to its maker
    both: int = 0  # cameras both name (the rest: nmap_only / camscan_only)
    nmap_only: list[str] = field(default_factory=list)
    camscan_only: list[str] = field(default_factory=list)
    seconds: float = 0.0  # camscan import's wall time (read, identify, store, rescore)
    record_errors: int = 0
    nmap_score: Score | None = None  # against the lab's truth, when given
    camscan_score: Score | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            k: v for k, v in self.__dict__.items() if not isinstance(v, Score | type(None))
        }
        for key in ("nmap_score", "camscan_score"):
            value = getattr(self, key)
            out[key] = value.as_dict() if value is not None else None
        return out

    def cells(self) -> list[str]:
        """The Markdown row: hosts, nmap cameras/makers, camscan cameras/makers/white labels,
        both, nmap only, camscan only, F1 nmap / camscan, seconds."""
        f1 = "-"
        if self.nmap_score is not None and self.camscan_score is not None:
            f1 = f"{self.nmap_score.f1:.3f} / {self.camscan_score.f1:.3f}"
        return [
            str(self.hosts),
            f"{self.nmap_cameras} ({self.nmap_makers} makers)",
            f"{self.camscan_cameras} ({self.camscan_makers} makers, "
            f"{self.camscan_white_labels} white labels)",
            str(self.both),
            str(len(self.nmap_only)),
            str(len(self.camscan_only)),
            f1,
            f"{self.seconds:.1f} s",
        ]


HEADER = (
    "| hosts in XML | nmap's cameras | camscan import's cameras | both | nmap only "
    "| camscan only | F1 nmap / camscan | import time |"
)


def nmap_import_row(
    xml: Path, work: Path, truth: Iterable[Mapping[str, Any]] | None = None
) -> ImportRow:
    """Import ``xml`` into a fresh SQLite inventory under ``work`` and compare with nmap's
    own reading of the same file (bench/nmap_map.py); scored against ``truth`` if given."""
    from camscan.app.ingest import import_file
    from camscan.inventory import queries
    from camscan.inventory.db import open_inventory

    row = ImportRow()
    run = parse_nmap_xml(xml.read_bytes() if xml.exists() else b"")
    nmap_found = [attribute(h) for h in run.hosts.values()]
    row.hosts = len(run.hosts)
    nmap_cams = {v.ip: v for v in nmap_found if v.is_camera}
    row.nmap_cameras = len(nmap_cams)
    row.nmap_makers = len({v.manufacturer for v in nmap_cams.values() if v.manufacturer})

    db = work / "nmap-import.db"
    db.unlink(missing_ok=True)
    inv = open_inventory(str(db))
    started = time.monotonic()
    try:
        report = import_file(inv, xml, site="nmap-import")
        row.seconds = time.monotonic() - started
        row.record_errors = report.record_errors
        devices = queries.list_devices(inv)
    finally:
        inv.close()
    cams = {d.ip: d for d in devices if d.is_camera and d.ip}
    row.camscan_cameras = len(cams)
    row.camscan_makers = len({d.manufacturer for d in cams.values() if d.manufacturer})
    row.camscan_white_labels = sum(bool(d.white_label) for d in cams.values())
    row.both = len(set(cams) & set(nmap_cams))
    row.nmap_only = sorted(set(nmap_cams) - set(cams))
    row.camscan_only = sorted(set(cams) - set(nmap_cams))
    if truth is not None:
        truth = list(truth)
        row.nmap_score = score(
            truth, [Found(v.ip, v.is_camera, v.manufacturer, v.device_type) for v in nmap_found]
        )
        row.camscan_score = score(
            truth,
            [
                Found(str(d.ip), bool(d.is_camera), d.manufacturer, str(d.device_type))
                for d in devices
                if d.ip
            ],
        )
    return row
