"""Inventory exports for spreadsheets and scripts: CSV, JSON and XLSX.

This is the one CSV writer: `camscan export --format csv`, `camscan devices --format csv`
and `camscan report --csv` all write :data:`COLUMNS` through :func:`to_csv`.

Device-supplied text never becomes a spreadsheet formula (OWASP, CSV Injection:
https://owasp.org/www-community/attacks/CSV_Injection): a CSV cell starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe (a lone ``-``, the
band of an unranked host, is not a formula and stays as it is), and XLSX text cells are
written as typed strings.

Every file is written to a temporary file in the target folder and renamed over the target
only when complete, so a failed write leaves no partial file; an unwritable target is one
:class:`OutputError` line (exit code 2).
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from camscan.errors import UsageError
from camscan.inventory.records import VERDICT_FIELDS
from camscan.scoring.plan import Plan, top_reasons


class OutputError(UsageError):
    """An output file cannot be written (the message says which and what to do)."""


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
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32_000  # an XLSX cell holds at most 32,767 characters
RANKED = ("camera", "nvr", "dvr", "encoder")


def is_video_device(d: dict[str, Any]) -> bool:
    """What ``--cameras`` keeps: cameras, NVRs, DVRs and encoders."""
    return bool(d.get("is_camera")) or d.get("device_type") in RANKED


def rows(devices: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat rows in COLUMNS order; ``reasons`` are the main score reasons."""
    out = []
    for d in devices:
        row = {c: d.get(c) for c in COLUMNS}
        row["reasons"] = "; ".join(top_reasons(d.get("score_factors") or [], n=5))
        out.append(row)
    return out


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell no spreadsheet evaluates."""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(FORMULA_START) and value != "-":
        return "'" + value
    return value


def table_csv(records: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """Any flat records as CSV, with the same cell rules (the plan's CSV uses it)."""
    buf = io.StringIO()
    # CRLF records (RFC 4180, https://www.rfc-editor.org/rfc/rfc4180): the writer then
    # quotes every cell holding a CR or LF, so a device's line break cannot end a row.
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
    w.writeheader()
    for row in records:
        w.writerow({k: csv_cell(row.get(k)) for k in columns})
    return buf.getvalue()


def to_csv(devices: Iterable[dict[str, Any]]) -> str:
    """Device records as the inventory CSV: COLUMNS, one row per device."""
    return table_csv(rows(devices), COLUMNS)


def to_json(devices: Iterable[dict[str, Any]]) -> str:
    """The full device records (docs/json-output.md), score factors included."""
    return json.dumps(list(devices), indent=2, ensure_ascii=False, default=str) + "\n"


def _sheet(
    wb: Workbook,
    title: str,
    header: Sequence[str],
    data: Iterable[Sequence[Any]],
    *,
    money: Sequence[str] = (),
    currency: str = "",
    totals: Sequence[str] = (),
) -> None:
    """A sheet with a bold frozen header and filters on; numbers stay numbers; ``money``
    columns get a currency format and ``totals`` columns a SUM in a totals row."""
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in header]
    fmt = f'"{currency}" #,##0' if currency else "#,##0"
    last = 1
    for r, values in enumerate(data, start=2):
        last = r
        for c, value in enumerate(values, start=1):
            if isinstance(value, (dict, list)):
                value = json.dumps(value, ensure_ascii=False)
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                value = "".join(ch for ch in value if ch >= " " or ch in "\t\n")[:MAX_CELL]
                cell.value = value
                cell.data_type = "s"  # text, even when it starts with "="
            else:
                cell.value = value  # int/float/bool stay numbers
                if header[c - 1] in money and isinstance(value, (int, float)):
                    cell.number_format = fmt
            widths[c - 1] = max(widths[c - 1], min(len(str(value or "")), 60))
    cols = {h: get_column_letter(i) for i, h in enumerate(header, start=1)}
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last}"
    if totals and last > 1:
        row = last + 1
        ws.cell(row=row, column=1, value="Total").font = Font(bold=True)
        for h in totals:
            cell = ws[f"{cols[h]}{row}"]
            cell.value = f"=SUBTOTAL(109,{cols[h]}2:{cols[h]}{last})"  # sums what the filter shows
            cell.font = Font(bold=True)
            if h in money:
                cell.number_format = fmt
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w + 2
    ws.freeze_panes = "A2"


def _number(value: Any) -> Any:
    """A stored score or confidence as a number (never the text "84.0")."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def write_xlsx(
    devices: list[dict[str, Any]],
    path: Path,
    plan: Plan | None = None,
    policy: str = "",
) -> Path:
    """A workbook: Devices, Score factors and (given a plan) Plan sheets; ``policy``
    names the policy the scores came from (shown under the plan's totals)."""
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    flat = rows(devices)
    numeric = ("id", "score", "confidence")
    _sheet(
        wb,
        "Devices",
        COLUMNS,
        ([_number(r[c]) if c in numeric else r[c] for c in COLUMNS] for r in flat),
    )
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
        _sheet(
            wb,
            "Plan",
            header,
            ([r[h] for h in header] for r in plan.rows()),
            money=("cost",),
            currency=plan.costs.currency,
            totals=("cost",),
        )
        ws = wb["Plan"]
        at = ws.max_row + 2
        m = plan.costs.money
        for i, (label, text) in enumerate(
            (
                ("Needed", m(plan.needed)),
                ("Funded", m(plan.total)),
                ("Unfunded", m(plan.unfunded_total)),
                ("Unit costs", plan.costs.source),
                ("Policy", policy),
            )
        ):
            ws.cell(row=at + i, column=1, value=label).font = Font(bold=True)
            ws.cell(row=at + i, column=2, value=text)
    return _write(path, wb.save)


def _temp_next_to(path: Path) -> str:
    """A new empty temporary file in ``path``'s folder (made if missing)."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "it is a folder; give a file name")
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as err:
        raise OutputError(
            f"cannot write {path}: {err.strerror or err}; write it to a folder you can write to"
        ) from None
    os.close(fd)
    return tmp


def _write(path: Path, save: Callable[[str], Any]) -> Path:
    """Write through ``save(tmp)`` to a temporary file next to ``path``, then rename."""
    tmp = _temp_next_to(path)
    try:
        save(tmp)
        os.replace(tmp, path)
    except OSError as err:
        raise OutputError(
            f"cannot write {path}: {err.strerror or err}; write it to a folder you can write to"
        ) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_text(path: Path, data: str) -> Path:
    """``data`` to ``path`` (UTF-8), whole or not at all."""
    return _write(path, lambda tmp: Path(tmp).write_text(data, encoding="utf-8"))


def check_writable(paths: Iterable[Path]) -> None:
    """Refuse before writing anything when one of the targets cannot be written."""
    for path in paths:
        os.unlink(_temp_next_to(path))


def write_csv(devices: Iterable[dict[str, Any]], path: Path) -> Path:
    return write_text(path, to_csv(devices))


def write_json(devices: Iterable[dict[str, Any]], path: Path) -> Path:
    return write_text(path, to_json(devices))
