"""Read commands on the wrong or a read-only inventory, and the devices filters."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sample_site import SITE, Site

from camscan.cli import cli


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


@pytest.mark.parametrize("command", [["devices"], ["show", "1"], ["scans"], ["export"]])
def test_a_mistyped_db_is_an_error_and_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "typo.db"
    r = run(db, *command)
    assert r.exit_code == 2
    assert "no inventory at" in r.output and "--db" in r.output
    assert not db.exists()


def test_unknown_site_lists_the_sites(scored_site: Site) -> None:
    r = run(scored_site.path, "devices", "--site", "South school")
    assert r.exit_code == 2
    assert f"sites: {SITE!r}" in r.output


def test_site_names_ignore_case_and_spacing(scored_site: Site) -> None:
    r = run(scored_site.path, "devices", "--site", "  north   SCHOOL ", "--format", "json")
    assert r.exit_code == 0
    assert {d["site"] for d in json.loads(r.output)} == {SITE}


def test_read_only_inventory_is_readable(scored_site: Site, tmp_path: Path) -> None:
    """A copy of the inventory on a read-only file system (a share mounted read-only) is
    read, not refused: root gets a real read-only tmpfs in a private mount namespace, anyone
    else a folder without write permission."""
    scored_site.inv.close()
    share = tmp_path / "share"
    share.mkdir()
    cmd = [sys.executable, "-m", "camscan", "--db", str(share / "inv.db"), "devices"]
    if os.geteuid() == 0:
        script = (
            f"mount -t tmpfs none {share} && cp {scored_site.path} {share}/inv.db && "
            f"mount -o remount,ro {share} && exec {shlex.join(cmd)} --format json"
        )
        r = subprocess.run(
            ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
        )
    else:
        shutil.copy(scored_site.path, share / "inv.db")
        (share / "inv.db").chmod(stat.S_IRUSR)
        share.chmod(stat.S_IRUSR | stat.S_IXUSR)
        r = subprocess.run([*cmd, "--format", "json"], capture_output=True, text=True, timeout=60)
        share.chmod(stat.S_IRWXU)
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) >= 9


def test_filters_and_priority_order(scored_site: Site) -> None:
    all_rows = json.loads(run(scored_site.path, "devices", "--format", "json").output)
    scores = [d["score"] for d in all_rows if d["score"] is not None]
    assert scores == sorted(scores, reverse=True)
    p1 = json.loads(run(scored_site.path, "devices", "--band", "P1", "--format", "json").output)
    assert p1 and {d["band"] for d in p1} == {"P1"}
    hik = json.loads(
        run(scored_site.path, "devices", "--maker", "hikvision", "--format", "json").output
    )
    assert hik and {d["manufacturer"] for d in hik} == {"Hikvision"}
    wl = json.loads(run(scored_site.path, "devices", "--white-label", "--format", "json").output)
    assert wl and all(d["white_label"] for d in wl)
    nvr = json.loads(run(scored_site.path, "devices", "--type", "nvr", "--format", "json").output)
    assert all(d["device_type"] == "nvr" for d in nvr)
    assert len(p1) < len(all_rows) and len(wl) < len(all_rows)


@pytest.mark.parametrize(
    "command", [["reidentify"], ["report", "-o", "r.html"], ["plan", "--budget", "9000"]]
)
def test_unknown_site_is_an_error_for_every_command(
    scored_site: Site, command: list[str], tmp_path: Path
) -> None:
    r = CliRunner().invoke(
        cli, ["--db", str(scored_site.path), *command, "--site", "Nowhere"], catch_exceptions=False
    )
    assert r.exit_code == 2
    assert "no site 'Nowhere'" in r.output and f"sites: {SITE!r}" in r.output
