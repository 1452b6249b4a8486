"""A scan that reaches nothing says so: answered hosts out of addresses, a warning and exit 1,
and an interface that does not exist refused before anything is sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def camscan(db: Path, *args: str, netns_isolated: bool = False) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "camscan", "--db", str(db), *args]
    if netns_isolated:
        # A network namespace of its own with no interface up: no address has a route, so
        # the scan sends nothing anywhere (the safety rule of the test suite).
        cmd = ["unshare", "--net", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.root
def test_no_route_is_a_warning_not_a_success(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.fail("unshare --net needs root: run the suite as root (make test does)")
    r = camscan(tmp_path / "x.db", "scan", "10.0.0.1-5", netns_isolated=True)
    assert r.returncode == 1, r.stderr
    assert "0 of 5 addresses answered" in r.stderr
    assert "5 addresses have no route" in r.stderr
    assert "warning: no host answered" in r.stderr and "ip route get 10.0.0.1" in r.stderr


def test_unknown_interface_is_refused(tmp_path: Path) -> None:
    r = camscan(tmp_path / "x.db", "scan", "127.0.0.1", "--interface", "eth99")
    assert r.returncode == 2
    assert "--interface eth99: no such interface" in r.stderr and "lo" in r.stderr
    assert not (tmp_path / "x.db").exists()


def test_answered_hosts_are_counted_out_of_addresses(tmp_path: Path) -> None:
    """127.0.0.1-3 on loopback: each address refuses or accepts connections, so all three
    answer; the JSON says so in both figures."""
    r = camscan(
        tmp_path / "x.db", "scan", "127.0.0.1-3", "--ports", "9", "--json", "--timeout", "0.5"
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["addresses"] == 3 and data["hosts_answered"] == 3
