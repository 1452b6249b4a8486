"""Behaviour cases the real-reply corpus cannot hold because they are made up: a server that
answers every path the same way must not become a camera because the probe asked camera
paths.  The first case is the reproduction in camscan issue 10 ("a server that answers
every path with `HTTP/1.1 200 OK` and `<title>Network Camera</title>`"); the others are the
same behaviour as single-page apps and captive portals show it."""

from __future__ import annotations

from typing import Any

import pytest

from camscan.fingerprint import load_engine

ENGINE = load_engine()
# The paths camscan's HTTP probe asks a web port (vendor identification paths), and the
# canary that cannot exist (docs/probes.md).
VENDOR_PATHS = (
    "/",
    "/ISAPI/System/deviceInfo",
    "/cgi-bin/magicBox.cgi?action=getSystemInfo",
    "/doc/page/login.asp",
    "/axis-cgi/param.cgi?action=list&group=Brand",
    "/favicon.ico",
)
CANARY = "/camscan-canary-3f9a1c"


def _reply(body: str, headers: str = "") -> str:
    return f"HTTP/1.1 200 OK\r\n{headers}Content-Length: {len(body.encode())}\r\n\r\n{body}"


def _everywhere(raw: str, *, canary: bool = True) -> dict[str, Any]:
    http = [{"port": 80, "tls": False, "path": p, "raw": raw} for p in VENDOR_PATHS]
    if canary:
        http.append({"port": 80, "tls": False, "path": CANARY, "raw": raw, "canary": True})
    return {"ip": "192.0.2.80", "open_ports": [80], "http": http}


ISSUE_10 = _reply("<html><head><title>Network Camera</title></head><body></body></html>")
SPA = _reply(
    '<!doctype html><html><head><meta charset="utf-8"><title>Dashboard</title>'
    '<script type="module" src="/assets/index-4f2a.js"></script></head>'
    '<body><div id="root"></div></body></html>',
    "Server: nginx\r\nContent-Type: text/html\r\n",
)
PORTAL = _reply(
    "<html><head><title>Guest Wi-Fi</title>"
    '<meta http-equiv="refresh" content="0; url=/login?redirect=/"></head></html>',
    "Content-Type: text/html\r\nCache-Control: no-store\r\n",
)


@pytest.mark.parametrize("raw", [ISSUE_10, SPA, PORTAL], ids=["issue-10", "spa", "portal"])
@pytest.mark.parametrize("canary", [True, False], ids=["with-canary", "without-canary"])
def test_an_answer_to_every_path_is_not_a_camera(raw: str, canary: bool) -> None:
    verdict = ENGINE.identify(_everywhere(raw, canary=canary))
    assert verdict.is_camera is False, verdict.to_dict()["evidence"]
    assert verdict.device_type in ("unknown", "not_camera")
    assert verdict.manufacturer is None, verdict.to_dict()["evidence"]


def test_the_issue_reproduction_names_no_maker_whatever_the_path() -> None:
    # Every vendor path answered 200: none of them may count as that vendor's API.
    verdict = ENGINE.identify(_everywhere(ISSUE_10)).to_dict()
    vendor_claims = [e for e in verdict["evidence"] if e["asserts"].get("manufacturer")]
    assert vendor_claims == [], vendor_claims
    assert verdict["confidence"] < 0.5
