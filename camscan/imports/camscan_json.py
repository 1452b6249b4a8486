"""camscan's own device export, from another inventory: ``camscan export --format json``
(a JSON array of Device records, docs/json-output.md) or ``--format jsonl`` (one per line).

A record carries its verdict (maker, brand, white label, model, firmware, serial, the
evidence list and notes), not the replies behind it, so an imported device keeps that
verdict as it was made; a device the inventory already holds with its own evidence is
re-identified on that evidence instead (camscan/app/ingest.py).  Read incrementally, one
record at a time, whatever the file's size.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from camscan.fingerprint.verdict import Verdict
from camscan.imports import Format, ImportedHost, ImportFormatError, ReadContext, RecordError
from camscan.imports._lines import ip_of, mac_of

CHUNK = 1 << 16
MAX_RECORD = 16 << 20  # one device record; larger is not camscan's
_KEYS = (b'"is_camera"', b'"manufacturer"', b'"device_type"')


def _sniff(head: bytes, filename: str) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith((b"[", b"{")):
        return False
    return sum(k in head for k in _KEYS) >= 2


def iter_json_values(stream: BinaryIO, filename: str) -> Iterator[Any | RecordError]:
    """Each value of a JSON array or a JSON-lines file, decoded one at a time."""
    decoder = json.JSONDecoder()
    buf = ""
    pending = b""
    eof = False
    began = False
    index = 0
    while True:
        stripped = buf.lstrip(" \t\r\n,")
        if not began and stripped.startswith("["):
            stripped = stripped[1:].lstrip(" \t\r\n")
            began = True
        if stripped.startswith("]"):
            return
        buf = stripped
        if buf:
            try:
                value, end = decoder.raw_decode(buf)
            except json.JSONDecodeError as err:
                if not eof and len(buf) < MAX_RECORD:
                    more = stream.read(CHUNK)
                    if more:
                        pending += more
                        text = pending.decode("utf-8", "ignore")
                        keep = len(text.encode("utf-8"))
                        pending = pending[keep:]
                        buf += text
                        continue
                    eof = True
                    continue
                index += 1
                if index == 1 and not began:
                    raise ImportFormatError(
                        f"{filename}: not camscan JSON ({err.msg} at character {err.pos})"
                    ) from None
                yield RecordError(f"record {index}", f"unreadable JSON ({err.msg}); rest skipped")
                return
            index += 1
            buf = buf[end:]
            yield value
            continue
        if eof:
            return
        more = stream.read(CHUNK)
        if not more:
            eof = True
            continue
        pending += more
        text = pending.decode("utf-8", "ignore")
        pending = pending[len(text.encode("utf-8")) :]
        buf += text


def _read(stream: BinaryIO, context: ReadContext) -> Iterator[ImportedHost | RecordError]:
    n = 0
    for value in iter_json_values(stream, context.filename):
        if isinstance(value, RecordError):
            yield value
            continue
        n += 1
        where = f"record {n}"
        if not isinstance(value, dict):
            yield RecordError(where, f"expected a device object, got {type(value).__name__}")
            continue
        ip = ip_of(str(value.get("ip") or "")) if value.get("ip") else None
        mac = mac_of(str(value.get("mac") or "")) if value.get("mac") else None
        if ip is None and mac is None:
            yield RecordError(where, "a device record without a readable ip or mac")
            continue
        verdict = Verdict.from_dict(value)
        verdict.notes = [*verdict.notes, "verdict carried from a camscan export"]
        yield ImportedHost(ip=ip, mac=mac, verdict=verdict, where=where)


FORMAT = Format(
    name="camscan-json",
    summary="camscan export --format json / jsonl from another inventory",
    sniff=_sniff,
    read=_read,
    scan_would_add="the devices' replies behind these verdicts (an export carries verdicts only)",
)
