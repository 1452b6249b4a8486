"""An interrupted scan keeps every device it had finished: a real `camscan scan` subprocess,
killed mid-scan, a real SQLite file.  Targets are loopback addresses only, where this test
starts small HTTP servers of its own."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PORT = 18080
LIVE = [f"127.0.0.{i}" for i in range(2, 42)]  # 40 loopback "devices"


class Slow(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(0.3)  # keep the scan busy long enough to interrupt it
        body = b"<html><title>Test device</title></html>"
        self.send_response(200)
        self.send_header("Server", "test-httpd")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def servers() -> Iterator[None]:
    started = []
    for ip in LIVE:
        srv = ThreadingHTTPServer((ip, PORT), Slow)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        started.append(srv)
    yield
    for srv in started:
        srv.shutdown()
        srv.server_close()


def sightings(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(con.execute("SELECT count(*) FROM sighting").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def start_scan(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "camscan",
            "--db",
            str(db),
            "scan",
            "127.0.0.2-41",
            "--ports",
            str(PORT),
            "--probes",
            "tcp,http",
            "--rate",
            "20",
            "--site",
            "loop",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_devices(proc: subprocess.Popen[str], db: Path, n: int, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while sightings(db) < n:
        assert proc.poll() is None, f"scan ended early: {proc.communicate()[1][-2000:]}"
        assert time.monotonic() < deadline, "no device committed in time"
        time.sleep(0.2)


def camscan_json(db: Path, *args: str) -> object:
    out = subprocess.run(
        [sys.executable, "-m", "camscan", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.mark.usefixtures("servers")
def test_sigkill_keeps_completed_devices(tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    proc = start_scan(db)
    try:
        wait_for_devices(proc, db, 3)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    kept = sightings(db)
    assert 3 <= kept < len(LIVE), "killed mid-scan: some but not all devices"
    devices = camscan_json(db, "devices", "--format", "json")
    assert isinstance(devices, list) and len(devices) == kept
    assert all(d["ip"] in LIVE for d in devices)
    scans = camscan_json(db, "scans", "--format", "json")
    assert isinstance(scans, list)
    assert scans[0]["status"] == "incomplete"  # reaped: its process is gone
    assert scans[0]["devices_found"] == kept
    # each kept device has its evidence
    detail = camscan_json(db, "show", str(devices[0]["id"]), "--json")
    assert isinstance(detail, dict)
    assert any(o["probe"] == "http" and o["bytes"] > 0 for o in detail["observations"])


@pytest.mark.usefixtures("servers")
def test_sigint_closes_scan_as_incomplete(tmp_path: Path) -> None:
    db = tmp_path / "interrupted.db"
    proc = start_scan(db)
    try:
        wait_for_devices(proc, db, 2)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1
    assert "incomplete" in err
    scans = camscan_json(db, "scans", "--format", "json")
    assert isinstance(scans, list) and scans[0]["status"] == "incomplete"
    assert scans[0]["finished_at"] is not None  # closed by the process itself
    assert 2 <= len(camscan_json(db, "devices", "--format", "json")) < len(LIVE)  # type: ignore[arg-type]
