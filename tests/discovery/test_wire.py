"""The raw reader against loopback servers that answer the way real devices do.

Each server is an asyncio server on a random 127.0.0.x address and port; it writes bytes
exactly as given, so the reader sees every quirk as a device would send it.
"""

from __future__ import annotations

import asyncio
import datetime
import gzip
import random
import socket
import ssl
import struct
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from camscan.discovery import rtsp, wire
from camscan.discovery.ratelimit import RateLimiter
from camscan.protocols.http import parse_http_response
from camscan.protocols.rtsp import parse_rtsp_response
from camscan.protocols.tls import parse_certificate

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def _host() -> str:
    return f"127.0.0.{random.randint(2, 250)}"


async def _serve(handler: Handler, ctx: ssl.SSLContext | None = None) -> tuple[Any, str, int]:
    async def guarded(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            await handler(r, w)
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            w.close()

    server = await asyncio.start_server(guarded, _host(), 0, ssl=ctx)
    host, port = server.sockets[0].getsockname()[:2]
    return server, host, port


def _replying(reply: bytes, *, then_hold: bool = False) -> Handler:
    """A handler that reads the request, writes ``reply`` and closes (or holds the
    connection open, to show that the reader stops at the reply's own end)."""

    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await r.readuntil(b"\r\n\r\n")
        w.write(reply)
        await w.drain()
        if then_hold:
            await asyncio.sleep(30)

    return handler


def _get(reply: bytes | Handler, **kw: Any) -> tuple[Any, str | None]:
    handler = reply if callable(reply) else _replying(reply, then_hold=kw.pop("hold", False))

    async def main() -> tuple[Any, str | None]:
        server, host, port = await _serve(handler, kw.pop("ctx", None))
        async with server:
            return await wire.http_get(
                host,
                port,
                kw.pop("path", "/"),
                tls=kw.pop("tls", False),
                limiter=RateLimiter(1000),
                timeout=kw.pop("timeout", 2.0),
                max_bytes=kw.pop("max_bytes", 65536),
                want_cert=kw.pop("want_cert", False),
            )

    return asyncio.run(main())


def test_request_is_minimal_and_asks_for_identity() -> None:
    seen: list[bytes] = []

    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        seen.append(await r.readuntil(b"\r\n\r\n"))
        w.write(b"HTTP/1.1 204 No Content\r\n\r\n")

    obs, _ = _get(handler, path="/a b\r\nX: y")
    req = seen[0].decode()
    assert req.startswith("GET /a%20b%0D%0AX:%20y HTTP/1.1\r\n")  # a device's path cannot
    assert "\r\nX: y" not in req  # inject a header into our request
    for line in ("User-Agent: camscan (inventory scan)", "Accept: */*", "Connection: close"):
        assert f"\r\n{line}\r\n" in req
    assert "\r\nAccept-Encoding: identity\r\n" in req
    assert obs.raw == b"HTTP/1.1 204 No Content\r\n\r\n" and obs.error is None


def test_gzip_body_is_stored_compressed_as_sent_and_parsed_decoded() -> None:
    page = b"<html><head><title>Gzip Camera</title></head></html>"
    body = gzip.compress(page)
    reply = (
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(body)
        + body
    )
    obs, _ = _get(reply, hold=True)
    assert obs.raw == reply and obs.error is None
    assert parse_http_response(obs.raw).title == "Gzip Camera"


def test_chunked_reply_is_kept_with_its_chunk_lines_and_ends_at_the_last_chunk() -> None:
    reply = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"7\r\n<title>\r\n6;ext=1\r\nChunky\r\n8\r\n</title>\r\n0\r\n\r\n"
    )
    obs, _ = _get(reply, hold=True)  # the server keeps the connection: the framing ends it
    assert obs.raw == reply and obs.error is None
    assert parse_http_response(obs.raw).title == "Chunky"


def test_chunked_with_lf_only_chunk_lines() -> None:
    reply = b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n5\n<b>x<\n3\n/b>\n0\n\n"
    obs, _ = _get(reply, hold=True)
    assert obs.raw == reply and obs.error is None
    assert parse_http_response(obs.raw).message.body == "<b>x</b>"


def test_chunked_cut_before_the_last_chunk_keeps_what_came() -> None:
    reply = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nwo"
    obs, _ = _get(reply)
    assert obs.raw == reply
    assert obs.error is not None and "last chunk" in obs.error
    assert parse_http_response(obs.raw).message.body.startswith("hellowo")


def test_lf_only_headers_and_server_with_space_before_colon() -> None:
    reply = b"HTTP/1.1 200 OK\nServer : Boa/0.94.14rc21\nContent-Length: 2\n\nok"
    obs, _ = _get(reply, hold=True)
    assert obs.raw == reply and obs.error is None
    resp = parse_http_response(obs.raw)
    assert resp.server == "Boa/0.94.14rc21" and resp.message.body == "ok"


