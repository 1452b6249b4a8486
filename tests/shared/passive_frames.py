"""Frames and capture files built by hand for the passive-mode tests, each layer to its spec.

Ethernet II (IEEE 802.3 clause 3.1.1: destination, source, EtherType), 802.1Q tag (IEEE
802.1Q-2018 9.6: TPID 0x8100, TCI), ARP (RFC 826), IPv4 (RFC 791 section 3.1, header
checksum RFC 1071), IPv6 (RFC 8200 section 3), UDP (RFC 768), TCP (RFC 9293 section 3.1);
pcap (draft-ietf-opsawg-pcap sections 4-5) and pcapng (draft-ietf-opsawg-pcapng sections
4.1 SHB, 4.2 IDB, 4.3 EPB).
"""

from __future__ import annotations

import socket
import struct

DEV_MAC = bytes.fromhex("9c8ecd010203")
PEER_MAC = bytes.fromhex("02aabbccddee")
BCAST = b"\xff" * 6


def _csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ether(
    payload: bytes, etype: int, *, src: bytes = DEV_MAC, dst: bytes = BCAST, vlan: int | None = None
) -> bytes:
    tag = struct.pack("!HH", 0x8100, vlan) if vlan is not None else b""
    return dst + src + tag + struct.pack("!H", etype) + payload


def arp(
    sender_ip: str, sender_mac: bytes = DEV_MAC, target_ip: str = "10.0.0.1", op: int = 1
) -> bytes:
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sender_mac + socket.inet_aton(sender_ip)
    body += b"\0" * 6 + socket.inet_aton(target_ip)
    return ether(body, 0x0806, src=sender_mac)


def ipv4(src: str, dst: str, proto: int, payload: bytes, *, frag: int = 0) -> bytes:
    head = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        0,
        20 + len(payload),
        1,
        frag,
        64,
        proto,
        0,
        socket.inet_aton(src),
        socket.inet_aton(dst),
    )
    head = head[:10] + struct.pack("!H", _csum(head)) + head[12:]
    return head + payload


def ipv6(src: str, dst: str, proto: int, payload: bytes, *, hop_by_hop: bool = False) -> bytes:
    if hop_by_hop:  # an 8-octet Hop-by-Hop header with a PadN option (RFC 8200 4.3, 4.2)
        payload = bytes([proto, 0, 1, 4, 0, 0, 0, 0]) + payload
        proto = 0
    return (
        struct.pack("!IHBB", 6 << 28, len(payload), proto, 64)
        + socket.inet_pton(socket.AF_INET6, src)
        + socket.inet_pton(socket.AF_INET6, dst)
        + payload
    )


def udp(sport: int, dport: int, payload: bytes) -> bytes:
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport: int, dport: int, seq: int, flags: int, payload: bytes = b"", ack: int = 0) -> bytes:
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload


def udp_frame(
    src: str, dst: str, sport: int, dport: int, payload: bytes, *, mac: bytes = DEV_MAC
) -> bytes:
    if ":" in src:
        return ether(ipv6(src, dst, 17, udp(sport, dport, payload)), 0x86DD, src=mac)
    return ether(ipv4(src, dst, 17, udp(sport, dport, payload)), 0x0800, src=mac)


def tcp_frame(
    src: str, dst: str, sport: int, dport: int, seq: int, flags: int, payload: bytes = b""
) -> bytes:
    return ether(ipv4(src, dst, 6, tcp(sport, dport, seq, flags, payload)), 0x0800, src=PEER_MAC)


SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def tcp_conversation(
    server: str,
    client: str,
    port: int,
    request: bytes,
    reply: bytes,
    *,
    segment: int = 1000,
    cport: int = 40000,
) -> list[bytes]:
    """A whole connection: handshake, the request, the reply in segments, both FINs."""
    cs, ss = 1000, 5000
    out = [
        tcp_frame(client, server, cport, port, cs, SYN),
        tcp_frame(server, client, port, cport, ss, SYN | ACK),
        tcp_frame(client, server, cport, port, cs + 1, ACK | PSH, request),
    ]
    for i in range(0, len(reply), segment):
        out.append(
            tcp_frame(server, client, port, cport, ss + 1 + i, ACK | PSH, reply[i : i + segment])
        )
    out.append(tcp_frame(server, client, port, cport, ss + 1 + len(reply), FIN | ACK))
    out.append(tcp_frame(client, server, cport, port, cs + 1 + len(request), FIN | ACK))
    return out


# -- capture files ------------------------------------------------------------------------------


def pcap(frames: list[bytes], *, linktype: int = 1, order: str = "<", nano: bool = False) -> bytes:
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 262144, linktype)
    for i, f in enumerate(frames):
        out += struct.pack(order + "IIII", 1_700_000_000 + i, 500, len(f), len(f)) + f
    return out


def _block(btype: int, body: bytes) -> bytes:
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def pcapng(frames: list[tuple[int, bytes]], linktypes: tuple[int, ...] = (1,)) -> bytes:
    """One section, one IDB per link type, one EPB per (interface, frame)."""
    out = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    for lt in linktypes:
        out += _block(1, struct.pack("<HHI", lt, 0, 262144))
    for i, (iface, f) in enumerate(frames):
        ts = (1_700_000_000 + i) * 1_000_000
        body = struct.pack("<IIIII", iface, ts >> 32, ts & 0xFFFFFFFF, len(f), len(f)) + f
        out += _block(6, body)
    return out
