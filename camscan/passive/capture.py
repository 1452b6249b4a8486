"""Where frames come from: capture files (pcap, pcapng) and the receive-only live socket.

Files stream with bounded memory: a record is read, handed on and dropped, and no read is
larger than :data:`MAX_RECORD` (a hostile length field cannot make a 2 GB read).

* pcap (https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/ section 4-5;
  pcap-savefile(5), https://www.tcpdump.org/manpages/pcap-savefile.5.txt): a 24-byte file
  header whose magic a1b2c3d4 (microseconds) or a1b23c4d (nanoseconds), in either byte
  order, sets the byte order; then 16-byte record headers (seconds, fraction, captured
  length, original length) each followed by the captured bytes.  Read here with struct:
  the format is two fixed headers.
* pcapng (https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/): blocks, sections
  that may change byte order, one interface description per link (its own link type and
  timestamp resolution).  Read with python-pcapng (rbdixon/python-pcapng), which keeps
  those per section and per interface.

The live socket: AF_PACKET, SOCK_RAW, ETH_P_ALL (packet(7),
https://man7.org/linux/man-pages/man7/packet.7.html) bound to one interface, in promiscuous
mode (PACKET_ADD_MEMBERSHIP, PACKET_MR_PROMISC) so a mirror port's frames addressed to
others are read.  Nothing in this module, or in passive mode, calls send, sendto or
sendmsg on it or on any socket (tests/passive/test_listen_netns.py counts the frames the
listening side emits).  Frames the host itself sends (PACKET_OUTGOING) are skipped.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from camscan.passive.packets import LINKTYPE_ETHERNET

MAX_RECORD = 256 << 10  # larger than any snapshot length tcpdump or dumpcap writes
PCAP_MAGICS = {
    b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6),
    b"\xa1\xb2\x3c\x4d": (">", 1e-9),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9),
}
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4  # sll_pkttype of a frame this host sent (linux/if_packet.h)
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_PROMISC = 1
PACKET_STATISTICS = 6  # struct tpacket_stats {tp_packets, tp_drops}, reset when read


class CaptureError(Exception):
    """The file is no capture at all (bad magic, an unknown version)."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One captured frame and its link type."""

    linktype: int
    data: bytes
    ts: float | None


@dataclass
class ReadState:
    """How the reading of a file went: records read, and why it stopped early, if it did."""

    records: int = 0
    truncated: str | None = None  # one line: where and why the file ended early


def is_capture(head: bytes) -> bool:
    return head[:4] in PCAP_MAGICS or head[:4] == PCAPNG_MAGIC