def test_http10_without_headers_reads_until_close() -> None:
    reply = b"HTTP/1.0 200 OK\r\n\r\n<html><title>Old DVR</title></html>"
    obs, _ = _get(reply)
    assert obs.raw == reply and obs.error is None
    assert parse_http_response(obs.raw).title == "Old DVR"


def test_no_status_line_at_all_is_kept() -> None:
    reply = b"<html><title>HTTP/0.9 style</title></html>"
    obs, _ = _get(reply)
    assert obs.raw == reply


def test_byte_a_second_tarpit_is_cut_at_the_budget_and_keeps_what_came() -> None:
    reply = b"HTTP/1.1 200 OK\r\nServer: tarpit\r\nContent-Length: 1000\r\n\r\n" + b"x" * 1000

    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await r.readuntil(b"\r\n\r\n")
        for i in range(len(reply)):
            w.write(reply[i : i + 1])
            await w.drain()
            await asyncio.sleep(0.02)

    obs, _ = _get(handler, timeout=0.4)  # silence limit 0.4 s, budget 1.2 s
    assert obs.error is not None and "budget" in obs.error
    assert 0 < len(obs.raw) < len(reply) and reply.startswith(obs.raw)


def test_silent_server_is_an_error_without_raw() -> None:
    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    obs, _ = _get(handler, timeout=0.3)
    assert obs.raw == b"" and obs.error is not None and obs.error.startswith("no reply")


def test_endless_body_is_cut_at_max_bytes() -> None:
    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await r.readuntil(b"\r\n\r\n")
        w.write(b"HTTP/1.0 200 OK\r\nContent-Type: video/x-motion-jpeg\r\n\r\n")
        while True:
            w.write(b"\xff\xd8" * 4096)
            await w.drain()

    obs, _ = _get(handler, max_bytes=10_000)
    head = b"HTTP/1.0 200 OK\r\nContent-Type: video/x-motion-jpeg\r\n\r\n"
    assert obs.raw.startswith(head) and len(obs.raw) == len(head) + 10_000
    assert obs.truncated and obs.error == wire.CAPPED


def test_content_length_larger_than_the_cap() -> None:
    body = b"A" * 50_000
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 50000\r\n\r\n" + body
    obs, _ = _get(reply, max_bytes=4096, hold=True)
    assert obs.truncated and len(obs.raw) == len(reply) - 50_000 + 4096
    assert reply.startswith(obs.raw)


def test_reply_shorter_than_its_content_length() -> None:
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"
    obs, _ = _get(reply)
    assert obs.raw == reply and obs.error == "connection closed after 5 of 100 body bytes"


def test_connection_reset_mid_reply_keeps_what_came() -> None:
    part = b"HTTP/1.1 200 OK\r\nServer: resetter\r\nContent-Length: 500\r\n\r\nfirst part"

    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await r.readuntil(b"\r\n\r\n")
        w.write(part)
        await w.drain()
        await asyncio.sleep(0.3)
        sock = w.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        w.transport.abort()  # SO_LINGER 0: the close sends a RST

    obs, _ = _get(handler)
    assert obs.raw == part
    assert obs.error is not None and ("Reset" in obs.error or "closed after" in obs.error)


def test_connection_refused() -> None:
    async def main() -> Any:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()  # nothing listens there now
        return await wire.http_get(
            "127.0.0.1", port, "/", tls=False, limiter=RateLimiter(100), timeout=1, max_bytes=100
        )

    obs, pem = asyncio.run(main())
    assert obs.raw == b"" and obs.error is not None and "Refused" in obs.error and pem is None


def _self_signed(tmp: Path) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "IPC test"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Camera Co"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (tmp / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "k.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tmp / "c.pem", tmp / "k.pem")
    return ctx


def test_tls_self_signed_certificate_is_captured_from_the_handshake(tmp_path: Path) -> None:
    reply = b"HTTP/1.1 200 OK\r\nServer: Webs\r\nContent-Length: 4\r\n\r\nsafe"
    obs, pem = _get(reply, ctx=_self_signed(tmp_path), tls=True, want_cert=True, hold=True)
    assert obs.raw == reply and obs.meta["tls"] is True
    assert pem is not None
    cert = parse_certificate(pem)
    assert "CN=IPC test" in cert.subject and "O=Test Camera Co" in cert.issuer


