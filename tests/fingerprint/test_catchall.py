"""Catch-all web servers (issue 10): a port that answers every path alike names no maker from
its paths, and the verdict says "catch-all"; real vendor replies on a port with a canary that
answered 404 still count, and a 401 on every path leaves realms, headers and bodies as
evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from camscan.discovery.plan import ALL_VENDOR_PATHS as VENDOR_PATHS
from camscan.discovery.plan import FAVICON
from camscan.errors import FingerprintDataError
from camscan.fingerprint import load_engine
from camscan.fingerprint.rules import RuleSet, build_rule

ENGINE = load_engine()
CANARY = "/camscan-canary-3f9a1c"
# The page of the issue's reproduction: what a NAS, a printer's SPA or a captive portal sends
# to every path.
PAGE = "<html><head><title>Network Camera</title></head><body></body></html>"
OK_PAGE = f"HTTP/1.1 200 OK\r\nContent-Length: {len(PAGE)}\r\n\r\n{PAGE}"
NOT_FOUND = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
# Dahua magicBox getDeviceType reply (rroller/dahua:custom_components/dahua/client.py@5350331).
DAHUA_TYPE = "type=IPC-HDW5831R-ZE\r\n"
DAHUA_KV = (
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
    f"Content-Length: {len(DAHUA_TYPE)}\r\n\r\n{DAHUA_TYPE}"
)
# Hikvision NVR ISAPI refusal body (https://github.com/Tedyst/HikLoad/issues/3) with the
# headers of a Hikvision 401 pasted in public code (Server: Webs, Digest realm, userCheck).
USERCHECK = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<userCheck>\n<statusValue>401</statusValue>\n'
    "<statusString>Unauthorized</statusString>\n</userCheck>\n"
)
HIK_401 = (
    "HTTP/1.1 401 Unauthorized\r\nServer: Webs\r\nX-Frame-Options: SAMEORIGIN\r\n"
    'Content-Type: application/xml; charset="UTF-8"\r\n'
    'WWW-Authenticate: Digest realm="c504892f438ee5f2114e9fdd", domain="::", qop="auth", '
    'nonce="158ca9b5cb4b32a578432756aef2a189:1669838955551", opaque="", algorithm="MD5", '
    'stale="FALSE"\r\n'
    f"Content-Length: {len(USERCHECK)}\r\n\r\n{USERCHECK}"
)
PLAIN_401 = (
    "HTTP/1.1 401 Unauthorized\r\nServer: lighttpd/1.4.59\r\n"
    'WWW-Authenticate: Basic realm="Login"\r\nContent-Length: 16\r\n\r\n401 Unauthorized'
)


def _doc(reply_of: dict[str, str], canary: str | None) -> dict[str, Any]:
    paths = ["/", *VENDOR_PATHS, FAVICON]
    http: list[dict[str, Any]] = [
        {"port": 80, "tls": False, "path": p, "raw": reply_of.get(p, reply_of["*"])} for p in paths
    ]
    if canary is not None:
        http.append({"port": 80, "tls": False, "path": CANARY, "raw": canary, "canary": True})
    return {"ip": "127.0.0.5", "open_ports": [80], "http": http}


def _identify(doc: dict[str, Any]) -> dict[str, Any]:
    v: dict[str, Any] = ENGINE.identify(doc).to_dict()
    return v


def _says_catch_all(v: dict[str, Any]) -> bool:
    return any("catch-all" in n for n in v["notes"])


@pytest.mark.parametrize("canary", [OK_PAGE, None], ids=["canary-200", "no-canary"])
def test_issue_reproduction_names_no_maker_and_says_catch_all(canary: str | None) -> None:
    v = _identify(_doc({"*": OK_PAGE}, canary))
    assert v["manufacturer"] is None and v["brand"] is None
    assert v["is_camera"] is False
    assert _says_catch_all(v), v["notes"]
    # Nothing read off a path of that port counts for more than a weak signal.
    for e in v["evidence"]:
        if e["field"] in ("http.status", "http.title", "http.body"):
            assert e["strength"] <= 0.25, e


def test_dahua_magicbox_with_canary_404_is_dahua() -> None:
    v = _identify(_doc({"*": NOT_FOUND, VENDOR_PATHS[2]: DAHUA_KV}, NOT_FOUND))
    assert v["manufacturer"] == "Dahua"
    assert v["model"] == "IPC-HDW5831R-ZE"
    assert not _says_catch_all(v) and v["notes"] == []


def test_vendor_content_on_a_catch_all_port_still_counts() -> None:
    # An SPA answers every unknown path with its page, but magicBox answers its own lines:
    # the port is catch-all, the differing body is the device's own.
    v = _identify(_doc({"*": OK_PAGE, VENDOR_PATHS[2]: DAHUA_KV}, OK_PAGE))
    assert _says_catch_all(v)
    assert v["manufacturer"] == "Dahua"
    kinds = {(e["rule"], e.get("discounted")) for e in v["evidence"]}
    assert ("dahua.http.body.magicbox-device-type", None) in kinds


def test_401_everywhere_hikvision_is_named_by_its_body() -> None:
    v = _identify(_doc({"*": HIK_401}, HIK_401))
    assert v["manufacturer"] == "Hikvision"
    assert any("401 everywhere" in n for n in v["notes"]), v["notes"]
    statuses = [e for e in v["evidence"] if e["field"] == "http.status"]
    assert all(e.get("discounted") == "catch-all" for e in statuses), statuses
    body_rules = {e["rule"] for e in v["evidence"] if e["field"] == "http.body"}
    assert "hikvision.http.body.isapi-usercheck" in body_rules


def test_401_everywhere_unknown_server_names_no_maker() -> None:
    v = _identify(_doc({"*": PLAIN_401}, PLAIN_401))
    assert v["manufacturer"] is None and v["brand"] is None
    assert v["is_camera"] is False
    assert any("401 everywhere" in n for n in v["notes"])


def test_canary_on_another_port_leaves_this_port_alone() -> None:
    doc = _doc({"*": NOT_FOUND, VENDOR_PATHS[2]: DAHUA_KV}, None)
    doc["http"].append({"port": 8080, "tls": False, "path": CANARY, "raw": OK_PAGE, "canary": True})
    v = _identify(doc)
    assert v["manufacturer"] == "Dahua"
    assert [n for n in v["notes"] if n.startswith("http:8080")] and not [
        n for n in v["notes"] if n.startswith("http:80 ")
    ]


def _rule(**over: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": "x.status",
        "field": "http.status",
        "regex": "^200 /cgi-bin/magicBox",
        "asserts": {"manufacturer": "Dahua"},
        "strength": "weak",
        "source": "test",
        "examples": [{"value": "200 /cgi-bin/magicBox.cgi", "expect": {}, "source": "t"}],
    }
    raw.update(over)
    return raw


def _known() -> RuleSet:
    return ENGINE.ruleset


def test_loader_refuses_a_status_rule_that_names_a_maker() -> None:
    known = _known()
    ex = [{"value": "200 /cgi-bin/magicBox.cgi", "expect": {"family": "x"}, "source": "t"}]
    with pytest.raises(FingerprintDataError, match="status code never names a maker"):
        build_rule(Path("x.yaml"), _rule(examples=ex), known)
    with pytest.raises(FingerprintDataError, match="status code never names a maker"):
        build_rule(Path("x.yaml"), _rule(asserts={"brand": "Amcrest"}, examples=ex), known)
    # Demoted to assert nothing about the maker, it loads.
    rule = build_rule(Path("x.yaml"), _rule(asserts={"family": "x"}, examples=ex), known)
    assert rule.asserts == {"family": "x"}


def test_loader_refuses_a_port_that_decides_a_maker() -> None:
    known = _known()
    ex = [{"value": " 80 37777 ", "expect": {"manufacturer": "Dahua"}, "source": "t"}]
    port = {"field": "ports.open", "contains": " 37777 ", "examples": ex}
    del_regex = _rule(**port)
    del del_regex["regex"]
    with pytest.raises(FingerprintDataError, match="open port alone never names a maker"):
        build_rule(Path("x.yaml"), {**del_regex, "strength": "medium"}, known)
    assert build_rule(Path("x.yaml"), del_regex, known).strength == 0.25


def test_no_shipped_rule_names_a_maker_from_a_status() -> None:
    for rule in ENGINE.ruleset.rules:
        if rule.field in ("http.status", "rtsp.status"):
            assert not {"manufacturer", "brand", "oem_build"} & set(rule.asserts), rule.id


def test_catch_all_documents_validate_against_the_schema() -> None:
    import json

    import jsonschema

    schema = json.loads(
        (Path(__file__).resolve().parents[2] / "docs" / "evidence.schema.json").read_text()
    )
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(_doc({"*": OK_PAGE}, OK_PAGE))
    bad = _doc({"*": OK_PAGE}, OK_PAGE)
    bad["http"][-1]["canary"] = "yes"
    assert not validator.is_valid(bad)


def test_issue_reproduction_on_a_loopback_server(tmp_path: Path) -> None:
    """The issue's reproduction, end to end: a server that sends the same page to every path,
    scanned and shown by the CLI, names no maker and says catch-all."""
    import asyncio
    import json
    import socket
    import subprocess
    import sys
    import threading

    reply = OK_PAGE.encode()
    ready = threading.Event()
    bound: list[int] = []
    loop = asyncio.new_event_loop()

    async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            await asyncio.wait_for(r.read(4096), 5)
            w.write(reply)
            await w.drain()
        finally:
            w.close()

    stop: list[asyncio.Event] = []

    async def serve() -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.5", 0))
        server = await asyncio.start_server(handle, sock=sock)
        bound.append(sock.getsockname()[1])
        stop.append(asyncio.Event())
        ready.set()
        async with server:
            await stop[0].wait()

    thread = threading.Thread(target=lambda: loop.run_until_complete(serve()), daemon=True)
    thread.start()
    assert ready.wait(10)
    db = str(tmp_path / "x.db")
    cli = [sys.executable, "-m", "camscan", "--db", db]
    try:
        scan = subprocess.run(
            [*cli, "scan", "127.0.0.5", "--ports", str(bound[0]), "--probes", "tcp,http"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert scan.returncode == 0, scan.stderr
        show = subprocess.run(
            [*cli, "show", "127.0.0.5", "--json"], capture_output=True, text=True, timeout=60
        )
        assert show.returncode == 0, show.stderr
        text = subprocess.run(
            [*cli, "show", "127.0.0.5"], capture_output=True, text=True, timeout=60
        ).stdout
    finally:
        loop.call_soon_threadsafe(stop[0].set)
        thread.join(10)
        loop.close()
    rec = json.loads(show.stdout)
    assert rec["manufacturer"] is None and rec["brand"] is None
    assert any("catch-all" in n for n in rec["notes"]), rec["notes"]
    assert "catch-all" in text and "Dahua" not in text
