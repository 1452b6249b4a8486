"""One bounded raw-stream reader for HTTP(S) and RTSP: replies kept byte for byte as sent.

A device's reply is evidence, so it is stored exactly as it came off the wire (no
decompression, no de-chunking; :mod:`camscan.protocols.http` decodes when parsing) and the
reader refuses nothing a real device sends: LF-only line ends, ``Server : X``, HTTP/1.0 with
no headers, garbage.  It only has to know where a reply ends:

* headers are read up to :data:`HEAD_CAP` bytes (a blank line ends them, CRLF or LF);
* then ``Transfer-Encoding: chunked`` until the terminating chunk, else ``Content-Length``
  bytes, else (HTTP) until the server closes; RTSP replies end after their Content-Length
  (RFC 2326 section 12.14: no length means no body) so the connection can carry the next
  request;
* the body is capped at ``max_bytes`` (``truncated`` says so), a silence longer than
  ``timeout`` or a total time over ``3 * timeout`` (a byte-a-second tarpit) ends the read;
  what came is kept and the reason recorded.

Requests are minimal and ask for ``Accept-Encoding: identity`` (RFC 9110 section 12.5.3) and
``Connection: close``.  The reader never follows redirects: the planner decides.  The server
certificate comes from the TLS handshake of the same connection.
"""

from __future__ import annotations

import asyncio
import functools
import re
import ssl
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from camscan.discovery.ratelimit import RateLimiter
from camscan.observations import Observation

USER_AGENT = "camscan (inventory scan)"
HEAD_CAP = 16 * 1024  # no real device sends more than a few KiB of headers
READ_SIZE = 65536
BUDGET_FACTOR = 3  # a whole reply may take this many read timeouts
CAPPED = "reply larger than the cap; the rest was not read"

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_LINE_END = re.compile(rb"\r?\n")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
_STATUS = re.compile(rb"^(HTTP|RTSP)/\d(?:\.\d)?\s+(\d{3})")
_UNSAFE = re.compile(r"[^\x21-\x7e]")  # control characters, spaces and non-ASCII in a path


@dataclass(frozen=True, slots=True)
class Reply:
    """What one request got: the bytes as sent (headers capped, body capped), and why the
    read ended early when it did."""

    data: bytes
    truncated: bool = False
    error: str | None = None


class _Cut(Exception):
    """The read ended early (silence, budget, reset); ``str()`` says why."""


def _safe_path(path: str) -> str:
    """A request target that cannot break the request line (paths may come from a device's
    SSDP LOCATION): spaces, CR/LF and non-ASCII are percent-encoded."""
    path = path or "/"
    return _UNSAFE.sub(lambda m: quote(m.group(), safe=""), path)


