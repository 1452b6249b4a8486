"""Shared pieces of the line-based readers: MAC and address tokens, bounded text lines."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import BinaryIO

from camscan.imports import RecordError
from camscan.inventory.identity import normalise_mac

MAX_LINE = 8192  # bytes; a longer "line" is not a table row
# Cisco 0011.2233.4455, HP 001122-334455, and the colon/hyphen octet forms.
MAC_TOKEN = re.compile(
    r"^(?:[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}|[0-9A-Fa-f]{6}-[0-9A-Fa-f]{6}"
    r"|(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{12})$"
)


def mac_of(token: str) -> str | None:
    """A MAC address in any of the switch notations, normalised; None when it is not one."""
    token = token.strip()
    if not MAC_TOKEN.match(token):
        return None
    digits = re.sub(r"[^0-9A-Fa-f]", "", token)
    return normalise_mac(":".join(digits[i : i + 2] for i in range(0, 12, 2)))


def ip_of(token: str) -> str | None:
    """An IP address, or None."""
    token = token.strip().strip("()")
    try:
        return str(ipaddress.ip_address(token))
    except ValueError:
        return None


def text_lines(stream: BinaryIO) -> Iterator[tuple[int, str | RecordError]]:
    """(line number, text) for each line, read in bounded memory; an overlong line or one
    that is not text becomes a RecordError (and the reader skips to the next line)."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of it
                line = stream.readline(MAX_LINE + 1)
            yield number, RecordError(f"line {number}", f"longer than {MAX_LINE} bytes")
            continue
        if b"\0" in line:
            yield number, RecordError(f"line {number}", "binary data, not text")
            continue
        yield number, line.decode("utf-8", "replace").rstrip("\r\n")
