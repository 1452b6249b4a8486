"""Status line + headers + body: the shape HTTP, RTSP and SSDP replies share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from camscan.protocols._common import ParseError, to_bytes

_STATUS = re.compile(
    r"^(?P<proto>[A-Z]{3,5})/(?P<ver>\d(?:\.\d)?)\s+(?P<code>\d{3})(?:\s+(?P<reason>.*))?$"
)
_REQUEST = re.compile(
    r"^(?P<method>[A-Z-]+)\s+(?P<target>\S+)\s+(?P<proto>[A-Z]{3,5})/\d(?:\.\d)?$"
)


@dataclass(frozen=True, slots=True)
class Message:
    """One parsed reply: status, headers in wire order with their original case, body.

    ``body`` is text (UTF-8, invalid bytes replaced); ``raw_body`` the body bytes as sent,
    for parsers that decode it further (HTTP: chunked, gzip, the declared charset)."""

    protocol: str
    status: int | None
    reason: str
    headers: tuple[tuple[str, str], ...]
    header_block: str
    body: str
    method: str | None = None
    complete: bool = True
    notes: tuple[str, ...] = field(default=())
    raw_body: bytes = b""

    def get(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive)."""
        low = name.lower()
        for key, value in self.headers:
            if key.lower() == low:
                return value
        return None

    def get_all(self, name: str) -> list[str]:
        """Every header called ``name`` (case-insensitive), in wire order."""
        low = name.lower()
        return [value for key, value in self.headers if key.lower() == low]


_BLANK_LINE = re.compile(rb"\r?\n[ \t]*\r?\n")
_LINE = re.compile(r"\r?\n")
# A header line as real firmware writes it: a token, optional spaces (``Server : X``), ":".
_HEADER_LINE = re.compile(r"^[!#-'*+.0-9A-Z^_`a-z|~-]+[ \t]*:")


def parse_message(raw: bytes | str, *, expect: tuple[str, ...], what: str) -> Message:
    """Parse a status line (or a request line, for SSDP NOTIFY), headers and body.

    Lenient the way devices need: CRLF or LF-only line ends, ``Name : value``, folded
    continuation lines, duplicated headers (all kept, in order), lines without a colon
    (skipped, with a note), no blank line after the headers (the first line that is not a
    header starts the body).  No status line is a ParseError: an HTTP/0.9-style bare body
    is not read as a reply."""
    data = to_bytes(raw, what=what)
    if not data.strip():
        raise ParseError(f"{what}: empty reply")
    m = _BLANK_LINE.search(data)
    head_bytes, raw_body = (data[: m.start()], data[m.end() :]) if m else (data, b"")
    lines = _LINE.split(head_bytes.decode("utf-8", errors="replace"))
    first = lines[0].strip()
    sm = _STATUS.match(first)
    method = None
    if sm:
        proto, status, reason = sm.group("proto"), int(sm.group("code")), sm.group("reason") or ""
    else:
        r = _REQUEST.match(first)
        if not r:
            raise ParseError(f"{what}: no status line (starts {first[:40]!r})")
        proto, status, reason, method = r.group("proto"), None, "", r.group("method")
    if proto not in expect:
        raise ParseError(f"{what}: expected {'/'.join(expect)}, got {proto}")
    notes: list[str] = []
    header_lines = lines[1:]
    if m is None:
        notes.append("headers not terminated by a blank line (truncated?)")
        # Without a blank line, headers run while lines look like headers; the rest is body.
        for n, line in enumerate(header_lines):
            if not (_HEADER_LINE.match(line) or (line[:1] in (" ", "\t") and n)):
                rest = "\n".join(header_lines[n:])
                header_lines = header_lines[:n]
                raw_body = rest.encode("utf-8", errors="surrogatepass")
                break
    headers: list[tuple[str, str]] = []
    skipped = 0
    for line in header_lines:
        if not line.strip():
            continue
        if line[:1] in (" ", "\t") and headers:  # folded continuation line (obs-fold)
            key, value = headers[-1]
            headers[-1] = (key, f"{value} {line.strip()}")
            continue
        key, colon, value = line.partition(":")
        if colon and key.strip():
            headers.append((key.strip(), value.strip()))
        else:
            skipped += 1
    if skipped:
        notes.append(f"{skipped} header line(s) without a name and colon skipped")
    return Message(
        protocol=proto,
        status=status,
        reason=reason.strip(),
        headers=tuple(headers),
        header_block="\n".join(header_lines),
        body=raw_body.decode("utf-8", errors="replace"),
        method=method,
        complete=m is not None,
        notes=tuple(notes),
        raw_body=raw_body,
    )


_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def auth_challenges(values: list[str]) -> list[tuple[str, dict[str, str]]]:
    """``WWW-Authenticate`` values -> [(scheme, {param: value})]."""
    out: list[tuple[str, dict[str, str]]] = []
    for value in values:
        scheme, _, rest = value.strip().partition(" ")
        params = {k.lower(): (q if q or not u else u) for k, q, u in _PARAM.findall(rest)}
        out.append((scheme.lower(), params))
    return out
