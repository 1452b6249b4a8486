"""`camscan listen` on a veth end inside a network namespace this test creates: a real
sender in the peer namespace announces two cameras (ARP, DHCP, WS-Discovery Hello, SSDP
NOTIFY, SADP) a bounded number of times; listen, stopped by Ctrl-C, finds both with their
makers, and a capture on the sender's end shows that nothing at all arrived from the
listening side."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from camscan.passive.capture import read_frames

pytestmark = pytest.mark.root

LNS, SNS = f"csl-{os.getpid()}", f"css-{os.getpid()}"
DAHUA, HIK = "10.77.0.80", "10.77.0.64"
HERE = Path(__file__).parent
SHARED = HERE.parent / "shared"


def sh(*args: str, check: bool = True) -> str:
    return subprocess.run(args, check=check, capture_output=True, text=True, timeout=20).stdout


@pytest.fixture
def pair() -> Iterator[None]:
    assert os.geteuid() == 0, "this test makes network namespaces: run it as root"
    try:
        sh("ip", "netns", "add", LNS)
        sh("ip", "netns", "add", SNS)
        # The listening end has no address and no IPv6, so its kernel has nothing to say
        # (no router solicitation, no duplicate address detection): any frame that leaves
        # it would be camscan's.
        for key in ("all", "default"):
            sh(
                "ip",
                "netns",
                "exec",
                LNS,
                "sysctl",
                "-q",
                "-w",
                f"net.ipv6.conf.{key}.disable_ipv6=1",
            )
            sh(
                "ip",
                "netns",
                "exec",
                SNS,
                "sysctl",
                "-q",
                "-w",
                f"net.ipv6.conf.{key}.disable_ipv6=1",
            )
        sh("ip", "link", "add", "l0", "netns", LNS, "type", "veth", "peer", "s0", "netns", SNS)
        sh("ip", "-n", LNS, "link", "set", "l0", "up")
        sh("ip", "-n", SNS, "addr", "add", f"{DAHUA}/24", "dev", "s0")
        sh("ip", "-n", SNS, "addr", "add", f"{HIK}/24", "dev", "s0")
        sh("ip", "-n", SNS, "link", "set", "s0", "up")
        yield
    finally:
        sh("ip", "netns", "del", LNS, check=False)
        sh("ip", "netns", "del", SNS, check=False)


SENDER = textwrap.dedent(
    """
    import socket, sys, time
    sys.path[:0] = [{shared!r}]
    from passive_frames import arp, udp_frame
    from passive_samples import DAHUA_HELLO, HIK_SADP, SSDP_NOTIFY
    from camscan.passive import dhcp
    DAHUA, HIK = {dahua!r}, {hik!r}
    dmac = bytes.fromhex("9c8ecd010203"); hmac = bytes.fromhex("5850ed1fe385")
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    raw.bind(("s0", 0))
    def udp_from(src, group, port, data):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(src))
        s.bind((src, port))
        s.sendto(data, (group, port))
        s.close()
    discover = dhcp.build(mac=dmac, hostname="IPC-HFW2228M", vendor_class="udhcp 1.20.2")
    for _ in range(6):  # bounded: six rounds, about five seconds
        raw.send(arp(DAHUA, dmac))
        raw.send(arp(HIK, hmac))
        raw.send(udp_frame("0.0.0.0", "255.255.255.255", 68, 67, discover, mac=dmac))
        udp_from(DAHUA, "239.255.255.250", 3702, DAHUA_HELLO)
        udp_from(DAHUA, "239.255.255.250", 1900, SSDP_NOTIFY.replace(b"10.0.0.80", DAHUA.encode()))
        udp_from(HIK, "239.255.255.250", 37020, HIK_SADP)
        time.sleep(0.8)
    """
)


def test_listen_finds_the_announced_cameras_and_sends_nothing(pair: None, tmp_path: Path) -> None:
    seen = tmp_path / "from-listener.pcap"
    dump = subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            SNS,
            "tcpdump",
            "-i",
            "s0",
            "-Q",
            "in",
            "--immediate-mode",
            "-U",
            "-w",
            str(seen),
        ],
        stderr=subprocess.PIPE,
    )
    assert dump.stderr is not None and b"listening" in dump.stderr.readline()
    env = {**os.environ, "CAMSCAN_DB": str(tmp_path / "inv.db")}
    listener = subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            LNS,
            sys.executable,
            "-m",
            "camscan",
            "listen",
            "-i",
            "l0",
            "--site",
            "ward",
            "--json",
            "--write-pcap",
            str(tmp_path / "l.pcap"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert listener.stderr is not None
        line = listener.stderr.readline()  # the socket is open before the devices speak
        assert "listening on l0 (receive-only)" in line, line
        script = SENDER.format(shared=str(SHARED), dahua=DAHUA, hik=HIK)
        sender = subprocess.run(
            ["ip", "netns", "exec", SNS, sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert sender.returncode == 0, sender.stderr
        time.sleep(0.5)
        listener.send_signal(signal.SIGINT)  # no --duration: it listens until Ctrl-C
        out, err = listener.communicate(timeout=30)
    finally:
        listener.kill()
        time.sleep(0.5)
        dump.terminate()
        dump.wait(timeout=10)
    assert listener.returncode == 0, err
    summary = json.loads(out)
    assert summary["makers"] == {"Dahua": 1, "Hikvision": 1}
    assert summary["hosts"] == 2 and summary["stored"] is True and summary["packets"] >= 30
    assert summary["stopped"] == "Ctrl-C" and summary["dropped_by_kernel"] == 0
    # The capture on the sender's end: frames that came in from the listening side.
    with seen.open("rb") as f:
        from_listener = list(read_frames(f))
    assert from_listener == []
    # what listen wrote with --write-pcap reads back into the same two hosts
    from camscan.imports.pcap import decode_file
    from camscan.passive.decoder import PassiveDecoder
    from camscan.passive.scope import recording_scope

    again = PassiveDecoder(recording_scope())
    with (tmp_path / "l.pcap").open("rb") as f:
        assert decode_file(f, again).records >= 24
    assert sorted(again.hosts) == [HIK, DAHUA]
    assert again.hosts[DAHUA].hostname == "IPC-HFW2228M"
    shown = subprocess.run(
        [sys.executable, "-m", "camscan", "devices", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    devices = {d["ip"]: d for d in json.loads(shown.stdout)}
    assert devices[DAHUA]["mac"] == "9c:8e:cd:01:02:03"
    assert any("never scanned" in n for n in devices[HIK]["notes"])