def test_rtsp_options_and_describe_on_one_connection() -> None:
    sdp = b"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=Media Presentation\r\n"
    replies = [
        b"RTSP/1.0 200 OK\nCSeq: 1\nPublic: OPTIONS, DESCRIBE\nServer : Rtsp Server/3.0\n\n",
        b"RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\n"
        b"Content-Length: %d\r\n\r\n" % len(sdp) + sdp,
    ]
    seen: list[bytes] = []

    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        for reply in replies:
            seen.append(await r.readuntil(b"\r\n\r\n"))
            w.write(reply + b"\r\n")  # a stray empty line after each reply
            await w.drain()
        await asyncio.sleep(30)  # RTSP keeps the connection: framing ends each reply

    async def main() -> Any:
        server, host, port = await _serve(handler)
        async with server:
            return await rtsp.probe(host, port, RateLimiter(100), 2.0, 65536)

    out = asyncio.run(main())
    assert [o.raw for o in out] == replies and all(o.error is None for o in out)
    assert [o.meta["method"] for o in out] == ["OPTIONS", "DESCRIBE"]
    assert seen[0].startswith(b"OPTIONS rtsp://") and b"CSeq: 2" in seen[1]
    assert parse_rtsp_response(out[0].raw).message.get("Server") == "Rtsp Server/3.0"
    assert parse_rtsp_response(out[1].raw).sdp_session == "Media Presentation"


def test_rtsp_server_that_closes_after_options() -> None:
    reply = b'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Digest realm="IPC"\r\n\r\n'

    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await r.readuntil(b"\r\n\r\n")
        w.write(reply)
        await w.drain()

    async def main() -> Any:
        server, host, port = await _serve(handler)
        async with server:
            return await rtsp.probe(host, port, RateLimiter(100), 2.0, 65536)

    out = asyncio.run(main())
    assert out[0].raw == reply and out[0].error is None
    assert parse_rtsp_response(out[0].raw).realms == ("IPC",)
    assert len(out) == 1 or (out[1].raw == b"" and out[1].error)


def test_gzipped_isapi_over_a_socket_reaches_the_engine() -> None:
    from camscan.fingerprint import load_engine
    from camscan.observations import evidence_document
    from tests.protocols.test_reaches_engine import ISAPI

    body = gzip.compress(ISAPI)
    reply = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Encoding: gzip\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    )
    obs, _ = _get(reply, path="/ISAPI/System/deviceInfo", hold=True)
    assert obs.raw == reply  # chunked and gzipped, as sent
    v = load_engine().identify(evidence_document(obs.ip, [obs]))
    assert v.manufacturer == "Hikvision" and v.model == "DS-2CD2386G2-IU"


def test_chunked_reply_dribbled_byte_by_byte_is_read_whole() -> None:
    reply = (
        b"HTTP/1.1 200 OK\r\nServer: dribble\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"".join(b"1\r\n%c\r\n" % c for c in b"<title>Drip</title>")
        + b"0\r\nX-Trailer: 1\r\n\r\n"
    )

    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await r.readuntil(b"\r\n\r\n")
        for i in range(len(reply)):
            w.write(reply[i : i + 1])
            await w.drain()
        await asyncio.sleep(30)  # held open: the terminating chunk and trailer end it

    obs, _ = _get(handler)
    assert obs.raw == reply and obs.error is None
    assert parse_http_response(obs.raw).title == "Drip"


def test_chunk_framing_scanner() -> None:
    def end(body: bytes) -> int | None:
        return wire._Chunks(0).end(bytearray(body))

    assert end(b"4\r\nabcd\r\n0\r\n\r\n") == 14
    assert end(b"4\nabcd\n0\n\n") == 10
    assert end(b"4\r\nabcd\r\n0\r\n") is None  # trailers not ended yet
    assert end(b"4\r\nab") is None
    assert end(b"zz\r\nabcd") == -1  # not a hex size: read until close
    assert end(b"0x4\r\nabcd") == -1
    assert end(b"4\r\nabcdXY") == -1  # no line end after the data
    assert end(b"4" * 2000) == -1  # a size line with no end is garbage


def test_headers_that_never_end_are_cut_at_the_header_cap() -> None:
    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await r.readuntil(b"\r\n\r\n")
        w.write(b"HTTP/1.1 200 OK\r\n")
        while True:
            w.write(b"X-Padding: " + b"p" * 100 + b"\r\n")
            await w.drain()

    obs, _ = _get(handler)
    assert len(obs.raw) == wire.HEAD_CAP and obs.truncated
    assert obs.error is not None and "end of headers" in obs.error


def test_crlf_headers_ended_by_a_bare_lf() -> None:
    # old Axis firmware's framing that h11 refused (encode/httpx#1378)
    reply = b"HTTP/1.0 200 OK\r\nServer: Axis\r\nContent-Length: 4\r\n\nbody"
    obs, _ = _get(reply, hold=True)
    assert obs.raw == reply and obs.error is None
    assert parse_http_response(obs.raw).message.body == "body"
