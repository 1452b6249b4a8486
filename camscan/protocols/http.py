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


def dechunk(body: bytes) -> bytes:
    """The payload of a ``Transfer-Encoding: chunked`` body; a broken tail is kept as is."""
    out = bytearray()
    pos = 0
    while pos < len(body):
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            break
        size_text = body[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return bytes(out) + body[pos:] if out else body
        if size == 0:
            return bytes(out)
        out += body[eol + 2 : eol + 2 + size]
        pos = eol + 2 + size + 2
    return bytes(out) if out else body


def favicon_of(raw: bytes | str) -> int | None:
    """The favicon hash of a full ``200`` HTTP reply to ``/favicon.ico``, else None."""
    data = to_bytes(raw, what="favicon reply")
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep or not body or not re.match(rb"HTTP/\d(?:\.\d)? 200\b", head):
        return None
    if re.search(rb"(?im)^transfer-encoding:\s*chunked", head):
        body = dechunk(body)
    return favicon_hash(body)


def parse_http_response(raw: bytes | str) -> HttpResponse:
    """Parse a full HTTP response (status line, headers, body)."""
    message = parse_message(raw, expect=("HTTP",), what="HTTP reply")
    if message.status is None:
        raise ParseError("HTTP reply: a request, not a response")
    if "chunked" in (message.get("Transfer-Encoding") or "").lower():
        decoded = dechunk(message.body.encode("utf-8", "replace"))
        message = replace(message, body=decoded.decode("utf-8", "replace"))
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
