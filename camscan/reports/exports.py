"""Inventory exports for spreadsheets and scripts: CSV, JSON and XLSX.

Device-supplied text never becomes a spreadsheet formula: CSV cells that a spreadsheet
would evaluate (``=``, ``+``, ``-``, ``@``) get a leading apostrophe, and XLSX cells are
written as typed strings.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from camscan.inventory.repository import VERDICT_FIELDS
from camscan.scoring.plan import Plan, top_reasons

COLUMNS = (
    "id",
    "ip",
    "mac",
    "site",
    "zone",
    "criticality",
    *VERDICT_FIELDS,
    "band",
    "score",
    "reasons",
    "first_seen",
    "last_seen",
)
FORMULA_START = ("=", "+", "@", "\t", "\r")
MAX_CELL = 32_000  # an XLSX cell holds at most 32,767 characters


def rows(devices: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat rows in COLUMNS order; ``reasons`` are the main score reasons."""
    out = []
    for d in devices:
        row = {c: d.get(c) for c in COLUMNS}
        row["reasons"] = "; ".join(top_reasons(d.get("score_factors") or [], n=5))
        out.append(row)
    return out


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and (
        value.startswith(FORMULA_START) or (value.startswith("-") and len(value) > 1)
    ):
        return "'" + value
    return value


def to_csv(devices: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    w.writeheader()
    for row in rows(devices):
        w.writerow({k: _csv_cell(v) for k, v in row.items()})
    return buf.getvalue()


def to_json(devices: Iterable[dict[str, Any]]) -> str:
    """The full device records (docs/json-output.md), score factors included."""
    return json.dumps(list(devices), indent=2, ensure_ascii=False, default=str) + "\n"


def _sheet(wb: Workbook, title: str, header: Sequence[str], data: Iterable[Sequence[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in header]
    for r, values in enumerate(data, start=2):
        for c, value in enumerate(values, start=1):
            if isinstance(value, (dict, list)):
                value = json.dumps(value, ensure_ascii=False)
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                value = "".join(ch for ch in value if ch >= " " or ch in "\t\n")[:MAX_CELL]
                cell.value = value
                cell.data_type = "s"  # text, even when it starts with "="
            else:
                cell.value = value
            widths[c - 1] = max(widths[c - 1], min(len(str(value or "")), 60))
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w + 2
    ws.freeze_panes = "A2"


def write_xlsx(devices: list[dict[str, Any]], path: Path, plan: Plan | None = None) -> Path:
    """A workbook: Devices, Score factors and (given a plan) Plan sheets."""
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    flat = rows(devices)
    _sheet(wb, "Devices", COLUMNS, ([r[c] for c in COLUMNS] for r in flat))
    _sheet(
        wb,
        "Score factors",
        ("id", "ip", "factor", "points", "reason"),
        (
            (d.get("id"), d.get("ip"), f.get("factor"), f.get("points"), f.get("reason"))
            for d in devices
            for f in d.get("score_factors") or []
        ),
    )
    if plan is not None:
        header = ("phase", "id", "ip", "site", "manufacturer", "brand", "model", "class", "band",
                  "score", "cost", "reasons")  # fmt: skip
        _sheet(wb, "Plan", header, ([r[h] for h in header] for r in plan.rows()))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv(devices: Iterable[dict[str, Any]], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_csv(devices), encoding="utf-8")
    return path


def write_json(devices: Iterable[dict[str, Any]], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_json(devices), encoding="utf-8")
    return path
