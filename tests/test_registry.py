"""The probe registry alone drives the CLI's --probes choices, the evidence document's keys
and the rule fields the loader accepts; and one registry entry is enough for a new probe to
run in a real scan and be stored (a banner probe against a loopback TCP server)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from camscan import probes
from camscan.cli import cli
from camscan.discovery.host import Host
from camscan.errors import FingerprintDataError
from camscan.fingerprint.rules import RuleSet, build_rule
from camscan.observations import Observation, evidence_document
from camscan.probes import EvidenceKey, Probe

IP, PORT = "127.0.61.9", 18461
BANNER = b"ECHO-9000 ready\r\n"


async def banner_run(host: Host, probe: Probe) -> list[Observation]:
    """The test probe's entry point: read what the port says when connected to."""
    out: list[Observation] = []
    for port in (p for p in probe.ports if p in host.open_ports):
        await host.limiter.acquire()
        host.count()
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host.ip, port), 2)
        try:
            data = await asyncio.wait_for(reader.read(256), 2)
        finally:
            writer.close()
        out.append(Observation.capped("banner", host.ip, data, port=port))
    return out


def _entry(o: Observation) -> dict[str, Any]:
    return {"port": o.port, "raw": o.raw.decode("latin-1")}


BANNER_PROBE = Probe(
    "banner",
    "tcp",
    (EvidenceKey("banner", _entry, fields=frozenset({"banner.text"}), service="banner"),),
    "tests.test_registry:banner_run",
    "none (test)",
    "1 connect",
    "first",
    ports=(PORT,),
)


@pytest.fixture
def banner_server() -> Iterator[None]:
    """A loopback TCP server that greets every connection with BANNER."""
    import socket

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((IP, PORT))
    sock.listen(16)
    sock.settimeout(0.2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            try:
                conn.sendall(BANNER)
            finally:
                conn.close()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    yield
    stop.set()
    t.join(2)
    sock.close()


def _rule() -> dict[str, Any]:
    return {
        "id": "test.banner.echo",
        "field": "banner.text",
        "contains": "ECHO-9000",
        "asserts": {"device_type": "not_camera"},
        "strength": "weak",
        "source": "tests/test_registry.py (a loopback server's greeting)",
        "examples": [
            {
                "value": "ECHO-9000 ready",
                "expect": {"device_type": "not_camera"},
                "source": "tests/test_registry.py",
            }
        ],
    }


def test_cli_choices_are_the_registry() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["scan", "--help"], terminal_width=200).output
    for name in probes.names():
        assert name in out
    bad = runner.invoke(cli, ["scan", "127.0.0.1", "--probes", "tcp,banner"])
    assert bad.exit_code != 0 and "unknown probe(s) banner" in bad.output
    with probes.registered(BANNER_PROBE):
        assert "banner" in probes.names()
        bad = runner.invoke(cli, ["scan", "127.0.0.1", "--probes", "tcp,nosuch"])
        assert "banner" in bad.output  # the choices listed now include it


def test_evidence_keys_and_rule_fields_are_the_registry() -> None:
    obs = Observation.capped("banner", IP, b"ECHO-9000 ready", port=PORT)
    doc = evidence_document(IP, [obs])
    assert "banner" not in doc and doc["probe_errors"][0]["error"] == "unknown probe"
    with pytest.raises(FingerprintDataError, match="unknown field"):
        build_rule(Path("test.yaml"), _rule(), RuleSet())
    with probes.registered(BANNER_PROBE):
        doc = evidence_document(IP, [obs])
        assert doc["banner"] == [{"port": PORT, "raw": "ECHO-9000 ready"}]
        assert "probe_errors" not in doc
        assert build_rule(Path("test.yaml"), _rule(), RuleSet()).field == "banner.text"
    # every registered evidence key is a key of the document the engine reads
    for key in probes.evidence_keys():
        assert key in probes.observation_names()


def test_a_registry_entry_is_enough_for_a_probe_to_run_and_be_stored(
    banner_server: None, tmp_path: Path
) -> None:
    db = str(tmp_path / "inv.db")
    runner = CliRunner()
    with probes.registered(BANNER_PROBE):
        r = runner.invoke(
            cli,
            ["--db", db, "scan", IP, "--ports", str(PORT), "--probes", "tcp,banner", "--json"],
        )
        assert r.exit_code == 0, r.output
        shown = runner.invoke(cli, ["--db", db, "show", IP, "--evidence-document"])
    doc = json.loads(shown.output)
    assert doc["banner"] == [{"port": PORT, "raw": BANNER.decode()}]
    assert doc["plan"]["requests"] == 1
    assert doc["plan"]["asked"] == ["banner (first round)"]
