"""A lab server on loopback (hosts with "netns": null at 127.0.77.x), started as a real
subprocess and always killed at the end.  No namespaces and no multicast: unicast only."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 60.0
PASSWORD = "lab-Pa55-word"

# ip -> (personality, model, firmware, serial, mac)
HOSTS: dict[str, tuple[str, str, str, str, str]] = {
    "127.0.77.2": (
        "hikvision-ipc-v5.4",
        "DS-2CD2142FWD-I",
        "V5.5.0 build 170725",
        "DS-2CD2142FWD-I20190101AAWR123456789",
        "44:19:b6:12:34:56",
    ),
    "127.0.77.3": (
        "dahua-ipc",
        "IPC-HDW2431T-AS-S2",
        "2.800.0000000.6.R, Build Date: 2020-03-14",
        "6C0ABCDEF01PAG7",
        "08:ed:ed:87:42:7a",
    ),
    "127.0.77.4": ("axis-camera", "P3245-LVE", "9.80.3.4", "ACCC8E3A0A8F", "ac:cc:8e:3a:0a:8f"),
    "127.0.77.5": ("hostile-tarpit", "unknown", "unknown", "X000000001", "02:00:5e:00:00:01"),
    "127.0.77.6": ("hostile-endless-body", "unknown", "unknown", "X000000002", "02:00:5e:00:00:02"),
    "127.0.77.7": ("hostile-slow-bytes", "unknown", "unknown", "X000000003", "02:00:5e:00:00:03"),
    "127.0.77.8": ("hostile-all-ports", "unknown", "unknown", "X000000004", "02:00:5e:00:00:04"),
    "127.0.77.9": (
        "hostile-dahua-malformed-dhip",
        "IPC-HFW2431S-S-S2",
        "2.800.0000000.6.R, Build Date: 2020-03-14",
        "6C0ABCDEF02PAG7",
        "08:ed:ed:87:42:7b",
    ),
    "127.0.77.10": (
        "hostile-dahua-script-model",
        "<script>alert(1)</script>",
        "2.800.0000000.6.R, Build Date: 2020-03-14",
        "6C0ABCDEF03PAG7",
        "08:ed:ed:87:42:7c",
    ),
    # field-mix quirks (tests/lab_server/test_lab_server_quirks.py)
    "127.0.77.11": (
        "hikvision-ipc-v5.7+gzip",
        "DS-2CD2385G1-I",
        "V5.6.2 build 190701",
        "DS-2CD2385G1-I20200101AAWR987654321",
        "c4:2f:90:12:34:57",
    ),
    "127.0.77.12": (
        "dahua-ipc+lf-only",
        "IPC-HFW2431S-S-S2",
        "2.800.0000000.6.R, Build Date: 2020-03-14",
        "6C0ABCDEF04PAG7",
        "08:ed:ed:87:42:7d",
    ),
    "127.0.77.13": (
        "reolink-camera+slow-tls",
        "RLC-810A",
        "v3.1.0.2368_23062508",
        "00123456789012",
        "ec:71:db:00:00:01",
    ),
    "127.0.77.14": (
        "hikvision-nvr+wsd-truncated",
        "DS-7608NI-K2",
        "V4.30.085 build 200916",
        "DS-7608NI-K220200101CCRR123456789",
        "8c:e7:48:00:00:01",
    ),
    "127.0.77.15": (
        "xiongmai-dvr+wsd-odd-prefixes",
        "AHB7008T-LM",
        "V4.02.R11.00000532.10010.140000.0000000",
        "0a1b2c3dc0a1b2c3",
        "20:f4:1b:00:00:01",
    ),
    "127.0.77.16": (
        "lighttpd-captive-portal",
        "HS-200",
        "4.1.7",
        "HS000000001",
        "00:0e:c6:00:00:01",
    ),
    "127.0.77.17": (
        "xiongmai-camera+header-space",
        "XM530_R80X20-PQ",
        "V5.00.R02.000807D8.10010.346832.S.ONVIF 21.06",
        "0a1b2c3dc0a1b2c4",
        "20:f4:1b:00:00:02",
    ),
    "127.0.77.18": (
        "miniupnpd-router",
        "SDK 4.3.0.0",
        "MiniUPnPd/1.6",
        "M00000001",
        "00:0e:c6:00:00:02",
    ),
}


def state_document(hosts: dict[str, tuple[str, str, str, str, str]]) -> dict[str, Any]:
    """A state file in the lab contract's shape, every host in the server's namespace."""
    entries = []
    for i, (ip, (personality, model, firmware, serial, mac)) in enumerate(hosts.items(), 1):
        entries.append(
            {
                "id": f"h{i:04d}",
                "netns": None,
                "ip": ip,
                "mac": mac,
                "segment": "local",
                "personality": personality,
                "model": model,
                "firmware": firmware,
                "serial": serial,
                "uuid": f"5f1c2a3b-0000-4000-8000-{i:012d}",
                "hostname": f"host{i}",
                "name": model,
                "boot_time": "2024-03-01 08:00:00",
            }
        )
    return {
        "version": 1,
        "prefix": "cslab-",
        "onvif_user": "camscan-lab",
        "onvif_password": PASSWORD,
        "snmp_community": "public",
        "hosts": entries,
    }


@dataclass
class Server:
    proc: subprocess.Popen[str]
    ready: str
    hosts: dict[str, tuple[str, str, str, str, str]]
    log: Path

    def alive(self) -> bool:
        return self.proc.poll() is None


def start_server(state: Path) -> tuple[subprocess.Popen[str], str]:
    """Start the server; (process, first stdout line), waiting at most READY_TIMEOUT.
    Its stderr goes to ``state``'s directory (a pipe nobody reads could fill and block it)."""
    with (state.parent / "server.log").open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "camscan_lab.server", str(state)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=True,
        )
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], READY_TIMEOUT)
    line = proc.stdout.readline().strip() if ready else ""
    return proc, line


def stop_server(proc: subprocess.Popen[str]) -> int | None:
    """SIGTERM, then SIGKILL when it does not stop; the exit status (None if killed)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
            return None
    return proc.returncode


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if os.geteuid() != 0:
        pytest.skip("the lab server binds the personalities' ports (80, 161, 554 ...): needs root")
    state = tmp_path_factory.mktemp("lab-server") / "state.json"
    state.write_text(json.dumps(state_document(HOSTS)))
    proc, line = start_server(state)
    try:
        if not line.startswith("READY"):
            stop_server(proc)
            log = (state.parent / "server.log").read_text()[-2000:]
            pytest.fail(f"server did not get ready: {line!r} {log}")
        yield Server(proc, line, HOSTS, state.parent / "server.log")
    finally:
        stop_server(proc)
        if proc.poll() is None:  # pragma: no cover - stop_server kills
            proc.kill()


def wait_until(predicate: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
