"""Shared output helpers: JSON that scripts can rely on, tables for people, safe text."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from camscan.inventory.repository import VERDICT_FIELDS

# Columns of the CSV export, in order: identity, then the verdict, then the score.
DEVICE_COLUMNS = ("id", "ip", "mac", "site", "zone", *VERDICT_FIELDS, "band", "score", "last_seen")


def format_option(
    *choices: str, help: str = "Output format."
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--format`` option (``fmt``) of listing commands; the first choice is the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


def console(err: bool = False) -> Console:
    return Console(stderr=err, highlight=False, soft_wrap=False)


def emit_json(data: Any) -> None:
    """Stable JSON: sorted keys off, two-space indent, UTF-8, one trailing newline."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: _cell(row.get(k)) for k in columns})
    return buf.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # no formula injection when a spreadsheet opens the export
    return value


def text(value: Any) -> str:
    """Device-supplied text made safe for the terminal: no markup, no control codes."""
    if value is None:
        return ""
    s = str(value)
    s = "".join(c if c.isprintable() else "?" for c in s)
    return escape(s)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    t = Table(title=title, header_style="bold", show_lines=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*(text(v) for v in r))
    console().print(t)


def is_tty() -> bool:
    return sys.stdout.isatty()
