"""The RTSP probe (camscan/discovery/rtsp.py) against real loopback TCP servers: OPTIONS and
DESCRIBE on one connection answered with a device's real 401 challenge (the corpus' public
captures), whose realm names the maker; a reply cut off mid-header, bytes that are no RTSP,
a server that never answers, an endless reply and a closed port each end as one recorded
line, never an exception, with what was received kept.

Servers listen on random 127.0.0.x addresses (tests/discovery/test_wire.py); every test
makes at most one connection.
"""

from __future__ import annotations

import asyncio
import re
import socket
from typing import Any

import pytest

from camscan.app.identify import verdict_of
from camscan.discovery import rtsp
from camscan.discovery.ratelimit import RateLimiter
from camscan.fingerprint import load_engine
from camscan.fingerprint.corpus import load_corpus
from camscan.observations import Observation, evidence_document
from camscan.protocols.rtsp import parse_rtsp_response
from tests.discovery.test_wire import Handler, _host, _serve

CORPUS = {d.id: d for d in load_corpus()}
_CSEQ = re.compile(rb"CSeq: *(\d+)", re.I)


def challenge(doc_id: str) -> bytes:
    """The 401 a corpus document holds (with its CSeq as captured)."""
    raw: str = CORPUS[doc_id].document["rtsp"][0]["raw"]
    return raw.encode("utf-8")


def with_cseq(reply: bytes, cseq: bytes) -> bytes:
    return _CSEQ.sub(b"CSeq: " + cseq, reply, count=1)


def probe(handler: Handler, *, timeout: float = 2.0, max_bytes: int = 65536) -> list[Observation]:
    async def main() -> list[Observation]:
        server, host, port = await _serve(handler)
        async with server:
            return await rtsp.probe(host, port, RateLimiter(100), timeout, max_bytes)

    return asyncio.run(main())


@pytest.mark.parametrize(
    ("doc_id", "realm"),
    [
        ("axis-ws-realm-rtsp", "AXIS_WS_ACCC8E3A0A8F"),
        ("dahua-amcrest-rtsp-401-login-to-amc", "Login to AMC0007RVY5EQ6DV29"),
    ],
)
def test_a_real_401_challenge_names_the_maker(doc_id: str, realm: str) -> None:
    reply = challenge(doc_id)
    asked: list[bytes] = []

    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        for _ in range(2):  # OPTIONS, then DESCRIBE, on the one connection
            request = await r.readuntil(b"\r\n\r\n")
            asked.append(request)
            m = _CSEQ.search(request)
            w.write(with_cseq(reply, m.group(1) if m else b"0"))
            await w.drain()
        await asyncio.sleep(30)  # RTSP keeps the connection: each reply's framing ends it

    out = probe(handler)
    assert [a.split(b" ", 1)[0] for a in asked] == [b"OPTIONS", b"DESCRIBE"]
    assert b"Accept: application/sdp" in asked[1] and b"Authorization" not in b"".join(asked)
    assert [o.meta["method"] for o in out] == ["OPTIONS", "DESCRIBE"]
    assert [o.raw for o in out] == [with_cseq(reply, b"1"), with_cseq(reply, b"2")]
    assert all(o.error is None and not o.truncated for o in out)
    assert parse_rtsp_response(out[1].raw).realms == (realm,)
    verdict = verdict_of(load_engine(), evidence_document(out[0].ip, out))
    expect = CORPUS[doc_id].expect
    assert verdict.manufacturer == expect["manufacturer"] and verdict.is_camera is True
    assert verdict.brand == expect.get("brand", expect["manufacturer"])


def _then_close(data: bytes) -> Handler:
    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await r.readuntil(b"\r\n\r\n")
        w.write(data)
        await w.drain()

    return handler


def test_a_reply_cut_off_mid_header_is_kept_with_its_reason() -> None:
    cut = challenge("axis-ws-realm-rtsp")[:40]  # the connection drops inside the headers
    out = probe(_then_close(cut))
    assert out[0].raw == cut and out[0].error and out[0].error.startswith("OPTIONS: ")
    assert len(out) == 1  # nothing asked on a connection that is gone
    verdict = verdict_of(load_engine(), evidence_document(out[0].ip, out))
    assert verdict.manufacturer is None  # half a status line names no one


def test_bytes_that_are_no_rtsp_are_recorded_not_raised() -> None:
    garbage = b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + bytes(range(256)) * 4
    out = probe(_then_close(garbage))
    assert out[0].raw and out[0].raw == garbage[: len(out[0].raw)]
    verdict = verdict_of(load_engine(), evidence_document(out[0].ip, out))
    assert verdict.is_camera is False
    assert any(e.get("probe") == "rtsp" for e in verdict.errors)  # the parser's one line


def test_a_server_that_never_answers_ends_at_the_timeout() -> None:
    async def silent(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await r.readuntil(b"\r\n\r\n")
        await asyncio.sleep(30)

    out = probe(silent, timeout=1.0)
    assert len(out) == 1 and out[0].raw == b"" and out[0].meta == {}
    assert out[0].error == "OPTIONS: no reply (no data for 1 s)"


def test_an_endless_reply_is_capped() -> None:
    async def endless(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await r.readuntil(b"\r\n\r\n")
        w.write(b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 100000000\r\n\r\n")
        for _ in range(400):  # bounded: 400 x 1 KiB, far more than the probe keeps
            w.write(b"x" * 1024)
            await w.drain()
        await asyncio.sleep(30)

    out = probe(endless, max_bytes=4096)
    head = b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 100000000\r\n\r\n"
    assert out[0].raw.startswith(head) and len(out[0].raw) <= len(head) + 4096
    assert out[0].truncated is True


def test_a_closed_port_is_one_error_line() -> None:
    host = _host()
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens
        s.bind((host, 0))
        port = s.getsockname()[1]

    async def main() -> list[Observation]:
        return await rtsp.probe(host, port, RateLimiter(100), 1.0, 65536)

    out: list[Any] = asyncio.run(main())
    assert len(out) == 1 and out[0].raw == b"" and out[0].meta == {}
    assert out[0].error and "ConnectionRefusedError" in out[0].error
