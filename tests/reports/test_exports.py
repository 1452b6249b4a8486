"""CSV, JSON and XLSX exports parse back to what the inventory holds."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import load_workbook
from sample_site import HOSTILE_MODEL, TODAY, Site

from camscan.app.report import write_report
from camscan.inventory import queries
from camscan.reports.exports import COLUMNS, to_csv


def test_exports_parse_back(scored_site: Site, tmp_path: Path) -> None:
    files = write_report(
        scored_site.inv,
        csv=tmp_path / "inv.csv",
        json=tmp_path / "inv.json",
        xlsx=tmp_path / "inv.xlsx",
        budget=8000,
        today=TODAY,
    )
    assert set(files.written) == {"csv", "json", "xlsx"}
    devices = [d.as_dict() for d in queries.list_devices(scored_site.inv)]

    parsed = json.loads((tmp_path / "inv.json").read_text(encoding="utf-8"))
    assert parsed == json.loads(json.dumps(devices, default=str))

    with (tmp_path / "inv.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == COLUMNS
    assert [int(r["id"]) for r in rows] == [d["id"] for d in devices]
    by_id = {int(r["id"]): r for r in rows}
    hik = by_id[scored_site.ids["hik_old"]]
    assert hik["band"] == "P1" and float(hik["score"]) == 84.0
    assert "CVE-2021-36260" in hik["reasons"]
    assert by_id[scored_site.ids["hostile"]]["model"] == HOSTILE_MODEL
    assert by_id[scored_site.ids["printer"]]["band"] == "-"

    wb = load_workbook(tmp_path / "inv.xlsx")
    assert wb.sheetnames == ["Devices", "Score factors", "Plan"]
    sheet = wb["Devices"]
    header = [c.value for c in sheet[1]]
    assert tuple(header) == COLUMNS
    values = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    assert [v["id"] for v in values] == [d["id"] for d in devices]
    hostile = next(v for v in values if v["id"] == scored_site.ids["hostile"])
    assert hostile["model"] == HOSTILE_MODEL and hostile["brand"] == "<b>Brand</b>"
    factors = list(wb["Score factors"].iter_rows(2, values_only=True))
    assert len(factors) == sum(len(d["score_factors"]) for d in devices)
    rows = list(wb["Plan"].iter_rows(2, values_only=True))
    plan = rows[: [r[0] for r in rows].index("Total")]  # then the totals row and summary
    assert [r[0] for r in plan] == [str(p.number) for p in files.view.plan.phases
                                    for _ in p.items]  # fmt: skip
    assert sum(r[10] for r in plan) == files.view.plan.total


def test_formulas_stay_text(tmp_path: Path) -> None:
    from camscan.reports.exports import write_xlsx

    evil = {"id": 1, "model": "=HYPERLINK(\"http://x\",\"y\")", "brand": "+1+2", "band": "-",
            "firmware": "@SUM(A1)", "score_factors": []}  # fmt: skip
    text = to_csv([evil])
    row = next(csv.DictReader(text.splitlines()))
    assert row["model"].startswith("'=") and row["brand"] == "'+1+2"
    assert row["firmware"] == "'@SUM(A1)" and row["band"] == "-"
    write_xlsx([evil], tmp_path / "e.xlsx")
    ws = load_workbook(tmp_path / "e.xlsx")["Devices"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("model") + 1)
    assert cell.data_type == "s" and cell.value == evil["model"]
