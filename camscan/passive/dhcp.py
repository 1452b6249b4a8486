"""DHCP messages as a passive listener reads them: who asked, with which name and options.

Layout (RFC 2131 section 2, figure 1): op, htype, hlen, hops, xid, secs, flags, ciaddr,
yiaddr, siaddr, giaddr, chaddr (16 octets), sname (64), file (128), then the magic cookie
99.130.83.99 and the options (RFC 2132 section 2: code, length, data; 0 pads, 255 ends).
An option may be split into several instances that are concatenated (RFC 3396 section 5).
Options read: 12 Host Name (RFC 2132 3.14), 50 Requested IP Address (9.1), 53 DHCP Message
Type (9.6), 55 Parameter Request List (9.8), 60 Vendor class identifier (9.13), 61 Client
identifier (9.14).  Option 52 (overload, 9.3) moving options into sname/file is not
followed: clients do not send it, and servers' replies carry nothing read here.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from camscan.passive.packets import Malformed, mac_text

MAGIC = b"\x63\x82\x53\x63"
OPTIONS_AT = 240
MESSAGE_TYPES = {
    1: "DHCPDISCOVER",
    2: "DHCPOFFER",
    3: "DHCPREQUEST",
    4: "DHCPDECLINE",
    5: "DHCPACK",
    6: "DHCPNAK",
    7: "DHCPRELEASE",
    8: "DHCPINFORM",
}
MAX_TEXT = 255  # one option's data is at most 255 octets; concatenated ones are cut here


@dataclass(frozen=True, slots=True)
class Dhcp:
    """One DHCP message: the client's hardware address, the addresses, the options read."""

    op: int  # 1 BOOTREQUEST (client), 2 BOOTREPLY (server)
    mac: str | None  # chaddr, when htype is Ethernet
    ciaddr: str
    yiaddr: str
    message_type: str | None
    requested_ip: str | None
    hostname: str | None
    vendor_class: str | None
    parameter_list: tuple[int, ...]
    client_id: str | None  # hex

    @property
    def client_ip(self) -> str | None:
        """The address this message ties to its client's MAC, if any."""
        for ip in (
            self.yiaddr if self.op == 2 and self.message_type == "DHCPACK" else None,
            self.ciaddr,
            self.requested_ip if self.op == 1 else None,
        ):
            if ip and ip != "0.0.0.0":
                return ip
        return None

    def record(self) -> dict[str, str]:
        """The client's own options as text (what a device says about itself)."""
        out: dict[str, str] = {}
        if self.hostname:
            out["hostname"] = self.hostname
        if self.vendor_class:
            out["vendor_class"] = self.vendor_class
        if self.parameter_list:
            out["parameter_list"] = ",".join(map(str, self.parameter_list))
        if self.client_id:
            out["client_id"] = self.client_id
        return out


def _text(data: bytes) -> str:
    return data[:MAX_TEXT].replace(b"\x00", b"").decode("utf-8", "replace").strip()


def parse_dhcp(payload: bytes) -> Dhcp:
    """Parse a DHCP message (UDP 67/68); :class:`Malformed` when it is not one."""
    if len(payload) < OPTIONS_AT:
        raise Malformed("short DHCP message")
    if payload[236:240] != MAGIC:
        raise Malformed("DHCP magic cookie missing")
    op, htype, hlen = payload[0], payload[1], payload[2]
    if op not in (1, 2):
        raise Malformed("DHCP op neither request nor reply")
    ciaddr, yiaddr = (socket.inet_ntoa(payload[i : i + 4]) for i in (12, 16))
    mac = mac_text(payload[28:34]) if htype == 1 and hlen == 6 else None
    opts: dict[int, bytes] = {}
    i = OPTIONS_AT
    while i < len(payload):
        code = payload[i]
        if code == 0:
            i += 1
            continue
        if code == 255:
            break
        if i + 1 >= len(payload):
            raise Malformed("DHCP option cut off")
        n = payload[i + 1]
        data = payload[i + 2 : i + 2 + n]
        if len(data) < n:
            raise Malformed("DHCP option cut off")
        if len(opts.get(code, b"")) < 1024:  # RFC 3396: split options are concatenated
            opts[code] = opts.get(code, b"") + data
        i += 2 + n
    mtype = opts.get(53, b"")
    req = opts.get(50, b"")
    cid = opts.get(61, b"")
    return Dhcp(
        op=op,
        mac=mac,
        ciaddr=ciaddr,
        yiaddr=yiaddr,
        message_type=MESSAGE_TYPES.get(mtype[0], f"type {mtype[0]}") if mtype else None,
        requested_ip=socket.inet_ntoa(req[:4]) if len(req) >= 4 else None,
        hostname=_text(opts[12]) or None if 12 in opts else None,
        vendor_class=_text(opts[60]) or None if 60 in opts else None,
        parameter_list=tuple(opts.get(55, b"")[:MAX_TEXT]),
        client_id=cid[:64].hex() if cid else None,
    )


def build(
    *,
    mac: bytes,
    message_type: int = 1,
    hostname: str | None = None,
    vendor_class: str | None = None,
    parameter_list: bytes = b"\x01\x03\x06\x0c\x0f\x1c\x2a",
    requested_ip: str | None = None,
    client_id: bytes | None = None,
    op: int = 1,
    yiaddr: str = "0.0.0.0",
    xid: int = 0x3903F326,
) -> bytes:
    """A DHCP message (the tests' and the lab's senders; RFC 2131 figure 1)."""
    head = struct.pack("!BBBBIHH", op, 1, 6, 0, xid, 0, 0x8000)
    head += b"\0" * 4 + socket.inet_aton(yiaddr) + b"\0" * 8
    head += mac.ljust(16, b"\0") + b"\0" * 192 + MAGIC
    opts = bytes([53, 1, message_type])
    if client_id is not None:
        opts += bytes([61, len(client_id)]) + client_id
    if requested_ip:
        opts += bytes([50, 4]) + socket.inet_aton(requested_ip)
    if hostname is not None:
        opts += bytes([12, len(hostname.encode())]) + hostname.encode()
    if vendor_class is not None:
        opts += bytes([60, len(vendor_class.encode())]) + vendor_class.encode()
    if parameter_list:
        opts += bytes([55, len(parameter_list)]) + parameter_list
    return head + opts + b"\xff"
