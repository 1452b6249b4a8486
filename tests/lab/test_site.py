"""The simulated site on the wire: every host reachable from the scanner on both segments,
the routed segment really behind a router, the scanner sealed off, `down` leaving nothing.

Uses the session lab (tests/conftest.py); the tests that take it down bring it back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from camscan.errors import LabError
from camscan_lab import site
from tests.conftest import Lab

pytestmark = pytest.mark.lab

PING_ALL = (
    'for ip in "$@"; do ping -n -c1 -W1 "$ip" >/dev/null 2>&1 '
    '|| ping -n -c1 -W1 "$ip" >/dev/null 2>&1 || echo "$ip"; done'
)


def camscan_lab(*args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "camscan_lab", *args],
        capture_output=True,
        text=True,
        timeout=300,
        **kw,
    )


def sh(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True).stdout


def ping_all(lab: Lab, ips: list[str]) -> list[str]:
    """The addresses that did not answer two pings (bounded: 2 s per silent host)."""
    proc = lab.run(["sh", "-c", PING_ALL, "sh", *ips], timeout=30 + 2.5 * len(ips))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def lab_namespaces() -> list[str]:
    return [
        line.split()[0]
        for line in sh("ip", "netns", "list").splitlines()
        if line.strip() and line.startswith("cslab-")
    ]


def root_links() -> set[str]:
    return {line.split(": ")[1].split("@")[0] for line in sh("ip", "-o", "link").splitlines()}


def test_every_host_answers_ping_on_both_segments(lab: Lab) -> None:
    assert {h["segment"] for h in lab.truth} == {"local", "routed"}
    silent = ping_all(lab, [h["ip"] for h in lab.truth])
    assert not silent, f"hosts not answering ping from the scanner: {silent}"


def test_arp_gives_each_local_host_its_own_mac(lab: Lab) -> None:
    local = [h for h in lab.truth if h["segment"] == "local"]
    assert not ping_all(lab, [h["ip"] for h in local])
    neigh = lab.run(["ip", "-4", "neigh", "show", "dev", "eth0"]).stdout
    seen = dict(re.findall(r"^(\S+) lladdr (\S+)", neigh, re.M))
    wrong = [(h["ip"], h["mac"], seen.get(h["ip"])) for h in local if seen.get(h["ip"]) != h["mac"]]
    assert not wrong, f"ARP from the scanner disagrees with the ground truth: {wrong[:10]}"
    assert len({h["mac"] for h in local}) == len(local)


def test_routed_segment_is_behind_the_router_not_on_the_scanners_link(lab: Lab) -> None:
    routed = [h for h in lab.truth if h["segment"] == "routed"]
    local = [h for h in lab.truth if h["segment"] == "local"]
    assert not ping_all(lab, [h["ip"] for h in routed])
    neigh = lab.run(["ip", "-4", "neigh", "show"]).stdout
    router_mac = json.loads(sh("ip", "-n", site.ROUTER, "-j", "link", "show", "eth-local"))[0][
        "address"
    ]
    assert re.search(rf"^10\.77\.0\.1 .*lladdr {router_mac}", neigh, re.M), neigh
    for h in routed:
        assert h["ip"] not in neigh.split()  # no ARP for routed hosts: the router answers
        assert h["mac"] not in neigh
    # the local bridge never learned a routed host's MAC: they are on another broadcast domain
    fdb = sh("bridge", "-n", site.SWITCH, "fdb", "show", "br", "br-local")
    assert not [h["mac"] for h in routed if h["mac"] in fdb]
    # one hop more behind the router: TTL 63 instead of 64
    far = lab.run(["ping", "-n", "-c1", "-W2", routed[0]["ip"]]).stdout
    near = lab.run(["ping", "-n", "-c1", "-W2", local[0]["ip"]]).stdout
    assert "ttl=63" in far and "ttl=64" in near, (far, near)


def test_scanner_namespace_is_sealed(lab: Lab) -> None:
    links = lab.run(["ip", "-o", "link"]).stdout
    names = {line.split(": ")[1].split("@")[0] for line in links.splitlines()}
    assert names == {"lo", site.SCANNER_IFACE}
    assert lab.run(["ip", "-4", "route", "show", "default"]).stdout.strip() == ""
    assert lab.run(["ip", "-6", "route", "show", "default"]).stdout.strip() == ""
    # an address outside the lab has no route at all (a lookup, no packet is sent)
    outside = lab.run(["ip", "route", "get", "192.0.2.1"])
    assert outside.returncode != 0 and "unreachable" in outside.stderr.lower()
    assert lab.scanner_netns == site.SCANNER


def test_host_namespaces_hold_their_own_identity(lab: Lab) -> None:
    h = lab.truth[len(lab.truth) // 2]
    link = json.loads(sh("ip", "-n", f"cslab-{h['id']}", "-j", "addr", "show", "eth0"))[0]
    assert link["address"] == h["mac"]
    assert h["ip"] in [a["local"] for a in link["addr_info"]]
    gateway = "10.77.0.1" if h["segment"] == "local" else "10.77.8.1"
    assert f"default via {gateway}" in sh("ip", "-n", f"cslab-{h['id']}", "route")


def test_status_json_and_text(lab: Lab) -> None:
    proc = camscan_lab("status", "--json")
    assert proc.returncode == 0, proc.stderr
    status = json.loads(proc.stdout)
    assert status["onvif_user"] == lab.onvif_user
    assert status["onvif_password"] == lab.onvif_password
    assert status["scanner_netns"] == "cslab-scanner"
    assert status["hosts"] == len(lab.truth)
    assert status["namespaces"] == len(lab.truth) + 3 and not status["broken"]
    assert status["server_running"] is True
    full = json.loads(camscan_lab("status", "--json", "--hosts").stdout)
    assert [h["ip"] for h in full["hosts"]] == [h["ip"] for h in lab.truth]
    text = camscan_lab("status").stdout
    routed = sum(1 for h in lab.truth if h["segment"] == "routed")
    assert f"10.77.8.0/24: {routed} hosts" in text
    assert "Hikvision" in text and lab.onvif_password in text


def test_lab_run_passes_streams_and_exit_code_through(lab: Lab) -> None:
    proc = camscan_lab("run", "--", "sh", "-c", "cat; echo oops >&2; exit 3", input="hello\n")
    assert proc.returncode == 3
    assert proc.stdout == "hello\n" and proc.stderr == "oops\n"
    inside = camscan_lab("run", "--", "ip", "-o", "-4", "addr", "show", "eth0")
    assert "10.77.3.250/22" in inside.stdout


def test_second_up_is_refused(lab: Lab) -> None:
    before = lab_namespaces()
    with pytest.raises(LabError, match="camscan-lab down"):
        site.up(devices=10, seed=1)
    proc = camscan_lab("up", "--devices", "10")
    assert proc.returncode == 2
    assert "camscan-lab down" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert lab_namespaces() == before
    assert site.status() is not None


def test_up_without_root_says_what_is_needed(tmp_path: Path) -> None:
    prefix = (
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"]
        if os.geteuid() == 0
        else []
    )
    proc = subprocess.run(
        [*prefix, sys.executable, "-m", "camscan_lab", "up", "--devices", "5"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert proc.returncode == 2, proc.stderr
    assert "root" in proc.stderr and "CAP_NET_ADMIN" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_down_removes_everything_and_is_idempotent(lab: Lab) -> None:
    links = root_links()
    server = lab.state["server_pid"]
    assert isinstance(server, int) and Path(f"/proc/{server}").exists()
    try:
        removed = site.down()
        assert removed["namespaces"] == len(lab.truth) + 3
        assert lab_namespaces() == []
        assert root_links() == links  # the lab never made a link in the machine's namespace
        assert not site.STATE_DIR.exists()
        assert not site._alive(server)
        assert site.down() == {"namespaces": 0, "processes": 0}
        assert site.status() is None
        proc = camscan_lab("down")
        assert proc.returncode == 0 and "nothing to remove" in proc.stdout
        assert camscan_lab("status").returncode == 1
        assert camscan_lab("run", "--", "true").returncode == 2
    finally:
        lab.restart()
    assert not ping_all(lab, [lab.truth[0]["ip"], lab.truth[-1]["ip"]])


def test_down_after_a_crash_that_lost_the_state(lab: Lab) -> None:
    server = lab.state["server_pid"]
    try:
        site.STATE_FILE.unlink()  # as if `lab up` died before writing it
        assert site.status()["broken"]  # type: ignore[index]
        site.down()
        assert lab_namespaces() == []
        assert not site._alive(server)  # found by its command line, not by the state
    finally:
        lab.restart()
