"""pcap / pcapng captures for `camscan import`: the passive decoder over a file.

Recognised by magic (pcap a1b2c3d4 microseconds, a1b23c4d nanoseconds, either byte order;
pcapng's Section Header Block type 0a0d0d0a: camscan/passive/capture.py cites the formats).
The file streams (one record at a time, none larger than 256 KiB) and the decoder's caps
bound what is kept, so a 1 GB capture is read in bounded memory.  A file cut short keeps
every host read up to the cut and says where, in one line; frames that cannot be decoded
are counted by reason.

Options (``camscan import --option`` ``only=CIDR,CIDR`` / ``exclude=CIDR``): the addresses
recorded; by default the private, shared, link-local and loopback ranges a scan may touch
(camscan/scope/policy.py), so a capture's Internet peers are not inventoried.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from camscan.imports import Format, ImportedHost, ImportFormatError, ReadContext, RecordError
from camscan.passive.capture import CaptureError, ReadState, is_capture, read_frames
from camscan.passive.decoder import PassiveDecoder
from camscan.passive.scope import recording_scope

SCAN_WOULD_ADD = (
    "what the devices answer when asked (vendor identification pages, ONVIF device "
    "information, SADP/DHIP inquiries, RTSP DESCRIBE) and the ports nobody used"
)


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").replace(" ", ",").split(",") if v]


def sniff(head: bytes, filename: str) -> bool:
    return is_capture(head)


def decode_file(
    stream: BinaryIO, decoder: PassiveDecoder, state: ReadState | None = None
) -> ReadState:
    """Feed every frame of a capture to ``decoder``; the read's state (records, a cut)."""
    state = state if state is not None else ReadState()
    for frame in read_frames(stream, state):
        decoder.feed(frame.linktype, frame.data, frame.ts)
    decoder.finish()
    return state


def read(stream: BinaryIO, context: ReadContext) -> Iterator[ImportedHost | RecordError]:
    try:
        scope = recording_scope(
            _split(context.options.get("only")), _split(context.options.get("exclude"))
        )
    except ValueError as err:
        raise ImportFormatError(f"{context.filename}: {err}") from None
    decoder = PassiveDecoder(scope)
    state = ReadState()
    try:
        decode_file(stream, decoder, state)
    except CaptureError as err:
        raise ImportFormatError(f"{context.filename}: {err}") from None
    if state.truncated:
        yield RecordError(f"packet {state.records + 1:,}", f"capture ends early: {state.truncated}")
    for reason, count in decoder.stats.malformed.most_common(10):
        yield RecordError("packets", f"{count:,} malformed: {reason}")
    yield from decoder.imported()


FORMAT = Format(
    name="pcap",
    summary="pcap or pcapng packet capture (tcpdump, Wireshark, a SPAN port), read passively",
    sniff=sniff,
    read=read,
    scan_would_add=SCAN_WOULD_ADD,
)
