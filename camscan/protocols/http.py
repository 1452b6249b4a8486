"""HTTP responses: server, title, realms, cookies, and the structured bodies cameras serve
(Hikvision ISAPI ``DeviceInfo`` XML, Dahua CGI ``key=value`` lines)."""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, replace

import mmh3

from camscan.protocols._common import (
    ParseError,
    child_texts,
    declared_charset,
    decode_text,
    inflate,
    local,
    namespace,
    parse_xml,
    to_bytes,
)
from camscan.protocols._message import Message, auth_challenges, parse_message

# Regexes run over at most this much of a body: titles and tokens sit near the top.
BODY_SCAN_CHARS = 64 * 1024

_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_KV_LINE = re.compile(r"^([A-Za-z][\w.\[\]]{0,80})=(.*)$")


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """One HTTP reply, with the values fingerprints read."""

    message: Message
    title: str | None
    realms: tuple[str, ...]
    isapi: dict[str, str]
    kv: dict[str, str]

    @property
    def status(self) -> int | None:
        return self.message.status

    @property
    def server(self) -> str | None:
        return self.message.get("Server")

    def fields(self, path: str = "/") -> list[tuple[str, str]]:
        """(field, value) pairs for the fingerprint engine."""
        m = self.message
        out: list[tuple[str, str]] = [("http.status", f"{m.status} {path}")]
        if self.server is not None:
            out.append(("http.server", self.server))
        out.append(("http.headers", m.header_block))
        if self.title is not None:
            out.append(("http.title", self.title))
        body = m.body[:BODY_SCAN_CHARS]
        if body:
            out.append(("http.body", body))
        for value in m.get_all("WWW-Authenticate"):
            out.append(("http.www_authenticate", value))
        out.extend(("http.realm", r) for r in self.realms)
        for cookie in m.get_all("Set-Cookie"):
            out.append(("http.cookie", cookie))
        loc = m.get("Location")
        if loc:
            out.append(("http.location", loc))
        if self.isapi:
            out.extend((f"isapi.{k}", v) for k, v in self.isapi.items())
        out.extend((f"http.kv.{k}", v) for k, v in self.kv.items())
        return out


def _isapi(body: str) -> dict[str, str]:
    """Fields of a Hikvision-family ``<DeviceInfo>`` document (plus ``namespace``)."""
    start = body.find("<DeviceInfo")
    if start < 0:
        return {}
    try:
        root = parse_xml(body[start:] if start else body, what="ISAPI DeviceInfo")
    except ParseError:
        return {}
    if local(root.tag) != "DeviceInfo":
        return {}
    out = {k: v for k, v in child_texts(root).items() if v}
    out["namespace"] = namespace(root.tag)
    return out


def _kv(message: Message) -> dict[str, str]:
    """``key=value`` lines of a plain-text CGI reply (Dahua magicBox/configManager)."""
    ctype = (message.get("Content-Type") or "").lower()
    body = message.body[:BODY_SCAN_CHARS]
    if "html" in ctype or "xml" in ctype or "<" in body[:200]:
        return {}
    out: dict[str, str] = {}
    for line in body.splitlines()[:200]:
        m = _KV_LINE.match(line.strip())
        if m and m.group(1) not in out:
            out[m.group(1)] = m.group(2).strip()
    return out


def favicon_hash(data: bytes) -> int:
    """Shodan-compatible favicon hash: mmh3 of the base64 text with line breaks."""
    return int(mmh3.hash(base64.encodebytes(data)))


# A decoded body is kept up to this size: enough for any page a fingerprint reads, and the
# ceiling a gzip bomb (a few KiB that inflate to gigabytes) runs into.
MAX_DECODED_BYTES = 1024 * 1024
_CHUNK_LINE = re.compile(rb"\r?\n")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")


