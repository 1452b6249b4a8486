"""The lab speaks on its own, and a listener hears it: a 12-host lab with announcements
(time compressed 60x) and the listening namespace, captured on the listener's interface with
a raw socket for a bounded window.  Checks that the expected hosts' DHCP, ARP, WS-Discovery
Hello and Bye, SADP, DHIP, mDNS and SSDP NOTIFY arrive, that no host sends more than the
cited schedule allows in the window, and that the mirror carries the scanner's unicast too.

Takes the session lab down for its own and puts it back afterwards."""

from __future__ import annotations

import collections
import json
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from camscan_lab import announce, site
from camscan_lab.personalities import by_name
from tests.conftest import Lab

pytestmark = pytest.mark.lab

DEVICES, SEED = 12, 1  # this draw has SADP, DHIP, ONVIF, SSDP and mDNS hosts on the local side
SPEED = 60.0  # one real second = one simulated minute
BOOT_DELAY = 2.0  # real seconds: the capture is open before the first host powers on
WINDOW = 8.0  # real seconds of capture before the lab goes down
MAX_FRAMES = 100_000
PROBE = b"camscan-lab mirror check"


@dataclass
class Capture:
    frames: list[tuple[float, bytes]] = field(default_factory=list)
    error: str | None = None


def _capture(sock: socket.socket, out: Capture, stop: threading.Event) -> None:
    deadline = time.monotonic() + WINDOW + 30  # bounded whatever happens
    while not stop.is_set() and time.monotonic() < deadline and len(out.frames) < MAX_FRAMES:
        try:
            data = sock.recv(65535)
        except TimeoutError:
            continue
        except OSError as err:  # the interface went away with the lab
            out.error = str(err)
            return
        out.frames.append((time.monotonic(), data))


@dataclass
class Heard:
    truth: list[dict[str, Any]]
    state: dict[str, Any]
    frames: list[tuple[float, bytes]]
    down_at: float
    started: float
    status: dict[str, Any]


@pytest.fixture(scope="module")
def heard(lab: Lab) -> Iterator[Heard]:
    site.down()
    try:
        state = site.up(
            devices=DEVICES,
            seed=SEED,
            announce_speed=SPEED,
            listener="local",
            boot_delay=BOOT_DELAY,
        )
        with site._in_netns(site.LISTENER):
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        sock.bind((site.LISTENER_IFACE, 0))
        sock.settimeout(0.2)
        cap, stop = Capture(), threading.Event()
        reader = threading.Thread(target=_capture, args=(sock, cap, stop), daemon=True)
        reader.start()
        started = time.monotonic()
        status = json.loads(site_cli("status", "--json").stdout)  # what a listener reads
        time.sleep(WINDOW / 2)
        probe = (
            "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
            f"[s.sendto({PROBE!r}, ('{state['hosts'][0]['ip']}', 9)) for _ in range(3)]"
        )
        assert lab_run([sys.executable, "-c", probe]).returncode == 0
        time.sleep(WINDOW / 2)
        down_at = time.monotonic()
        site.down()  # the server says goodbye before the namespaces go
        stop.set()
        reader.join(timeout=10)
        sock.close()
        truth = json.loads(json.dumps(state["hosts"]))
        yield Heard(truth, state, cap.frames, down_at, started, status)
    finally:
        lab.restart()


def site_cli(*args: str) -> Any:
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "camscan_lab", *args], capture_output=True, text=True, timeout=60
    )


def lab_run(cmd: list[str]) -> Any:
    return site.run(cmd, capture=True, timeout=60)


# ------------------------------------------------------------------------- decoding


def classify(frame: bytes) -> tuple[str, str, bytes] | None:
    """(kind, source MAC, payload) of an announcement frame, or None."""
    if len(frame) < 42:
        return None
    src = frame[6:12].hex(":")
    ethertype = struct.unpack("!H", frame[12:14])[0]
    if ethertype == 0x0806:  # requests only (a host's reply to the scanner is no announcement)
        return ("arp", src, frame[14:42]) if frame[20:22] == b"\x00\x01" else None
    if ethertype != 0x0800 or frame[23] != 17:
        return None
    ihl = (frame[14] & 0x0F) * 4
    udp = frame[14 + ihl :]
    dport = struct.unpack("!H", udp[2:4])[0]
    payload = udp[8:]
    kinds = {67: "dhcp", 37020: "sadp", 37810: "dhip", 5353: "mdns"}
    if dport in kinds:
        return kinds[dport], src, payload
    if dport == 3702:
        if b"/discovery/Hello<" in payload:
            return "hello", src, payload
        if b"/discovery/Bye<" in payload:
            return "bye", src, payload
        return None
    if dport == 1900 and payload.startswith(b"NOTIFY "):
        return ("byebye" if b"ssdp:byebye" in payload else "notify"), src, payload
    if dport == 9 and PROBE in payload:
        return "probe", src, payload
    return None


def by_kind(h: Heard) -> dict[str, collections.Counter[str]]:
    out: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for _t, frame in h.frames:
        c = classify(frame)
        if c:
            out[c[0]][c[1]] += 1
    return out


