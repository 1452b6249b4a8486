"""Shared output helpers: JSON that scripts can rely on, tables for people, safe text."""

from __future__ import annotations

import json
import sys
import textwrap
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


MIN_TEXT_WIDTH = 10  # a text column is cut (with an ellipsis) down to this before it is dropped


def _widths(
    columns: Sequence[Column], cells: Sequence[Sequence[str]]
) -> tuple[list[int], list[int]]:
    """Each column's natural width (its widest cell, text capped at TEXT_WIDTH) and the
    least it may be cut to (whole values and the most kept columns not at all; other text
    to MIN_TEXT_WIDTH or its heading)."""
    natural, least = [], []
    for i, col in enumerate(columns):
        widest = max([len(col.name), *(len(r[i]) for r in cells)])
        natural.append(widest if col.whole else min(widest, max(len(col.name), TEXT_WIDTH)))
        # The columns a reader needs most (keep 0 and 1) are never cut: lesser ones go first.
        cut = col.whole or col.keep <= 1
        least.append(natural[-1] if cut else min(widest, max(len(col.name), MIN_TEXT_WIDTH)))
    return natural, least


def fit_columns(
    columns: Sequence[Column], cells: Sequence[Sequence[str]], width: int
) -> dict[int, int]:
    """The columns that fit ``width`` and the width of each: text columns are first cut
    (the widest first, down to MIN_TEXT_WIDTH or their heading), then the least kept
    columns go, while the ``keep=0`` ones always stay.  A column takes its width plus three
    characters of padding and rule; whole values (IPs, MACs) are never cut."""
    natural, least = _widths(columns, cells)
    shown = list(range(len(columns)))
    order = sorted(shown, key=lambda i: (-columns[i].keep, -i))
    for i in order:
        if sum(least[j] + 3 for j in shown) + 1 <= width or columns[i].keep == 0:
            break
        shown.remove(i)
    widths = {i: natural[i] for i in shown}
    while sum(w + 3 for w in widths.values()) + 1 > width:
        cuttable = [i for i in shown if widths[i] > least[i]]
        if not cuttable:
            break
        widest = max(cuttable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


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
    widths: dict[int, int | None] = (
        dict.fromkeys(range(len(cols)))
        if wide or not tty
        else dict(fit_columns(cols, cells, out.width))
    )
    shown = list(widths)
    t = Table(
        title=title,
        header_style="bold",
        show_lines=False,
        box=box.SIMPLE_HEAD if tty else None,
        title_justify="left",
        pad_edge=tty,
    )
    for i in shown:
        t.add_column(
            cols[i].name,
            no_wrap=not wide or cols[i].whole,
            overflow="fold" if wide else "ellipsis",
            width=widths[i],
        )
    for r in cells:
        t.add_row(*(r[i] for i in shown))
    if not tty:
        out = Console(highlight=False, soft_wrap=True, width=100_000)
    out.print(t)
    hidden = [cols[i].name for i in range(len(cols)) if i not in shown]
    if hidden:
        out.print(f"hidden at {out.width} columns: {', '.join(hidden)} (--wide shows all)")


def paragraph(line: str) -> None:
    """A line of prose, wrapped at word boundaries to the terminal's width (not cut mid-word
    by the terminal); piped, it is printed as one line."""
    out = console()
    if not out.is_terminal:
        click.echo(line)
        return
    lead = len(line) - len(line.lstrip("\n"))
    click.echo(
        "\n" * lead + textwrap.fill(line.lstrip("\n"), width=out.width, break_long_words=False)
    )


def is_tty() -> bool:
    return sys.stdout.isatty()
