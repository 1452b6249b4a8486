"""DHCP messages as a passive listener reads them: who asked, with which name and options.

Layout (RFC 2131 section 2, figure 1): op, htype, hlen, hops, xid, secs, flags, ciaddr,
yiaddr, siaddr, giaddr, chaddr (16 octets), sname (64), file (128), then the magic cookie
99.130.83.99 and the options, decoded by camscan/protocols/dhcp.py (the same parser the
fingerprint extractor reads a ``dhcp`` evidence entry's raw options with).
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from camscan.passive.packets import Malformed, mac_text
from camscan.protocols.dhcp import DhcpOptions, parse_options

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


@dataclass(frozen=True, slots=True)
class Dhcp:
    """One DHCP message: the client's hardware address, the addresses, the options read."""

    op: int  # 1 BOOTREQUEST (client), 2 BOOTREPLY (server)
    mac: str | None  # chaddr, when htype is Ethernet
    ciaddr: str
    yiaddr: str
    options_raw: bytes  # the options field after the magic cookie, verbatim
    options: DhcpOptions

    @property
    def message_type(self) -> str | None:
        code = self.options.message_type
        return None if code is None else MESSAGE_TYPES.get(code, f"type {code}")

    @property
    def requested_ip(self) -> str | None:
        return self.options.requested_ip

    @property
    def hostname(self) -> str | None:
        return self.options.hostname

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
        return self.options.record()


def parse_dhcp(payload: bytes) -> Dhcp:
    """Parse a DHCP message (UDP 67/68); :class:`Malformed` when it is not one.  Options
    cut off or overlong are read as far as they go (camscan/protocols/dhcp.py)."""
    if len(payload) < OPTIONS_AT:
        raise Malformed("short DHCP message")
    if payload[236:240] != MAGIC:
        raise Malformed("DHCP magic cookie missing")
    op, htype, hlen = payload[0], payload[1], payload[2]
    if op not in (1, 2):
        raise Malformed("DHCP op neither request nor reply")
    ciaddr, yiaddr = (socket.inet_ntoa(payload[i : i + 4]) for i in (12, 16))
    mac = mac_text(payload[28:34]) if htype == 1 and hlen == 6 else None
    raw = payload[OPTIONS_AT:]
    return Dhcp(op, mac, ciaddr, yiaddr, raw, parse_options(raw))


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
