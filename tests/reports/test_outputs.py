"""Unwritable outputs end in one line and exit 2 with no partial file; the three device
CSVs are one writer (same columns, same cells, formula-safe, --cameras); XLSX numbers."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sample_site import Site

from camscan.reports.exports import COLUMNS, csv_cell, to_csv


def camscan(site: Site, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "camscan", "--db", str(site.path), *args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def one_error_line(r: subprocess.CompletedProcess[str], needle: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("camscan: error: cannot write"), r.stderr
    assert needle in lines[0] and "folder you can write to" in lines[0]


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (["report", "-o", "/proc/x.html"], "/proc/x.html"),
        (["export", "--format", "csv", "-o", "/proc/x.csv"], "/proc/x.csv"),
        (["report", "--csv", "/proc/x.csv"], "/proc/x.csv"),
    ],
)
def test_unwritable_outputs(scored_site: Site, args: list[str], target: str) -> None:
    one_error_line(camscan(scored_site, *args), target)


def test_no_partial_files(scored_site: Site, tmp_path: Path) -> None:
    # a folder that cannot be made (its parent is a file): --xlsx fails before anything
    # else is written, so the HTML asked for alongside is not left behind either
    out = tmp_path / "out"
    out.mkdir()
    blocker = out / "not-a-folder"
    blocker.write_text("x")
    html = out / "ok.html"
    r = camscan(scored_site, "report", "-o", str(html), "--xlsx", str(blocker / "p.xlsx"))
    one_error_line(r, str(blocker / "p.xlsx"))
    assert not html.exists()
    # a folder as the target file: refused by the option itself, exit 2
    r = camscan(scored_site, "export", "-o", str(out))
    assert r.returncode == 2 and "is a directory" in r.stderr and "Traceback" not in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["not-a-folder"]  # no temp files
    # a failed PDF leaves no PDF and no temporary file
    assert camscan(scored_site, "report", "--pdf", "/proc/x.pdf").returncode == 2


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_csv_writer(scored_site: Site, tmp_path: Path) -> None:
    exported = camscan(scored_site, "export", "--format", "csv").stdout
    listed = camscan(scored_site, "devices", "--format", "csv").stdout
    r = camscan(scored_site, "report", "--csv", str(tmp_path / "r.csv"))
    assert r.returncode == 0, r.stderr
    reported = (tmp_path / "r.csv").read_text(encoding="utf-8")
    tables = [_rows(t) for t in (exported, listed, reported)]
    for rows in tables:
        assert tuple(rows[0]) == COLUMNS and len(COLUMNS) == 20
    by_id = [sorted(rows, key=lambda r: int(r["id"])) for rows in tables]
    assert by_id[0] == by_id[1] == by_id[2]  # the same cells, whatever the order shown
    printer = next(r for r in by_id[0] if r["model"] == "LaserJet M404")
    assert printer["band"] == "-"  # a lone "-" is no formula: the same in all three
    # --cameras: only video devices, in every export
    cams = _rows(camscan(scored_site, "export", "--format", "csv", "--cameras").stdout)
    assert cams and all(r["is_camera"] == "True" for r in cams)
    assert len(cams) == len(by_id[0]) - 1
    r = camscan(scored_site, "report", "--csv", str(tmp_path / "c.csv"), "--cameras")
    assert _rows((tmp_path / "c.csv").read_text(encoding="utf-8")) == cams


@pytest.mark.parametrize(
    "value", ["=1+2", "+1", "-1+2", "@SUM(A1)", "\t=cmd|' /C calc'!A0", "\r=1", "-"]
)
def test_formula_safe_cells(value: str) -> None:
    cell = csv_cell(value)
    if value == "-":
        assert cell == "-"
    else:
        assert cell == "'" + value
    row = next(csv.DictReader(io.StringIO(to_csv([{"id": 1, "model": value}]), newline="")))
    assert row["model"] == cell


def test_xlsx_numbers_totals_currency_filters(scored_site: Site, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    r = camscan(scored_site, "report", "--xlsx", str(out), "--budget", "8000")
    assert r.returncode == 0, r.stderr
    wb = load_workbook(out)
    for ws in wb.worksheets:
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
    dev = wb["Devices"]
    header = [c.value for c in dev[1]]
    score = dev.cell(row=2, column=header.index("score") + 1)
    assert score.data_type == "n" and isinstance(score.value, (int, float))
    plan = wb["Plan"]
    ph = [c.value for c in plan[1]]
    col = ph.index("cost") + 1
    costs = [plan.cell(row=i, column=col) for i in range(2, plan.max_row + 1)]
    items = [c for c in costs if isinstance(c.value, (int, float))]
    assert items and all(c.number_format == '"GBP" #,##0' for c in items)
    total_row = next(i for i in range(2, plan.max_row + 1) if plan.cell(i, 1).value == "Total")
    total = plan.cell(total_row, col)
    assert str(total.value).startswith("=SUBTOTAL(109,") and total.number_format == '"GBP" #,##0'
    labels = {
        plan.cell(i, 1).value: plan.cell(i, 2).value for i in range(total_row, plan.max_row + 1)
    }
    assert labels["Needed"] == "GBP 10,500" and labels["Unfunded"] == "GBP 0"
