"""Shared output helpers: JSON that scripts can rely on, tables for people, safe text."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from camscan.reports import exports

# The one column set of every device CSV (export, devices, report --csv).
DEVICE_COLUMNS = exports.COLUMNS


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
    """CSV through the one writer (camscan.reports.exports): device records in
    DEVICE_COLUMNS get the export's rows (main reasons included), other records are
    written as they are; every cell is formula-safe."""
    if tuple(columns) == DEVICE_COLUMNS:
        return exports.to_csv(rows)
    return exports.table_csv(rows, columns)


def text(value: Any) -> str:
    """Device-supplied text made safe for the terminal: no markup, no control codes."""
    if value is None:
        return ""
    s = str(value)
    s = "".join(c if c.isprintable() else "?" for c in s)
    return escape(s)


TEXT_WIDTH = 32  # a text cell longer than this is cut on a terminal (--wide shows it whole)


@dataclass(frozen=True)
class Column:
    """A table column: ``keep`` ranks who stays when the terminal is narrow (0 always stays,
    higher numbers go first); ``whole`` values (IPs, MACs, ids) are never split."""

    name: str
    keep: int = 0
    whole: bool = False


def _columns(columns: Sequence[str | Column]) -> list[Column]:
    return [c if isinstance(c, Column) else Column(c) for c in columns]


def fit_columns(columns: Sequence[Column], cells: Sequence[Sequence[str]], width: int) -> list[int]:
    """Indexes of the columns that fit ``width``: the least kept go first, at least the
    ``keep=0`` ones stay.  A column needs its widest cell (text beyond TEXT_WIDTH is cut
    with an ellipsis), plus three characters of padding and rule."""
    need = []
    for i, col in enumerate(columns):
        widest = max((len(r[i]) for r in cells), default=0)
        widest = max(widest, len(col.name))
        need.append(widest if col.whole else min(widest, max(len(col.name), TEXT_WIDTH)))
    shown = list(range(len(columns)))
    order = sorted(shown, key=lambda i: (-columns[i].keep, -i))
    for i in order:
        if sum(need[j] + 3 for j in shown) + 1 <= width or columns[i].keep == 0:
            break
        shown.remove(i)
    return shown


def table(
    title: str | None,
    columns: Sequence[str | Column],
    rows: Iterable[Sequence[Any]],
    *,
    wide: bool = False,
) -> None:
    """A table for people.  On a terminal it fits the width: columns are dropped least
    important first (a note says which; ``wide`` keeps all) and IPs/MACs never wrap.  Piped
    or redirected, it is plain aligned text with no box drawing and no width limit."""
    cols = _columns(columns)
    cells = [[text(v) for v in r] for r in rows]
    out = console()
    tty = out.is_terminal
    shown = list(range(len(cols))) if wide or not tty else fit_columns(cols, cells, out.width)
    t = Table(
        title=title,
        header_style="bold",
        show_lines=False,
        box=box.SIMPLE_HEAD if tty else None,
        title_justify="left",
        pad_edge=tty,
    )
    for i in shown:
        col = cols[i]
        t.add_column(
            col.name,
            no_wrap=not wide or col.whole,
            overflow="fold" if wide else "ellipsis",
            min_width=max((len(r[i]) for r in cells), default=0) if col.whole else None,
            max_width=None if wide or col.whole or not tty else TEXT_WIDTH,
        )
    for r in cells:
        t.add_row(*(r[i] for i in shown))
    if not tty:
        out = Console(highlight=False, soft_wrap=True, width=100_000)
    out.print(t)
    hidden = [cols[i].name for i in range(len(cols)) if i not in shown]
    if hidden:
        out.print(f"hidden at {out.width} columns: {', '.join(hidden)} (--wide shows all)")


def is_tty() -> bool:
    return sys.stdout.isatty()
