"""Issue 10's reproduction, the whole chain: a web server that answers every path with the
same 200 page is scanned with the real CLI; the scan asks the port's canary, and `camscan
show` names no manufacturer and says "catch-all"."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

IP = "127.0.0.5"
BODY = b"<html><head><title>Network Camera</title></head><body></body></html>"
REPLY = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((IP, 0))
        return int(s.getsockname()[1])


@pytest.fixture
def catch_all() -> Iterator[int]:
    """The issue's server: the same page for every request, on a free port of 127.0.0.5."""
    port = _free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await asyncio.wait_for(reader.read(4096), 5)
            writer.write(REPLY)
            await writer.drain()
        except (TimeoutError, OSError):
            pass
        finally:
            writer.close()

    async def serve() -> asyncio.Server:
        return await asyncio.start_server(handle, IP, port)

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(serve())
        ready.set()
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())

    t = threading.Thread(target=run, daemon=True)
    t.start()
    assert ready.wait(5)
    yield port
    loop.call_soon_threadsafe(loop.stop)
    t.join(5)


def camscan(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "camscan", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_catch_all_server_names_no_maker_and_says_catch_all(catch_all: int, tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    r = camscan(db, "scan", IP, "--ports", str(catch_all))
    assert r.returncode == 0, r.stderr[-2000:]
    doc = json.loads(camscan(db, "show", IP, "--evidence-document").stdout)
    canaries = [e for e in doc["http"] if e.get("canary")]
    assert len(canaries) == 1 and canaries[0]["path"].startswith("/camscan-canary-")
    shown = camscan(db, "show", IP)
    assert shown.returncode == 0, shown.stderr
    record = json.loads(camscan(db, "show", IP, "--json").stdout)
    assert record["manufacturer"] is None
    made_by = next(line for line in shown.stdout.splitlines() if "made by" in line)
    assert made_by.split("made by", 1)[1].strip() in ("", "-")
    assert "catch-all" in shown.stdout