def local_hosts(h: Heard, predicate: Any) -> set[str]:
    return {
        x["mac"]
        for x in h.truth
        if x["segment"] == "local" and predicate(by_name(x["personality"]), x)
    }


# ------------------------------------------------------------------------- tests


def test_status_names_the_listener(heard: Heard) -> None:
    listener = heard.status["listener"]
    assert listener["netns"] == "cslab-listener" and listener["interface"] == "eth0"
    assert listener["mirror"] == "local" and heard.status["announce_speed"] == SPEED
    assert heard.frames, "the listener heard nothing"


def test_the_expected_hosts_announce_themselves(heard: Heard) -> None:
    kinds = by_kind(heard)
    expect = {
        "hello": local_hosts(heard, lambda p, _x: p.onvif is not None),
        "bye": local_hosts(heard, lambda p, _x: p.onvif is not None),
        "sadp": local_hosts(heard, lambda p, _x: p.sadp is not None),
        "dhip": local_hosts(heard, lambda p, _x: p.dahua_discovery is not None),
        "mdns": local_hosts(heard, lambda p, _x: bool(p.mdns)),
        "notify": local_hosts(heard, lambda p, _x: p.ssdp_server is not None),
        "byebye": local_hosts(heard, lambda p, _x: p.ssdp_server is not None),
        "arp": local_hosts(heard, lambda _p, _x: True),
    }
    for kind, macs in expect.items():
        assert macs, f"the draw has no local host for {kind}"
        assert set(kinds[kind]) >= macs, (kind, macs - set(kinds[kind]))
    dhcp = {x["mac"] for x in heard.truth if x["segment"] == "local"}
    assert set(kinds["dhcp"]) <= dhcp and set(kinds["dhcp"])
    routed = {x["mac"] for x in heard.truth if x["segment"] == "routed"}
    heard_from = {mac for counter in kinds.values() for mac in counter}
    assert not heard_from & routed  # a mirror of the local segment only


def test_dhcp_carries_hostname_vendor_class_parameters_and_client_id(heard: Heard) -> None:
    truth = {x["mac"]: x for x in heard.truth}
    seen = 0
    for _t, frame in heard.frames:
        c = classify(frame)
        if not c or c[0] != "dhcp":
            continue
        payload = c[2]
        assert payload[236:240] == bytes([99, 130, 83, 99])
        opts: dict[int, bytes] = {}
        i = 240
        while i < len(payload) and payload[i] != 255:
            opts[payload[i]] = payload[i + 2 : i + 2 + payload[i + 1]]
            i += 2 + payload[i + 1]
        host = truth[c[1]]
        assert opts[53] in (b"\x01", b"\x03") and opts[50] == socket.inet_aton(host["ip"])
        assert 55 in opts and 12 in opts
        if host["personality"].startswith("linux-"):
            assert 60 not in opts and 61 not in opts  # ISC dhclient's default shape
        else:
            assert 60 in opts and opts[61] == b"\x01" + bytes.fromhex(c[1].replace(":", ""))
        seen += 1
    assert seen


def test_announcements_stay_within_the_cited_schedule(heard: Heard) -> None:
    kinds = by_kind(heard)
    simulated = (heard.down_at - heard.started + 1.0) * SPEED
    ssdp_rounds = 2 + int(simulated / announce.SSDP_REFRESH[0]) + 1
    arp_rounds = 5 + int(simulated / announce.REACHABLE[0]) + 1
    for x in heard.truth:
        p, mac = by_name(x["personality"]), x["mac"]
        limit = {
            "hello": 1 + announce.MULTICAST_UDP_REPEAT,
            "bye": 1 + announce.MULTICAST_UDP_REPEAT,
            "sadp": 1,
            "dhip": 1,
            "dhcp": 2,
            "mdns": announce.MDNS_ANNOUNCEMENTS * 2,
            "notify": ssdp_rounds * 3,
            "byebye": 3,
        }
        for kind, most in limit.items():
            assert kinds[kind][mac] <= most, (kind, x["personality"], kinds[kind][mac], most)
        if p.is_camera:
            assert kinds["arp"][mac] <= 5, (x["personality"], kinds["arp"][mac])
        else:
            assert kinds["arp"][mac] <= arp_rounds, (x["personality"], kinds["arp"][mac])


def test_the_goodbyes_come_when_the_lab_goes_down(heard: Heard) -> None:
    for t, frame in heard.frames:
        c = classify(frame)
        if c and c[0] in ("bye", "byebye"):
            assert t >= heard.down_at - 0.5, "a goodbye before the lab went down"


def test_the_mirror_carries_the_scanners_unicast(heard: Heard) -> None:
    kinds = by_kind(heard)
    scanner_macs = set(kinds["probe"])
    assert len(scanner_macs) == 1 and sum(kinds["probe"].values()) == 3
    target = heard.truth[0]["ip"]
    probes = [f for _t, f in heard.frames if (c := classify(f)) and c[0] == "probe"]
    assert all(f[26:30] == socket.inet_aton(site.SCANNER_IP) for f in probes)
    assert all(f[30:34] == socket.inet_aton(target) for f in probes)