def _header_value(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")


def http_request(
    ip: str, port: int, path: str, *, tls: bool, extra_headers: Mapping[str, str] | None = None
) -> bytes:
    """The GET this reader sends."""
    host = f"[{ip}]" if ":" in ip else ip
    if port != (443 if tls else 80):
        host += f":{port}"
    lines = [
        f"GET {_safe_path(path)} HTTP/1.1",
        f"Host: {host}",
        f"User-Agent: {USER_AGENT}",
        "Accept: */*",
        "Accept-Encoding: identity",
        "Connection: close",
    ]
    for name, value in (extra_headers or {}).items():
        lines.append(f"{_header_value(name)}: {_header_value(value)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "replace")


class _Stream:
    """A reader with the two clocks of the reader: silence (``idle``) and total budget."""

    def __init__(self, reader: asyncio.StreamReader, idle: float, deadline: float) -> None:
        self.reader = reader
        self.idle = idle
        self.deadline = deadline
        self.eof = False

    async def read(self) -> bytes:
        """The next bytes, b"" at end of stream; raises _Cut on silence, budget or reset."""
        if self.eof:
            return b""
        now = time.monotonic()
        if now >= self.deadline:
            raise _Cut("budget")
        limit = min(self.idle, self.deadline - now)
        try:
            async with asyncio.timeout(limit):
                chunk = await self.reader.read(READ_SIZE)
        except TimeoutError:
            raise _Cut("budget" if time.monotonic() >= self.deadline - 0.001 else "idle") from None
        except (ConnectionError, ssl.SSLError, OSError) as err:
            raise _Cut(f"{type(err).__name__}: {str(err)[:120]}") from None
        if not chunk:
            self.eof = True
        return chunk


def _headers(head: bytes) -> dict[bytes, bytes]:
    """Lower-cased header names -> last value, read as leniently as the parsers do
    (``Server : X`` counts; lines without a colon are skipped)."""
    out: dict[bytes, bytes] = {}
    for line in _LINE_END.split(head)[1:]:
        name, colon, value = line.partition(b":")
        if colon:
            out[name.strip().lower()] = value.strip()
    return out


def _content_length(value: bytes | None) -> int | None:
    if value is None:
        return None
    first = value.split(b",", 1)[0].strip()  # duplicated lengths come as "12, 12"
    return int(first) if first.isdigit() else None


class _Chunks:
    """A resumable scan of a chunked body in the read buffer: each complete chunk is passed
    once, so a server that dribbles a chunked body byte by byte costs linear time."""

    LINE_CAP = 1024  # a chunk-size line (size + extensions) longer than this is garbage

    def __init__(self, start: int) -> None:
        self.pos = start  # where the next size line (or trailer line) starts
        self.trailer = False

    def end(self, buf: bytearray) -> int | None:
        """Where the body ends in ``buf`` (after the last chunk and trailers), None when it
        has not ended yet, -1 when the framing is broken (then: read until close).  LF-only
        chunk lines are accepted."""
        while True:
            m = _LINE_END.search(buf, self.pos, self.pos + self.LINE_CAP)
            if m is None:
                return -1 if len(buf) - self.pos >= self.LINE_CAP else None
            if self.trailer:
                blank = m.start() == self.pos
                self.pos = m.end()
                if blank:
                    return self.pos
                continue
            size_text = bytes(buf[self.pos : m.start()]).split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_text):
                return -1
            size = int(size_text, 16)
            if size == 0:
                self.pos, self.trailer = m.end(), True
                continue
            data_end = m.end() + size
            if len(buf) <= data_end:
                return None
            e = _LINE_END.match(buf, data_end)
            if e is None:
                return None if len(buf) < data_end + 2 else -1
            self.pos = e.end()


async def _read_reply(
    stream: _Stream, buf: bytearray, max_bytes: int, *, rtsp: bool
) -> tuple[bytes, bool, str | None]:
    """Read one reply into ``buf`` (kept by the caller, so a cut read keeps what came);
    returns the reply, whether the body was capped, and a note on broken framing.  Bytes
    past the reply's end stay in ``buf`` for the next reply (RTSP)."""
    # 1. Headers, up to the blank line, HEAD_CAP or the end of the stream.
    scanned = 0  # the blank line cannot start before here (linear time on dribbled headers)
    while True:
        if rtsp:  # empty lines before a status line belong to no reply (cf. RFC 7230 3.5)
            lead = len(buf) - len(buf.lstrip(b"\r\n"))
            if lead:
                del buf[:lead]
                scanned = 0
        m = _HEADER_END.search(buf, max(0, scanned - 3))
        if m is not None or len(buf) >= HEAD_CAP:
            break
        scanned = len(buf)
        chunk = await stream.read()
        if not chunk:
            note = "connection closed before a blank line ended the headers" if buf else None
            return _take(buf, len(buf)), False, note
        buf += chunk
    if m is None:  # no blank line within the cap: not HTTP as we know it; keep the cap
        return _take(buf, HEAD_CAP), True, f"no end of headers within {HEAD_CAP} bytes"
    head_end = m.end()
    head = bytes(buf[: m.start()])
    status = _STATUS.match(head)
    fields = _headers(head) if status else {}
    code = int(status.group(2)) if status else 0
    # 2. Where the body ends.
    length: int | None
    chunked = b"chunked" in fields.get(b"transfer-encoding", b"").lower()
    if rtsp:
        length = _content_length(fields.get(b"content-length")) or 0
        chunked = False
    elif status is None:
        length = None  # no status line (HTTP/0.9-like): the body runs until close
    elif 100 <= code < 200 or code in (204, 304):
        length = 0
    else:
        length = None if chunked else _content_length(fields.get(b"content-length"))
    chunks = _Chunks(head_end)
    while True:
        body_len = len(buf) - head_end
        if chunked:
            end = chunks.end(buf)
            if end == -1:
                chunked = False  # broken chunk framing: until close
            elif end is not None:
                return _take(buf, end), False, None
        elif length is not None and length <= max_bytes and body_len >= length:
            return _take(buf, head_end + length), False, None
        if body_len > max_bytes or (length is not None and body_len >= max_bytes < length):
            return _take(buf, head_end + max_bytes), True, CAPPED
        chunk = await stream.read()
        if not chunk:
            note = None
            if chunked:
                note = "connection closed before the last chunk"
            elif length is not None:
                note = f"connection closed after {body_len} of {length} body bytes"
            return _take(buf, len(buf)), False, note
        buf += chunk


def _take(buf: bytearray, n: int) -> bytes:
    out = bytes(buf[:n])
    del buf[:n]
    return out


def _cut_reason(reason: str, timeout: float, got: int) -> str:
    budget = timeout * BUDGET_FACTOR
    if reason == "budget":
        what = f"reply cut off at the {budget:.0f} s budget"
    elif reason == "idle":
        what = f"no data for {timeout:.0f} s"
    else:
        what = reason
    return f"{what} after {got} bytes" if got else f"no reply ({what})"


async def exchange(
    ip: str,
    port: int,
    requests: Sequence[bytes],
    *,
    tls: bool,
    timeout: float,
    max_bytes: int,
    rtsp: bool = False,
    want_cert: bool = False,
) -> tuple[list[Reply], str | None]:
    """Send ``requests`` one after another on one connection, reading each reply before
    the next; the replies (one per request answered, the last one possibly cut, with its
    reason) and the server certificate (PEM) when asked.  A connection that fails gives
    one reply with no data and the error."""
    replies: list[Reply] = []
    pem: str | None = None
    deadline = time.monotonic() + timeout * BUDGET_FACTOR
    buf = bytearray()
    writer: asyncio.StreamWriter | None = None
    try:
        try:
            async with asyncio.timeout(timeout):  # TCP connect and TLS handshake
                reader, writer = await asyncio.open_connection(
                    ip, port, ssl=tls_context() if tls else None, limit=READ_SIZE
                )
        except TimeoutError:
            return [Reply(b"", error=f"no connection within {timeout:.0f} s")], None
        except (OSError, ssl.SSLError, ValueError) as err:
            return [Reply(b"", error=f"{type(err).__name__}: {str(err)[:200]}")], None
        if want_cert and tls:
            pem = _peer_pem(writer)
        stream = _Stream(reader, timeout, deadline)
        for request in requests:
            writer.write(request)
            try:
                data, capped, note = await _read_reply(stream, buf, max_bytes, rtsp=rtsp)
            except _Cut as cut:
                kept = bytes(buf)
                body_cap = _body_cap(kept, max_bytes)
                replies.append(
                    Reply(
                        kept[:body_cap],
                        truncated=len(kept) > body_cap,
                        error=_cut_reason(str(cut), timeout, len(kept)),
                    )
                )
                break
            if not data:
                replies.append(Reply(b"", error="connection closed without a reply"))
                break
            replies.append(Reply(data, truncated=capped, error=note))
            if stream.eof:
                break
    finally:
        if writer is not None:
            writer.transport.abort()  # done with it: no lingering TLS shutdown or FIN wait
    return replies, pem


def _body_cap(data: bytes, max_bytes: int) -> int:
    m = _HEADER_END.search(data, 0, HEAD_CAP)
    return (m.end() if m else 0) + max_bytes


@functools.cache
def tls_context() -> ssl.SSLContext:
    """Accept any certificate (devices are self-signed) and old protocol versions (one
    context for the whole scan: building one reads the CA store)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():  # old cameras speak TLS 1.0: reading them is the point
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ssl.TLSVersion.TLSv1
    try:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    except ssl.SSLError:
        pass
    return ctx


def _peer_pem(writer: asyncio.StreamWriter) -> str | None:
    sslobj = writer.get_extra_info("ssl_object")
    if sslobj is None:
        return None
    der = sslobj.getpeercert(binary_form=True)
    return ssl.DER_cert_to_PEM_cert(der) if der else None


async def http_get(
    ip: str,
    port: int,
    path: str,
    *,
    tls: bool,
    limiter: RateLimiter,
    timeout: float,
    max_bytes: int,
    want_cert: bool = False,
    extra_headers: Mapping[str, str] | None = None,
) -> tuple[Observation, str | None]:
    """GET one page; the observation (reply as sent, capped) and the server certificate
    (PEM) when asked and TLS is used."""
    await limiter.acquire()
    meta: dict[str, Any] = {"path": path, "tls": tls}
    request = http_request(ip, port, path, tls=tls, extra_headers=extra_headers)
    replies, pem = await exchange(
        ip, port, [request], tls=tls, timeout=timeout, max_bytes=max_bytes, want_cert=want_cert
    )
    r = replies[0]
    return Observation(
        probe="http", ip=ip, port=port, raw=r.data, truncated=r.truncated, meta=meta, error=r.error
    ), pem


def rtsp_request(
    method: str, url: str, cseq: int, extra_headers: Mapping[str, str] | None = None
) -> bytes:
    """An RTSP/1.0 request without credentials."""
    lines = [f"{method} {_safe_path(url)} RTSP/1.0", f"CSeq: {cseq}", f"User-Agent: {USER_AGENT}"]
    for name, value in (extra_headers or {}).items():
        lines.append(f"{_header_value(name)}: {_header_value(value)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "replace")


async def rtsp_exchange(
    ip: str,
    port: int,
    requests: Sequence[bytes],
    *,
    limiter: RateLimiter,
    timeout: float,
    max_bytes: int,
) -> list[Reply]:
    """RTSP requests on one connection (RTSP framing: headers + Content-Length)."""
    await limiter.acquire()
    replies, _ = await exchange(
        ip, port, requests, tls=False, timeout=timeout, max_bytes=max_bytes, rtsp=True
    )
    return replies
