"""Turn a personality's templates into the exact bytes a host sends (pure, no sockets).

These functions apply the wire conventions documented in base.py once, so the lab server and
the tests agree on them: surrogate-escaped invalid UTF-8, the HTTP status-line version, the
body length put into whatever ``Content-Length`` header the template has (in its own case) or
added when it has none, and the ``"*"`` fallback path.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Mapping

from camscan_lab.personalities.base import HttpReply

CRLF = b"\r\n"


def to_bytes(text: str) -> bytes:
    """UTF-8 with lone surrogates ``\\udc80``..``\\udcff`` sent as the raw bytes 0x80..0xff."""
    return text.encode("utf-8", errors="surrogateescape")


def fill(template: str, fields: Mapping[str, str], **extra: str) -> str:
    """``template`` formatted with the host's fields and per-request extras (cseq, uuid_req)."""
    return template.format_map({**fields, **extra})


def pick_reply(paths: Mapping[str, HttpReply], target: str) -> HttpReply | None:
    """The reply for a request target: exact match with the query, then the path alone, then
    the ``"*"`` fallback; None when the web server has no answer for it."""
    if target in paths:
        return paths[target]
    path = target.split("?", 1)[0]
    return paths.get(path, paths.get("*"))


def http_response(
    reply: HttpReply,
    fields: Mapping[str, str],
    *,
    head: bool = False,
    quirks: Iterable[str] = (),
) -> bytes:
    """The whole HTTP response for ``reply`` (body left out for HEAD, length kept), with the
    host's wire ``quirks`` (base.QUIRKS) applied."""
    quirks = frozenset(quirks)
    body = reply.body_bytes if reply.body_bytes is not None else to_bytes(fill(reply.body, fields))
    status = to_bytes(f"{reply.version} {reply.status} {reply.reason}")
    if "http10-bare" in quirks:
        # Old firmware: a status line, no header lines, the body until the connection closes.
        return b"HTTP/1.0 " + status.split(b" ", 1)[1] + CRLF + CRLF + (b"" if head else body)
    headers = [(n, fill(v, fields)) for n, v in reply.headers]
    if "no-server" in quirks:
        headers = [(n, v) for n, v in headers if n.lower() != "server"]
    if "gzip" in quirks and body:
        # mtime=0: the same reply gives the same bytes (tests compare them).
        body = gzip.compress(body, mtime=0)
        headers.append(("Content-Encoding", "gzip"))
    chunked = "chunked" in quirks and bool(body)
    lines = [status]
    has_length = False
    for name, value in headers:
        if name.lower() == "content-length":
            if chunked:
                continue
            value, has_length = str(len(body)), True
        sep = " : " if "header-space" in quirks and name.lower() == "server" else ": "
        lines.append(to_bytes(f"{name}{sep}{value}"))
    if chunked:
        lines.append(b"Transfer-Encoding: chunked")
        body = _chunks(body)
    elif not has_length:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    if "lf-only" in quirks:
        return b"\n".join(lines) + b"\n\n" + (b"" if head else body)
    end = CRLF + b"\n" if "lf-separator" in quirks else CRLF + CRLF
    return CRLF.join(lines) + end + (b"" if head else body)


def _chunks(body: bytes, size: int = 1000) -> bytes:
    """``body`` in chunked transfer coding (RFC 9112 §7.1), ``size`` bytes a chunk."""
    out = b"".join(
        b"%x\r\n" % len(body[i : i + size]) + body[i : i + size] + CRLF
        for i in range(0, len(body), size)
    )
    return out + b"0\r\n\r\n"


def rtsp_response(template: str, fields: Mapping[str, str], cseq: str) -> bytes:
    """An RTSP response template (OPTIONS/DESCRIBE) with the request's CSeq filled in."""
    return to_bytes(fill(template, fields, cseq=cseq))
