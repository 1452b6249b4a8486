"""TCP services of a simulated host: HTTP(S) with ONVIF and the UPnP description, RTSP,
banners, silent and answering SDK ports, and the hostile behaviours.

Every connection is bounded: header size (16 KiB), body size, requests per connection, idle
time, and how long a silent or hostile connection is held; at most
``MAX_CONNECTIONS_PER_HOST`` connections per host are open at once (more are closed on
accept).  A handler error is logged for its host and the connection closed; the server goes
on.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import cast

from camscan.config import DEFAULT_PORTS
from camscan_lab.personalities.base import HttpReply
from camscan_lab.personalities.encode import http_response, pick_reply, rtsp_response, to_bytes
from camscan_lab.serve_host import Host
from camscan_lab.serve_onvif import MAX_SOAP_BYTES, device_service

MAX_HEADER = 16 * 1024
MAX_BODY = MAX_SOAP_BYTES
MAX_REQUESTS = 50
IDLE_TIMEOUT = 15.0
WRITE_TIMEOUT = 30.0
HOLD_SILENT = 120.0  # SDK ports that accept and wait
HOLD_TARPIT = 300.0  # tarpit: accept, never answer
DRIP_LIMIT = 300.0  # slowloris: a byte a second, at most this long
ENDLESS_LIMIT = 600.0  # endless body: until the client goes away, at most this long
ENDLESS_CHUNK = 4096
MAX_CONNECTIONS_PER_HOST = 256
SLOW_TLS_SECONDS = 1.5  # a slow camera CPU; below the usual probe timeouts

Reader = asyncio.StreamReader
Writer = asyncio.StreamWriter
Handler = Callable[[Host, int, Reader, Writer], Awaitable[None]]

_NOT_FOUND = HttpReply(404, "Not Found", (("Content-Type", "text/html"),), "")
_CLIENT_GONE = (ConnectionError, asyncio.IncompleteReadError, TimeoutError, ssl.SSLError)


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    version: str
    headers: dict[str, str]


def parse_head(head: bytes) -> Request | None:
    """Request line and headers of an HTTP/RTSP request head, or None when malformed."""
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[0].isalpha() or "/" not in parts[2]:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip():
            headers[name.strip().lower()] = value.strip()
    return Request(parts[0].upper(), parts[1], parts[2].upper(), headers)


def _path_of(target: str) -> str:
    """Origin-form of an absolute-form target (``http://host/x`` -> ``/x``)."""
    if "://" in target:
        rest = target.split("://", 1)[1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return target


async def _write(writer: Writer, data: bytes) -> None:
    writer.write(data)
    await asyncio.wait_for(writer.drain(), WRITE_TIMEOUT)


async def _read_head(reader: Reader, writer: Writer, timeout: float) -> Request | None:
    """The next request head; None when the client closed, idled or sent garbage (a 400/431
    is written for garbage)."""
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    except (asyncio.IncompleteReadError, TimeoutError):
        return None
    except asyncio.LimitOverrunError:
        await _write(
            writer,
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"Content-Length: 0\r\nConnection: close\r\n\r\n",
        )
        return None
    req = parse_head(head)
    if req is None:
        await _write(
            writer, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
    return req


async def _read_body(reader: Reader, req: Request) -> bytes | None:
    """The request body (Content-Length only); None when it is too large or unreadable."""
    raw = req.headers.get("content-length", "0") or "0"
    if "transfer-encoding" in req.headers or not raw.isdigit() or int(raw) > MAX_BODY:
        return None
    n = int(raw)
    return await asyncio.wait_for(reader.readexactly(n), IDLE_TIMEOUT) if n else b""


def _server_header(paths: dict[str, HttpReply]) -> tuple[tuple[str, str], ...]:
    """The web server's own Server header (as its "/" or fallback reply sends it)."""
    for key in ("/", "*"):
        reply = paths.get(key)
        for name, value in reply.headers if reply else ():
            if name.lower() == "server":
                return ((name, value),)
    return ()


def _http_reply(
    host: Host, port: int, paths: dict[str, HttpReply], req: Request, body: bytes
) -> bytes:
    """The response bytes for one request on ``port``."""
    p = host.personality
    path = _path_of(req.target)
    head = req.method == "HEAD"
    onvif = p.onvif
    if onvif and port == onvif.port and req.method == "POST" and path.split("?")[0] == onvif.path:
        status, reason, soap = device_service(host, body)
        headers = (*_server_header(paths), ("Content-Type", "application/soap+xml; charset=utf-8"))
        soap_reply = HttpReply(status, reason, headers, body_bytes=soap)
        return http_response(soap_reply, host.fields, quirks=p.quirks)
    location = host.ssdp_location()
    if (
        location
        and location[0] == port
        and path.split("?")[0] == location[1]
        and req.method in ("GET", "HEAD")
        and p.ssdp_description is not None
    ):
        headers = (
            ("Content-Type", 'text/xml; charset="utf-8"'),
            *((("Server", p.ssdp_server),) if p.ssdp_server else ()),
        )
        xml = to_bytes(host.xml(p.ssdp_description))
        description = HttpReply(200, "OK", headers, body_bytes=xml)
        return http_response(description, host.fields, head=head, quirks=p.quirks)
    reply = pick_reply(paths, path) or _NOT_FOUND
    return http_response(reply, host.fields, head=head, quirks=p.quirks)


# Framing quirks after which the lab closes the connection, as such firmware does (and
# HTTP/1.0 without headers can only end its body by closing).
_CLOSE_AFTER = frozenset({"lf-only", "lf-separator", "header-space", "http10-bare"})


def _keep_alive(host: Host, req: Request, response: bytes) -> bool:
    if _CLOSE_AFTER.intersection(host.personality.quirks):
        return False
    head = response.split(b"\r\n\r\n", 1)[0].lower()
    asked = req.headers.get("connection", "").lower()
    if "close" in asked or b"\r\nconnection: close" in head:
        return False
    if req.version == "HTTP/1.0" and "keep-alive" not in asked:
        return False
    return not head.startswith(b"http/1.0") or b"\r\nconnection: keep-alive" in head


async def serve_http(host: Host, port: int, reader: Reader, writer: Writer) -> None:
    paths = host.personality.http.get(port, {})
    for _ in range(MAX_REQUESTS):
        req = await _read_head(reader, writer, IDLE_TIMEOUT)
        if req is None:
            return
        body = await _read_body(reader, req)
        if body is None:
            await _write(
                writer,
                b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            return
        if "endless-body" in host.hostile:
            await _endless(host, paths, req, writer)
            return
        response = _http_reply(host, port, paths, req, body)
        if "slowloris" in host.hostile:
            await _drip(writer, response)
            return
        await _write(writer, response)
        if not _keep_alive(host, req, response):
            return


async def serve_slow_tls(host: Host, port: int, reader: Reader, writer: Writer) -> None:
    """HTTPS whose handshake starts only after SLOW_TLS_SECONDS: the ClientHello waits in
    the socket (reading is paused before the first byte is taken), then TLS and HTTP run as
    on any HTTPS port."""
    cast(asyncio.Transport, writer.transport).pause_reading()
    await asyncio.sleep(SLOW_TLS_SECONDS)
    assert host.tls_context is not None
    await writer.start_tls(host.tls_context, ssl_handshake_timeout=IDLE_TIMEOUT)
    await serve_http(host, port, reader, writer)


async def _drip(writer: Writer, data: bytes) -> None:
    """A byte a second until the reply is out, the client leaves, or DRIP_LIMIT passes."""
    deadline = time.monotonic() + DRIP_LIMIT
    for i in range(len(data)):
        if writer.is_closing() or time.monotonic() > deadline:
            return
        await _write(writer, data[i : i + 1])
        await asyncio.sleep(1.0)


async def _endless(host: Host, paths: dict[str, HttpReply], req: Request, writer: Writer) -> None:
    """Status line and headers without a length, then body bytes until the client leaves
    (throttled, and never longer than ENDLESS_LIMIT)."""
    reply = pick_reply(paths, _path_of(req.target)) or _NOT_FOUND
    lines = [f"{reply.version} {reply.status} {reply.reason}"]
    lines += [f"{n}: {host.text(v)}" for n, v in reply.headers if n.lower() != "content-length"]
    await _write(writer, to_bytes("\r\n".join(lines) + "\r\n\r\n"))
    if req.method == "HEAD":
        return
    chunk = b"<div>" + b"loading " * (ENDLESS_CHUNK // 8) + b"</div>\n"
    deadline = time.monotonic() + ENDLESS_LIMIT
    while not writer.is_closing() and time.monotonic() < deadline:
        await _write(writer, chunk)
        await asyncio.sleep(0.005)


async def serve_rtsp(host: Host, port: int, reader: Reader, writer: Writer) -> None:
    rtsp = host.personality.rtsp
    assert rtsp is not None
    for _ in range(MAX_REQUESTS):
        req = await _read_head(reader, writer, IDLE_TIMEOUT * 2)
        if req is None:
            return
        if await _read_body(reader, req) is None:
            return
        cseq = req.headers.get("cseq", "0")[:16]
        if not req.version.startswith("RTSP/"):
            await _write(writer, b"RTSP/1.0 400 Bad Request\r\nCSeq: 0\r\n\r\n")
            return
        if req.method == "OPTIONS" and rtsp.options:
            template = rtsp.options
        elif req.method == "DESCRIBE" and rtsp.describe:
            template = rtsp.describe
        elif " 401 " in rtsp.describe.split("\r\n", 1)[0]:
            template = rtsp.describe  # SETUP/PLAY without credentials get the same challenge
        else:
            template = "RTSP/1.0 455 Method Not Valid in This State\r\nCSeq: {cseq}\r\n\r\n"
        await _write(writer, rtsp_response(template, host.fields, cseq))


async def _hold(reader: Reader, limit: float) -> None:
    """Read and discard until the client closes or ``limit`` seconds pass (1 MiB at most)."""
    deadline = time.monotonic() + limit
    received = 0
    while received < 1 << 20:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            data = await asyncio.wait_for(reader.read(4096), left)
        except TimeoutError:
            return
        if not data:
            return
        received += len(data)


async def serve_banner(
    banner: bytes, host: Host, port: int, reader: Reader, writer: Writer
) -> None:
    await _write(writer, banner)
    await _hold(reader, HOLD_SILENT)


async def serve_silent(host: Host, port: int, reader: Reader, writer: Writer) -> None:
    await _hold(reader, HOLD_TARPIT if "tarpit" in host.hostile else HOLD_SILENT)


async def serve_reply(reply: bytes, host: Host, port: int, reader: Reader, writer: Writer) -> None:
    first = await asyncio.wait_for(reader.read(4096), HOLD_SILENT)
    if first:
        await _write(writer, reply)
        await _hold(reader, HOLD_SILENT)


async def serve_any_port(host: Host, port: int, reader: Reader, writer: Writer) -> None:
    """all-ports host: accepts anywhere; an HTTP request gets a bare 200 that names nobody,
    anything else is closed after the first bytes without a word."""
    try:
        first = await asyncio.wait_for(reader.read(4096), IDLE_TIMEOUT)
    except TimeoutError:
        return
    line = first.split(b"\r\n", 1)[0]
    if line.endswith((b"HTTP/1.1", b"HTTP/1.0")):
        await _write(writer, b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def tcp_services(host: Host) -> dict[int, tuple[Handler, bool]]:
    """port -> (handler, TLS?) for every TCP port the host listens on."""
    p = host.personality
    out: dict[int, tuple[Handler, bool]] = {}
    for port in p.http:
        if port in p.https_ports and "slow-tls" in p.quirks:
            # Served as plain TCP: the handler starts TLS itself, late (server.py passes no
            # SSL context for a handler that is not serve_http).
            out[port] = (serve_slow_tls, True)
        else:
            out[port] = (serve_http, port in p.https_ports)
    extra_http = [p.onvif.port] if p.onvif else []
    location = host.ssdp_location()
    if location and p.ssdp_description is not None:
        extra_http.append(location[0])
    for port in extra_http:
        out.setdefault(port, (serve_http, False))
    if p.rtsp is not None:
        out.setdefault(p.rtsp.port, (serve_rtsp, False))
    for port, banner in p.tcp_banners.items():
        out.setdefault(port, (functools.partial(serve_banner, banner), False))
    for port, reply in p.tcp_replies.items():
        out.setdefault(port, (functools.partial(serve_reply, reply), False))
    for port in p.tcp_silent:
        out.setdefault(port, (serve_silent, False))
    if "all-ports" in host.hostile:
        for port in DEFAULT_PORTS:
            out.setdefault(port, (serve_any_port, False))
    return out


def connection_handler(
    host: Host, port: int, handler: Handler
) -> Callable[[Reader, Writer], Awaitable[None]]:
    """The asyncio.start_server callback for one port: bounded, logged, always closes."""

    async def on_connect(reader: Reader, writer: Writer) -> None:
        if host.active >= MAX_CONNECTIONS_PER_HOST:
            writer.transport.abort()
            return
        host.active += 1
        try:
            await handler(host, port, reader, writer)
        except _CLIENT_GONE:
            pass
        except Exception as err:
            host.log(f"tcp/{port}", err)
        finally:
            host.active -= 1
            writer.close()

    return on_connect
