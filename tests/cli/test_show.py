"""`camscan show` as a person reads it, on a device stored from real observations."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from camscan.cli import cli
from camscan.fingerprint import load_engine
from camscan.inventory import repository as repo
from camscan.inventory.db import open_inventory
from camscan.observations import Observation, evidence_document

IP = "10.30.0.5"
REPLY = b"HTTP/1.1 401 Unauthorized\r\nServer: App-webs/\r\nContent-Length: 0\r\n\r\n"
# Dahua firmware's P3P header (camscan/fingerprints/dahua.yaml): a rule that reads the header block.
DAHUA = b"HTTP/1.1 200 OK\r\nP3P: CP=CAO PSA OUR\r\nCONTENT-LENGTH: 0\r\n\r\n"
PATHS = ("/", "/ISAPI/System/deviceInfo", "/doc/page/login.asp", "/favicon.ico")


def stored_device(tmp_path: Path, reply: bytes = REPLY) -> Path:
    """One host answering four paths alike, stored by one complete scan."""
    db = tmp_path / "inv.db"
    inv = open_inventory(str(db))
    obs = [Observation(probe="tcp", ip=IP, port=p) for p in (80, 8000)]
    obs += [
        Observation(probe="http", ip=IP, port=80, raw=reply, meta={"path": p, "tls": False})
        for p in PATHS
    ]
    verdict = load_engine().identify(evidence_document(IP, obs))
    sid = repo.start_scan(inv, "clinic", {"cidrs": ["10.30.0.0/24"]}, {})
    repo.record_host(inv, sid, IP, None, obs, verdict)
    repo.finish_scan(inv, sid, "complete", 1)
    inv.close()
    return db


def show(db: Path) -> str:
    r = CliRunner().invoke(cli, ["--db", str(db), "show", IP], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def test_evidence_seen_on_many_paths_is_one_line(tmp_path: Path) -> None:
    out = show(stored_device(tmp_path))
    evidence = out.split("Evidence:")[1].split("\n\n")[0].splitlines()
    server_lines = [line for line in evidence if "http.server = App-webs/" in line]
    assert len(server_lines) == 1, out
    assert "also http:80/ISAPI/System/deviceInfo" in server_lines[0]


def test_line_endings_are_shown_as_sent(tmp_path: Path) -> None:
    out = show(stored_device(tmp_path, DAHUA))
    # The header block as the engine read it: its line breaks written out, not "?" marks.
    assert "P3P: CP=CAO PSA OUR\\nCONTENT-LENGTH: 0" in out, out


def test_sdk_port_is_named_and_no_history_on_first_sighting(tmp_path: Path) -> None:
    out = show(stored_device(tmp_path))
    assert "8000/tcp" in out and "Hikvision SDK port" in out
    assert "unknown ->" not in out
    assert "History:" not in out
