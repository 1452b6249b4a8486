"""Frames -> the few header fields passive mode reads: a small struct decoder.

Only what the listener needs is decoded: the link layer (Ethernet II with 802.1Q/802.1ad
tags, Linux cooked capture v1/v2, BSD loopback, raw IP), ARP, IPv4, IPv6 (skipping its
extension headers), UDP and TCP.  Each layer checks its lengths before it reads and
raises :class:`Malformed` with a short reason; the decoder counts those reasons and goes
on.  A general packet library (dpkt, scapy) would decode far more than this needs and
raise a dozen exception types on hostile input; these layouts are fixed and short.

Layouts:
  * link types: https://www.tcpdump.org/linktypes.html (LINKTYPE_ETHERNET 1, LINKTYPE_RAW
    101, LINKTYPE_LINUX_SLL 113, LINKTYPE_LINUX_SLL2 276, LINKTYPE_NULL 0, LINKTYPE_IPV4 228,
    LINKTYPE_IPV6 229) and the per-type pages it links (linktype-linux-sll.html, ...sll2.html)
  * Ethernet II and 802.1Q / 802.1ad tags (TPID 0x8100, 0x88a8; 0x9100 in older QinQ gear):
    IEEE Std 802.1Q-2018 clause 9
  * ARP: RFC 826; IPv4: RFC 791 (IHL, total length, fragment offset); IPv6: RFC 8200
    sections 3-4 (extension headers chained by Next Header, 8-octet units); UDP: RFC 768;
    TCP: RFC 9293 section 3.1 (data offset, flags, sequence number)
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

ETH_IPV4 = 0x0800
ETH_ARP = 0x0806
ETH_IPV6 = 0x86DD
VLAN_TPIDS = frozenset({0x8100, 0x88A8, 0x9100})
MAX_VLAN_TAGS = 2  # 802.1ad: a service tag and a customer tag

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_RAW_ALIASES = frozenset({12, 14})  # DLT_RAW on BSDs / OpenBSD (linktypes.html)
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
SUPPORTED_LINKTYPES = frozenset(
    {
        LINKTYPE_NULL,
        LINKTYPE_ETHERNET,
        LINKTYPE_RAW,
        LINKTYPE_LINUX_SLL,
        LINKTYPE_LINUX_SLL2,
        LINKTYPE_IPV4,
        LINKTYPE_IPV6,
        *LINKTYPE_RAW_ALIASES,
    }
)

PROTO_TCP = 6
PROTO_UDP = 17
# IPv6 extension headers a packet may carry before its upper layer (RFC 8200 section 4;
# 135 Mobility, 139 HIP, 140 Shim6 per the IANA "IPv6 Extension Header Types" registry).
_IPV6_EXT = frozenset({0, 43, 60, 135, 139, 140})
_IPV6_FRAGMENT = 44
MAX_IPV6_EXT = 8

TCP_FIN = 0x01
TCP_SYN = 0x02
TCP_RST = 0x04
TCP_ACK = 0x10


class Malformed(Exception):
    """A frame that cannot be read; the message is a short reason used as a counter key."""


@dataclass(frozen=True, slots=True)
class Arp:
    """An ARP message's sender (and target) for IPv4 over Ethernet."""

    op: int
    sender_mac: str
    sender_ip: str
    target_ip: str


@dataclass(frozen=True, slots=True)
class Packet:
    """What one frame carried, as far as passive mode reads it."""

    src_mac: str | None = None
    arp: Arp | None = None
    src: str = ""
    dst: str = ""
    proto: int = 0
    sport: int = 0
    dport: int = 0
    payload: bytes = b""
    flags: int = 0  # TCP flags
    seq: int = 0  # TCP sequence number


def mac_text(raw: bytes) -> str:
    return raw.hex(":")


def decode(linktype: int, frame: bytes) -> Packet | None:
    """Decode one frame; None for a frame of no interest (another ethertype or protocol).

    Raises :class:`Malformed` for a frame whose headers are cut off or inconsistent."""
    if linktype == LINKTYPE_ETHERNET:
        return _ethernet(frame)
    if linktype in (LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6) or linktype in (
        LINKTYPE_RAW_ALIASES
    ):
        return _ip(frame, None)
    if linktype == LINKTYPE_LINUX_SLL:
        # packet type, ARPHRD type, address length, 8 address bytes, protocol (all BE)
        if len(frame) < 16:
            raise Malformed("short SLL header")
        (alen,) = struct.unpack_from("!H", frame, 4)
        (proto,) = struct.unpack_from("!H", frame, 14)
        mac = mac_text(frame[6 : 6 + min(alen, 8)]) if alen == 6 else None
        return _ethertype(proto, frame[16:], mac)
    if linktype == LINKTYPE_LINUX_SLL2:
        # protocol, reserved, interface index, ARPHRD, packet type, address length, 8 bytes
        if len(frame) < 20:
            raise Malformed("short SLL2 header")
        (proto,) = struct.unpack_from("!H", frame, 0)
        alen = frame[11]
        mac = mac_text(frame[12:18]) if alen == 6 else None
        return _ethertype(proto, frame[20:], mac)
    if linktype == LINKTYPE_NULL:
        # a 4-byte address family in the capturing host's byte order: 2 is AF_INET everywhere;
        # AF_INET6 is 24, 28 or 30 depending on the BSD (linktypes.html, LINKTYPE_NULL)
        if len(frame) < 4:
            raise Malformed("short loopback header")
        fam = struct.unpack_from("<I", frame, 0)[0]
        if fam > 0xFFFF:
            fam = struct.unpack_from(">I", frame, 0)[0]
        if fam in (2, 24, 28, 30):
            return _ip(frame[4:], None)
        return None
    raise Malformed(f"link type {linktype} not read")