def dechunk_body(body: bytes) -> tuple[bytes, str | None]:
    """The payload of a ``Transfer-Encoding: chunked`` body and a note when its framing is
    broken: LF-only chunk lines are read; a cut tail keeps the part of the last chunk that
    came; a size line that is not hex ends the payload there (or, when it is the first
    line, the body was not chunked at all and is returned as sent)."""
    out = bytearray()
    pos = 0
    while pos < len(body):
        m = _CHUNK_LINE.search(body, pos)
        size_text = body[pos : m.start() if m else len(body)].split(b";", 1)[0].strip()
        if not _CHUNK_SIZE.fullmatch(size_text):
            if not out:
                return body, "body declared chunked is not; kept as sent"
            return bytes(out), "chunked body has a broken size line; read up to it"
        if m is None:
            return bytes(out), "chunked body cut off in a size line"
        size = int(size_text, 16)
        if size == 0:
            return bytes(out), None
        start = m.end()
        out += body[start : start + size]
        if len(out) > MAX_DECODED_BYTES:
            return bytes(out[:MAX_DECODED_BYTES]), "chunked body over the decoded-size cap"
        if start + size > len(body):
            return bytes(out), "chunked body cut off mid-chunk"
        pos = start + size
        eol = _CHUNK_LINE.match(body, pos)
        pos = eol.end() if eol else pos
    return bytes(out), "chunked body cut off before the last chunk"


def dechunk(body: bytes) -> bytes:
    """The payload of a ``Transfer-Encoding: chunked`` body; a broken tail is kept as is."""
    return dechunk_body(body)[0]


def decode_body(message: Message) -> tuple[bytes, list[str]]:
    """The body's bytes as the server meant them: de-chunked, then gunzipped/inflated per
    ``Content-Encoding`` (capped at MAX_DECODED_BYTES), with notes on what was broken."""
    body = message.raw_body
    notes: list[str] = []
    if "chunked" in ",".join(message.get_all("Transfer-Encoding")).lower():
        body, note = dechunk_body(body)
        if note:
            notes.append(note)
    encodings = [
        e.strip()
        for value in message.get_all("Content-Encoding")
        for e in value.split(",")
        if e.strip() and e.strip().lower() != "identity"
    ]
    for enc in reversed(encodings[-3:]):  # applied in order listed: undo from the last
        body, note = inflate(body, enc, MAX_DECODED_BYTES)
        if note:
            notes.append(note)
    return body, notes


def favicon_of(raw: bytes | str) -> int | None:
    """The favicon hash of a full ``200`` HTTP reply to ``/favicon.ico``, else None; the
    hash is of the icon itself (de-chunked and decompressed), as Shodan computes it."""
    try:
        message = parse_message(to_bytes(raw, what="favicon reply"), expect=("HTTP",), what="x")
    except ParseError:
        return None
    if message.status != 200 or not message.complete or not message.raw_body:
        return None
    body, _ = decode_body(message)
    return favicon_hash(body)


def parse_http_response(raw: bytes | str) -> HttpResponse:
    """Parse a full HTTP response (status line, headers, body).

    The body is decoded the way a browser would: chunked framing, then Content-Encoding
    (gzip, deflate; capped), then the declared charset (Content-Type ``charset=``, the XML
    declaration, an HTML ``<meta charset>``; GB2312/GBK read as GB18030; UTF-8 when none
    is declared).  Text given as ``str`` is already decoded and keeps its characters.
    What was broken on the way is in ``message.notes``."""
    message = parse_message(raw, expect=("HTTP",), what="HTTP reply")
    if message.status is None:
        raise ParseError("HTTP reply: a request, not a response")
    body_bytes, notes = decode_body(message)
    if isinstance(raw, str) and body_bytes == message.raw_body:
        text = message.body  # already text: a declared charset says nothing more
    else:
        charset = declared_charset(body_bytes, message.get("Content-Type"))
        text, note = decode_text(body_bytes, charset)
        if note:
            notes.append(note)
    message = replace(message, body=text, notes=(*message.notes, *notes))
    body = message.body
    title = None
    t = _TITLE.search(body[:BODY_SCAN_CHARS])
    if t:
        title = " ".join(html.unescape(t.group(1)).split())[:512]
    realms = tuple(
        p["realm"] for _, p in auth_challenges(message.get_all("WWW-Authenticate")) if "realm" in p
    )
    return HttpResponse(
        message=message, title=title, realms=realms, isapi=_isapi(body), kv=_kv(message)
    )
