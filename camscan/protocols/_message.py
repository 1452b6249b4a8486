"""Status line + headers + body: the shape HTTP, RTSP and SSDP replies share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from camscan.protocols._common import ParseError, to_text

_STATUS = re.compile(
    r"^(?P<proto>[A-Z]{3,5})/(?P<ver>\d(?:\.\d)?)\s+(?P<code>\d{3})(?:\s+(?P<reason>.*))?$"
)
_REQUEST = re.compile(
    r"^(?P<method>[A-Z-]+)\s+(?P<target>\S+)\s+(?P<proto>[A-Z]{3,5})/\d(?:\.\d)?$"
)


@dataclass(frozen=True, slots=True)
class Message:
    """One parsed reply: status, headers in wire order with their original case, body."""

    protocol: str
    status: int | None
    reason: str
    headers: tuple[tuple[str, str], ...]
    header_block: str
    body: str
    method: str | None = None
    complete: bool = True
    notes: tuple[str, ...] = field(default=())

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


def parse_message(raw: bytes | str, *, expect: tuple[str, ...], what: str) -> Message:
    """Parse a status line (or a request line, for SSDP NOTIFY), headers and body."""
    text = to_text(raw, what=what)
    if not text.strip():
        raise ParseError(f"{what}: empty reply")
    head, sep, body = text.partition("\r\n\r\n")
    if not sep:
        head, sep, body = text.partition("\n\n")
    lines = re.split(r"\r?\n", head)
    first = lines[0].strip()
    m = _STATUS.match(first)
    method = None
    if m:
        proto, status, reason = m.group("proto"), int(m.group("code")), m.group("reason") or ""
    else:
        r = _REQUEST.match(first)
        if not r:
            raise ParseError(f"{what}: no status line (starts {first[:40]!r})")
        proto, status, reason, method = r.group("proto"), None, "", r.group("method")
    if proto not in expect:
        raise ParseError(f"{what}: expected {'/'.join(expect)}, got {proto}")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line.strip():
            continue
        if line[:1] in (" ", "\t") and headers:  # folded continuation line
            key, value = headers[-1]
            headers[-1] = (key, f"{value} {line.strip()}")
            continue
        key, colon, value = line.partition(":")
        if colon and key.strip():
            headers.append((key.strip(), value.strip()))
    notes = () if sep else ("headers not terminated by a blank line (truncated?)",)
    return Message(
        protocol=proto,
        status=status,
        reason=reason.strip(),
        headers=tuple(headers),
        header_block="\n".join(lines[1:]),
        body=body,
        method=method,
        complete=bool(sep),
        notes=notes,
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