def _ethernet(frame: bytes) -> Packet | None:
    if len(frame) < 14:
        raise Malformed("short Ethernet header")
    src_mac = mac_text(frame[6:12])
    (etype,) = struct.unpack_from("!H", frame, 12)
    off = 14
    tags = 0
    while etype in VLAN_TPIDS:
        tags += 1
        if tags > MAX_VLAN_TAGS:
            raise Malformed("too many VLAN tags")
        if len(frame) < off + 4:
            raise Malformed("short VLAN tag")
        (etype,) = struct.unpack_from("!H", frame, off + 2)
        off += 4
    if etype < 0x0600:
        return None  # an 802.3 length field (LLC/SNAP: STP, CDP...), nothing read here
    return _ethertype(etype, frame[off:], src_mac)


def _ethertype(etype: int, data: bytes, src_mac: str | None) -> Packet | None:
    if etype in (ETH_IPV4, ETH_IPV6):
        return _ip(data, src_mac)
    if etype == ETH_ARP:
        arp = _arp(data)
        return Packet(src_mac=src_mac, arp=arp) if arp else None
    return None


def _arp(data: bytes) -> Arp | None:
    if len(data) < 28:
        raise Malformed("short ARP message")
    htype, ptype, hlen, plen, op = struct.unpack_from("!HHBBH", data, 0)
    if (htype, ptype, hlen, plen) != (1, ETH_IPV4, 6, 4):
        return None  # ARP for another hardware or protocol: nothing read here
    return Arp(
        op=op,
        sender_mac=mac_text(data[8:14]),
        sender_ip=socket.inet_ntoa(data[14:18]),
        target_ip=socket.inet_ntoa(data[24:28]),
    )


def _ip(data: bytes, src_mac: str | None) -> Packet | None:
    if not data:
        raise Malformed("empty IP packet")
    version = data[0] >> 4
    if version == 4:
        return _ipv4(data, src_mac)
    if version == 6:
        return _ipv6(data, src_mac)
    raise Malformed(f"IP version {version}")


def _ipv4(data: bytes, src_mac: str | None) -> Packet | None:
    if len(data) < 20:
        raise Malformed("short IPv4 header")
    ihl = (data[0] & 0x0F) * 4
    if ihl < 20 or len(data) < ihl:
        raise Malformed("bad IPv4 header length")
    (total,) = struct.unpack_from("!H", data, 2)
    if total < ihl:
        raise Malformed("bad IPv4 total length")
    # A capture may cut a packet (snaplen) or pad a short one (Ethernet minimum): the total
    # length bounds the payload, what was captured bounds it too.
    body = data[ihl : min(total, len(data))]
    (frag,) = struct.unpack_from("!H", data, 6)
    if frag & 0x1FFF:
        return None  # a later fragment: no upper-layer header in it
    src = socket.inet_ntoa(data[12:16])
    dst = socket.inet_ntoa(data[16:20])
    return _upper(data[9], body, src, dst, src_mac)


def _ipv6(data: bytes, src_mac: str | None) -> Packet | None:
    if len(data) < 40:
        raise Malformed("short IPv6 header")
    (plen,) = struct.unpack_from("!H", data, 4)
    nxt = data[6]
    src = socket.inet_ntop(socket.AF_INET6, data[8:24])
    dst = socket.inet_ntop(socket.AF_INET6, data[24:40])
    body = data[40 : 40 + plen]
    for _ in range(MAX_IPV6_EXT):
        if nxt == _IPV6_FRAGMENT:
            if len(body) < 8:
                raise Malformed("short IPv6 fragment header")
            (off,) = struct.unpack_from("!H", body, 2)
            if off & 0xFFF8:
                return None  # a later fragment
            nxt, body = body[0], body[8:]
        elif nxt in _IPV6_EXT:
            if len(body) < 8:
                raise Malformed("short IPv6 extension header")
            size = (body[1] + 1) * 8
            if len(body) < size:
                raise Malformed("cut IPv6 extension header")
            nxt, body = body[0], body[size:]
        else:
            return _upper(nxt, body, src, dst, src_mac)
    raise Malformed("too many IPv6 extension headers")


def _upper(proto: int, body: bytes, src: str, dst: str, src_mac: str | None) -> Packet | None:
    if proto == PROTO_UDP:
        if len(body) < 8:
            raise Malformed("short UDP header")
        sport, dport, length = struct.unpack_from("!HHH", body, 0)
        if length < 8:
            raise Malformed("bad UDP length")
        return Packet(
            src_mac=src_mac,
            src=src,
            dst=dst,
            proto=PROTO_UDP,
            sport=sport,
            dport=dport,
            payload=body[8:length],
        )
    if proto == PROTO_TCP:
        if len(body) < 20:
            raise Malformed("short TCP header")
        sport, dport, seq = struct.unpack_from("!HHI", body, 0)
        offset = (body[12] >> 4) * 4
        if offset < 20 or len(body) < offset:
            raise Malformed("bad TCP data offset")
        return Packet(
            src_mac=src_mac,
            src=src,
            dst=dst,
            proto=PROTO_TCP,
            sport=sport,
            dport=dport,
            payload=body[offset:],
            flags=body[13],
            seq=seq,
        )
    return None
