"""Turn a personality's templates into the exact bytes a host sends (pure, no sockets).

These functions apply the wire conventions documented in base.py once, so the lab server and
the tests agree on them: surrogate-escaped invalid UTF-8, the HTTP status-line version, the
body length put into whatever ``Content-Length`` header the template has (in its own case) or
added when it has none, and the ``"*"`` fallback path.
"""

from __future__ import annotations

from collections.abc import Mapping

from camscan.lab.personalities.base import HttpReply

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


def http_response(reply: HttpReply, fields: Mapping[str, str], *, head: bool = False) -> bytes:
    """The whole HTTP response for ``reply`` (body left out for HEAD, length kept)."""
    body = reply.body_bytes if reply.body_bytes is not None else to_bytes(fill(reply.body, fields))
    lines = [to_bytes(f"{reply.version} {reply.status} {reply.reason}")]
    has_length = False
    for name, value in reply.headers:
        if name.lower() == "content-length":
            value, has_length = str(len(body)), True
        lines.append(to_bytes(f"{name}: {fill(value, fields)}"))
    if not has_length:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return CRLF.join(lines) + CRLF + CRLF + (b"" if head else body)


def rtsp_response(template: str, fields: Mapping[str, str], cseq: str) -> bytes:
    """An RTSP response template (OPTIONS/DESCRIBE) with the request's CSeq filled in."""
    return to_bytes(fill(template, fields, cseq=cseq))
