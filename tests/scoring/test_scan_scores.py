"""A finished `camscan scan` leaves every device scored (scan.run calls rescore)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

IP, PORT = "127.0.0.77", 18277


class Camera(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html><head><title>index</title></head></html>"
        self.send_response(200)
        self.send_header("Server", "App-webs/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[None]:
    srv = ThreadingHTTPServer((IP, PORT), Camera)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield
    srv.shutdown()
    srv.server_close()


def camscan(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "camscan", "--db", str(db), *args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_scan_stores_scores(server: None, tmp_path: Path) -> None:
    db = tmp_path / "scan.db"
    r = camscan(db, "scan", IP, "--ports", str(PORT), "--probes", "tcp,http", "--site", "loop")
    assert r.returncode == 0, r.stderr[-2000:]
    devices = json.loads(camscan(db, "devices", "--format", "json").stdout)
    assert [d["ip"] for d in devices] == [IP]
    dev = devices[0]
    assert dev["band"] is not None and dev["score_factors"]
    assert sum(f["points"] for f in dev["score_factors"]) == pytest.approx(dev["score"])
