"""bench/imports.py: the benchmark's row for `camscan import` of nmap's XML, on the sample
nmap file (Debian nmap 7.93 -oX layout, tests/bench/nmap-sample.xml)."""

from __future__ import annotations

from pathlib import Path

from bench.imports import HEADER, nmap_import_row

NMAP = Path(__file__).parents[1] / "bench" / "nmap-sample.xml"


def test_row_sets_nmap_beside_camscan_on_the_same_file(tmp_path: Path) -> None:
    truth = [
        {"ip": "10.77.0.11", "is_camera": True, "manufacturer": "Hikvision", "brand": "Hikvision"},
        {"ip": "10.77.0.30", "is_camera": True, "manufacturer": "Axis", "brand": "Axis"},
        {"ip": "10.77.0.40", "is_camera": False, "manufacturer": None, "brand": None},
    ]
    row = nmap_import_row(NMAP, tmp_path, truth)
    assert row.hosts == 6 and row.nmap_cameras >= row.both >= 2
    assert row.camscan_cameras == row.both + len(row.camscan_only)
    assert row.nmap_cameras == row.both + len(row.nmap_only)
    assert row.camscan_score is not None and row.camscan_score.tp == 2
    assert len(row.cells()) == HEADER.count("|") - 1
    assert row.as_dict()["camscan_score"]["tp"] == 2
