"""Dahua DHIP discovery replies: 32-byte ``DHIP`` header + JSON, or the bare JSON body."""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

from camscan.protocols._common import ParseError, normalise_mac, to_bytes

MAGIC = b"DHIP"
HEADER_SIZE = 32


@dataclass(frozen=True, slots=True)
class DhipReply:
    """The ``deviceInfo`` of a ``client.notifyDevInfo`` reply."""

    method: str | None
    mac_value: str | None
    device_info: dict[str, Any]
    framed: bool

    @property
    def mac(self) -> str | None:
        return normalise_mac(self.mac_value) or normalise_mac(self.device_info.get("mac"))

    def fields(self) -> list[tuple[str, str]]:
        """(field, value) pairs for the fingerprint engine."""
        out: list[tuple[str, str]] = [("dhip.framed", "true" if self.framed else "false")]
        if self.method:
            out.append(("dhip.method", self.method))
        for k, v in self.device_info.items():
            if isinstance(v, str | int | float) and not isinstance(v, bool):
                out.append((f"dhip.{k}", str(v)[:1024]))
        return out


def _body(data: bytes) -> tuple[bytes, bool]:
    """The JSON bytes of a reply, using the header's length when the magic is there."""
    at = data.find(MAGIC)
    if at == 4 and len(data) >= HEADER_SIZE:
        length = struct.unpack_from("<I", data, 0x10)[0]
        body = data[HEADER_SIZE:]
        if 0 < length <= len(body):
            body = body[:length]
        return body, True
    return data, False


def parse_dhip(raw: bytes | str) -> DhipReply:
    """Parse a DHIP discovery reply (framed or bare JSON, NUL/newline tails tolerated)."""
    data = to_bytes(raw, what="DHIP reply")
    body, framed = _body(data)
    start, end = body.find(b"{"), body.rfind(b"}")
    if start < 0 or end <= start:
        raise ParseError("DHIP reply: no JSON object")
    try:
        doc = json.loads(body[start : end + 1].decode("utf-8", errors="replace"))
    except (json.JSONDecodeError, RecursionError) as err:
        raise ParseError(f"DHIP reply: invalid JSON ({str(err)[:80]})") from None
    if not isinstance(doc, dict):
        raise ParseError("DHIP reply: JSON is not an object")
    params = doc.get("params")
    info = params.get("deviceInfo") if isinstance(params, dict) else None
    if not isinstance(info, dict):
        raise ParseError("DHIP reply: no params.deviceInfo object")
    method = doc.get("method")
    mac = doc.get("mac")
    return DhipReply(
        method=method if isinstance(method, str) else None,
        mac_value=mac if isinstance(mac, str) else None,
        device_info=info,
        framed=framed,
    )
