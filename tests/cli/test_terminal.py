"""Tables as a person sees them: through a real pseudo-terminal at 80 and 200 columns, and
piped.  IPs and MACs are never split, nothing is wider than the terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from sample_site import Site

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
IPV4 = re.compile(r"\b10\.20\.0\.\d{1,3}\b")


def on_terminal(db: Path, columns: int, *args: str) -> list[str]:
    """The lines ``camscan --db DB ARGS`` prints on a pseudo-terminal ``columns`` wide."""
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "200", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "camscan", "--db", str(db), *args],
        dimensions=(200, columns),
        env=env,
        encoding="utf-8",
        timeout=60,
    )
    out = child.read()
    child.close()
    assert child.exitstatus == 0, out
    return [ANSI.sub("", line) for line in out.replace("\r\n", "\n").split("\n")]


@pytest.mark.parametrize("columns", [80, 200])
def test_devices_fit_the_terminal(scored_site: Site, columns: int) -> None:
    lines = on_terminal(scored_site.path, columns, "devices")
    assert max(len(line) for line in lines) <= columns, "\n".join(lines)
    body = "\n".join(lines)
    ips = IPV4.findall(body)
    # Every device's IP appears whole on one line (it would be cut as "10.20.0." otherwise).
    assert len(set(ips)) >= 9, body
    assert not re.search(r"10\.20\.0\.\s*$", body, re.M), body
    # Highest priority first: the first data row is a P1.
    rows = [line for line in lines if IPV4.search(line)]
    assert rows[0].split()[0] == "P1", body
    # Few enough lines that a person can read them: one per device plus a header and a note.
    assert len([line for line in lines if line.strip()]) <= 9 + 8


def test_narrow_terminal_names_the_hidden_columns(scored_site: Site) -> None:
    lines = on_terminal(scored_site.path, 80, "devices")
    note = [line for line in lines if "hidden at 80 columns" in line]
    assert note and "--wide" in note[0]
    wide = on_terminal(scored_site.path, 200, "devices")
    assert not any("hidden at" in line for line in wide)
    assert any(re.search(r"\b[0-9a-f]{2}(:[0-9a-f]{2}){5}\b", line) for line in wide)


def test_piped_output_is_plain_text(scored_site: Site) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "camscan", "--db", str(scored_site.path), "devices"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert r.returncode == 0, r.stderr
    assert not re.search("[\u2500-\u257f]", r.stdout), r.stdout  # no box drawing
    rows = [line for line in r.stdout.splitlines() if IPV4.search(line)]
    assert len(rows) >= 9
    # Piped, every column is kept (scripts read it): the MAC column is there.
    assert any(re.search(r"\b[0-9a-f]{2}(:[0-9a-f]{2}){5}\b", line) for line in rows)
