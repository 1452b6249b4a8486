"""The lab for the benchmark: one lock for the whole run, labs up one at a time, always down.

The bench holds ``fcntl.flock`` on /tmp/camscan-lab.lock from start to end (the team rule
for anything that touches the one lab this machine can host), and tears the lab down on
every way out: normal end, error, Ctrl-C, SIGTERM.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

LOCK_PATH = Path("/tmp/camscan-lab.lock")
CAMSCAN = [sys.executable, "-m", "camscan"]
CAMSCAN_LAB = [sys.executable, "-m", "camscan_lab"]  # the lab distribution (lab/)
# Keys under which `camscan-lab status --json` may name the scanner's namespace.
_NS_KEYS = ("scanner_netns", "scanner_namespace", "scanner_ns", "scanner")


class BenchError(RuntimeError):
    """A bench step could not run; the message says which and why."""


@dataclass
class Lab:
    """One running lab: its ground truth, status, and how to run a command inside it."""

    devices: int
    seed: int
    up_seconds: float
    truth: list[dict[str, Any]]
    status: dict[str, Any] = field(default_factory=dict)
    netns: str | None = None

    def in_scanner(self, cmd: list[str]) -> list[str]:
        """``cmd`` wrapped to run in the lab's scanner namespace (never the host's)."""
        if self.netns:
            return ["ip", "netns", "exec", self.netns, *cmd]
        return [*CAMSCAN_LAB, "run", "--", *cmd]


def _sh(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def _netns_from_status(status: dict[str, Any]) -> str | None:
    """The scanner namespace's name if `lab status --json` gives it and it exists."""
    names: list[str] = []
    for key in _NS_KEYS:
        value = status.get(key)
        if isinstance(value, dict):
            value = value.get("netns") or value.get("namespace") or value.get("name")
        if isinstance(value, str) and value:
            names.append(value)
    listed = _sh(["ip", "netns", "list"], 10).stdout.split()
    return next((n for n in names if n in listed), None)


def lab_down(timeout: float = 120) -> None:
    """Remove any lab (idempotent); a failure is reported, not raised, as we may be exiting."""
    try:
        proc = _sh([*CAMSCAN_LAB, "down"], timeout)
    except subprocess.TimeoutExpired:
        print(f"warning: `camscan-lab down` took over {timeout:.0f} s", file=sys.stderr)
        return
    if proc.returncode != 0:
        print(f"warning: `camscan-lab down` failed: {proc.stderr.strip()[-500:]}", file=sys.stderr)


def lab_up(devices: int, seed: int, truth_path: Path, *, mix: str, timeout: float) -> Lab:
    """Bring up a lab of ``devices`` hosts and time it (the whole `lab up` command)."""
    lab_down()
    cmd = [*CAMSCAN_LAB, "up", "--devices", str(devices), "--seed", str(seed)]
    cmd += ["--mix", mix, "--truth", str(truth_path)]
    start = time.monotonic()
    try:
        proc = _sh(cmd, timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(
            f"`camscan-lab up --devices {devices}` took over {timeout:.0f} s"
        ) from None
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        raise BenchError(f"`camscan-lab up` failed: {proc.stderr.strip()[-2000:]}")
    truth = json.loads(truth_path.read_text())
    status_proc = _sh([*CAMSCAN_LAB, "status", "--json"], 60)
    try:
        status = json.loads(status_proc.stdout) if status_proc.returncode == 0 else {}
    except json.JSONDecodeError:
        status = {}
    return Lab(
        devices=devices,
        seed=seed,
        up_seconds=elapsed,
        truth=truth,
        status=status,
        netns=_netns_from_status(status),
    )


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def lab_lock(wait: float = 900) -> Iterator[None]:
    """Hold the machine's lab lock for the block; the lab is down when the block exits.

    SIGTERM is turned into KeyboardInterrupt so `finally` clauses (lab down) run on it too.
    """
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    fd = os.open(LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BenchError(
                        f"{LOCK_PATH} still held after {wait:.0f} s: another lab user is "
                        "running; try again when it is done"
                    ) from None
                if not told:
                    print(f"waiting for {LOCK_PATH} (another lab is in use)...", flush=True)
                    told = True
                time.sleep(1)
        try:
            yield
        finally:
            lab_down()
    finally:
        os.close(fd)  # releases the lock
        signal.signal(signal.SIGTERM, previous)