class _Bounded:
    """A stream whose reads are capped: a length field asking for more is a corrupt file."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.offset = 0

    def read(self, n: int = -1) -> bytes:
        if n < 0 or n > MAX_RECORD:
            raise CaptureError(f"a block of {n:,} bytes at offset {self.offset:,} (corrupt)")
        data = self.stream.read(n)
        self.offset += len(data)
        return data


def read_frames(stream: BinaryIO, state: ReadState | None = None) -> Iterator[Frame]:
    """Every frame of a pcap or pcapng stream, in file order.

    A file cut short or corrupt part-way ends the iteration with ``state.truncated`` set:
    what was read before stays read.  :class:`CaptureError` when it is no capture."""
    state = state if state is not None else ReadState()
    bounded = _Bounded(stream)
    magic = bounded.read(4)
    if magic in PCAP_MAGICS:
        yield from _pcap(bounded, magic, state)
    elif magic == PCAPNG_MAGIC:
        yield from _pcapng(bounded, magic, state)
    else:
        raise CaptureError(f"not a pcap or pcapng file (starts {magic.hex() or 'empty'})")


def _pcap(f: _Bounded, magic: bytes, state: ReadState) -> Iterator[Frame]:
    order, unit = PCAP_MAGICS[magic]
    head = f.read(20)
    if len(head) < 20:
        raise CaptureError("pcap file header cut off")
    major, _minor, _zone, _sig, _snaplen, link = struct.unpack(order + "HHiIII", head)
    if major != 2:
        raise CaptureError(f"pcap version {major} (2 expected)")
    linktype = link & 0x0FFFFFFF  # the top bits carry the FCS length (draft section 4)
    rec = struct.Struct(order + "IIII")
    while True:
        at = f.offset
        hdr = f.read(16)
        if not hdr:
            return
        if len(hdr) < 16:
            state.truncated = f"record {state.records + 1:,} header cut off at byte {at:,}"
            return
        sec, frac, caplen, _orig = rec.unpack(hdr)
        if caplen > MAX_RECORD:
            state.truncated = f"record {state.records + 1:,} claims {caplen:,} bytes (corrupt)"
            return
        data = f.read(caplen)
        if len(data) < caplen:
            state.truncated = f"record {state.records + 1:,} cut off at byte {f.offset:,}"
            return
        state.records += 1
        yield Frame(linktype, data, sec + frac * unit)


def _pcapng(f: _Bounded, magic: bytes, state: ReadState) -> Iterator[Frame]:
    import io

    from pcapng import FileScanner  # type: ignore[import-untyped]
    from pcapng.blocks import EnhancedPacket, InterfaceDescription, SimplePacket  # type: ignore[import-untyped]
    from pcapng.exceptions import PcapngLoadError  # type: ignore[import-untyped]

    class _Prefixed:
        """The stream with its first four bytes (already read to sniff) put back."""

        def __init__(self) -> None:
            self.head = io.BytesIO(magic)

        def read(self, n: int = -1) -> bytes:
            got = self.head.read(n)
            if n >= 0 and len(got) < n:
                got += f.read(n - len(got))
            return got

        def tell(self) -> int:  # the library checks block alignment with it
            return f.offset - (len(magic) - self.head.tell())

    scanner = FileScanner(_Prefixed())
    blocks = iter(scanner)
    while True:
        at = f.offset
        try:
            block = next(blocks)
        except StopIteration:
            return
        except (
            PcapngLoadError,
            CaptureError,
            ValueError,
            RuntimeError,
            struct.error,
            KeyError,
        ) as err:
            if at <= 4 and not state.records:
                raise CaptureError(f"pcapng section header unreadable ({err})") from None
            state.truncated = f"block at byte {at:,} unreadable after {state.records:,} " + (
                f"packets ({str(err)[:120]})"
            )
            return
        if isinstance(block, EnhancedPacket | SimplePacket):
            try:
                iface = block.interface
                linktype = int(iface.link_type)
                ts = float(block.timestamp) if isinstance(block, EnhancedPacket) else None
                data = bytes(block.packet_data)
            except (PcapngLoadError, ValueError, KeyError, IndexError, struct.error) as err:
                state.truncated = f"packet block at byte {at:,} unreadable ({str(err)[:120]})"
                return
            state.records += 1
            yield Frame(linktype, data, ts)
        elif isinstance(block, InterfaceDescription):
            continue


def write_pcap_header(out: BinaryIO, linktype: int = LINKTYPE_ETHERNET) -> None:
    """A pcap file header (microseconds, this host's byte order as libpcap writes it)."""
    out.write(struct.pack("=IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, MAX_RECORD, linktype))


def write_pcap_record(out: BinaryIO, data: bytes, ts: float) -> None:
    sec = int(ts)
    out.write(struct.pack("=IIII", sec, int((ts - sec) * 1e6), len(data), len(data)) + data)


# -- the live socket ---------------------------------------------------------------------------


class LiveCapture:
    """A receive-only packet socket on one interface.

    The socket is opened, bound and set promiscuous; it is only ever read (recvfrom_into).
    """

    def __init__(self, interface: str, *, promiscuous: bool = True) -> None:
        self.interface = interface
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        try:
            self.sock.bind((interface, ETH_P_ALL))
            if promiscuous:
                mreq = struct.pack(
                    "iHH8s", socket.if_nametoindex(interface), PACKET_MR_PROMISC, 0, b""
                )
                self.sock.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            self.sock.setblocking(False)
        except OSError:
            self.sock.close()
            raise
        self.buf = bytearray(MAX_RECORD)
        self.view = memoryview(self.buf)
        self.received = 0
        self.skipped_outgoing = 0

    def frames(self, until: Callable[[], bool], tick: float = 0.25) -> Iterator[Frame | None]:
        """Frames as they come; None every ``tick`` seconds of silence (for progress) and
        until ``until()`` says stop."""
        while not until():
            ready, _, _ = select.select([self.sock], [], [], tick)
            if not ready:
                yield None
                continue
            for _ in range(256):  # drain what is queued, then look at the clock again
                try:
                    n, addr = self.sock.recvfrom_into(self.buf)
                except BlockingIOError:
                    break
                if len(addr) > 2 and addr[2] == PACKET_OUTGOING:
                    self.skipped_outgoing += 1
                    continue
                self.received += 1
                yield Frame(LINKTYPE_ETHERNET, bytes(self.view[:n]), time.time())
            yield None

    def drops(self) -> int:
        """Frames the kernel dropped because this socket's buffer was full (since the last
        call); -1 when the kernel does not say."""
        try:
            raw = self.sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
        except OSError:
            return -1
        return int(struct.unpack("II", raw)[1])

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> LiveCapture:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def interface_exists(name: str) -> bool:
    return os.path.exists(f"/sys/class/net/{name}")
