"""Every command the per-user pages show (docs/for-*.md) runs as shown.

Commands other than `scan` run against the sample site's inventory ($CAMSCAN_DB, so the
command text is the page's).  `scan` commands name real-network addresses: they run inside
a network namespace of their own with no interface up, where no address has a route, so
the command is parsed and run whole and sends nothing anywhere; it must end with the
scan's own answered-hosts line (and exit 1: no host answered).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sample_site import Site

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").glob("for-*.md"))
HOSPITAL_POLICY = 'name = "hospital"\n[bands]\nP1 = 60\nP2 = 35\nP3 = 15\n'


def commands() -> Iterator[tuple[str, str]]:
    for page in PAGES:
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith("$ camscan "):
                yield page.name, line[2:]


def test_every_user_has_a_page() -> None:
    assert [p.name for p in PAGES] == ["for-consultants.md", "for-facilities.md", "for-it-teams.md"]
    assert all(len([c for p, c in commands() if p == page.name]) >= 4 for page in PAGES)


def _cases() -> list[object]:
    return [
        pytest.param(page, cmd, marks=[pytest.mark.root] if " scan " in f"{cmd} " else [])
        for page, cmd in commands()
    ]


@pytest.mark.parametrize(("page", "command"), _cases())
def test_command_runs_as_shown(page: str, command: str, scored_site: Site, tmp_path: Path) -> None:
    scored_site.inv.close()
    (tmp_path / "hospital.toml").write_text(HOSPITAL_POLICY, encoding="utf-8")
    words = shlex.split(command)
    out_file = None
    if ">" in words:
        out_file = tmp_path / words[words.index(">") + 1]
        words = words[: words.index(">")]
    if words[:2] == ["camscan", "identify"]:
        # its input is what the page's previous command wrote
        doc = subprocess.run(
            [sys.executable, "-m", "camscan", "show", "10.20.0.11", "--evidence-document"],
            capture_output=True, text=True, cwd=tmp_path, timeout=60,
            env={**os.environ, "CAMSCAN_DB": str(scored_site.path)},
        )  # fmt: skip
        (tmp_path / words[2]).write_text(doc.stdout, encoding="utf-8")
    argv = [sys.executable, "-m", "camscan", *words[1:]]
    env = {**os.environ, "CAMSCAN_DB": str(scored_site.path), "CAM_PW": "not-used"}
    if words[1] == "scan":
        if os.geteuid() != 0:
            pytest.fail("the scan examples run in a network namespace of their own: run as root")
        env["CAMSCAN_DB"] = str(tmp_path / "scan.db")
        argv = ["unshare", "--net", *argv]
    r = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, timeout=180, env=env)
    if words[1] == "scan":
        assert r.returncode == 1, r.stderr
        assert re.search(r"0 of [\d,]+ addresses answered", r.stderr), r.stderr
        return
    assert r.returncode == 0, f"{page}: {command}\n{r.stderr}"
    assert "Traceback" not in r.stderr
    if out_file is not None:
        out_file.write_text(r.stdout, encoding="utf-8")
        assert out_file.stat().st_size > 0
