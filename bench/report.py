"""Tables for the terminal and for docs/benchmarks.md, from the same rows."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Table:
    """A titled table of text cells, with notes under it."""

    title: str
    headers: Sequence[str]
    rows: list[Sequence[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        """GitHub-flavoured Markdown."""
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(self.headers) + " |")
        lines.append("|" + "|".join("---" for _ in self.headers) + "|")
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in self.rows]
        if self.notes:
            lines.append("")
            lines += [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"

    def text(self) -> str:
        """Aligned plain text (terminals, logs)."""
        widths = [len(h) for h in self.headers]
        for r in self.rows:
            widths = [max(w, len(c)) for w, c in zip(widths, r, strict=True)]

        def line(cells: Sequence[str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        out = [self.title, line(self.headers), line(["-" * w for w in widths])]
        out += [line(r) for r in self.rows]
        out += [f"  * {n}" for n in self.notes]
        return "\n".join(out) + "\n"


def _git(*args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
    )
    return proc.stdout.strip()


def commit_label() -> str:
    """``git rev-parse --short HEAD``, with ``-dirty`` when tracked files have changes."""
    head = _git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("-dirty" if _git("status", "--porcelain", "--untracked-files=no") else "")


def append_results(
    path: Path, *, command: str, tables: Sequence[Table], headline: str, when: dt.datetime
) -> None:
    """Append one run (date, commit, command, tables, headline) to ``path``."""
    if not path.exists():
        path.write_text("# Benchmarks\n\nEach section is one run of `make bench`.\n\n# Runs\n")
    parts = [
        f"\n## {when:%Y-%m-%d %H:%M} UTC, commit {commit_label()}\n",
        f"Command: `{command}`\n",
        f"Headline: {headline}\n",
        *(t.markdown() for t in tables),
    ]
    with path.open("a") as f:
        f.write("\n".join(parts))


def fmt_s(seconds: float | None) -> str:
    """Seconds, short."""
    if seconds is None:
        return "-"
    return f"{seconds:.1f} s" if seconds < 100 else f"{seconds:.0f} s"


def fmt_mib(mib: float | None) -> str:
    """MiB, short."""
    return "-" if mib is None else f"{mib:.0f} MiB"


def ratio(a: float | None, b: float | None) -> str:
    """a/b as ``0.25x``; ``-`` when either is missing or b is zero."""
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}x"
