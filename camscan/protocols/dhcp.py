"""DHCP options as a client sends them: what it says about itself.

The options field (RFC 2131 section 2 figure 1, after the magic cookie 99.130.83.99) is a
run of code, length, data (RFC 2132 section 2; 0 pads, 255 ends).  An option may be split into
several instances that are concatenated (RFC 3396 section 5).  Read here: 12 Host Name
(RFC 2132 3.14), 50 Requested IP Address (9.1), 52 Option Overload (9.3), 53 DHCP Message Type
(9.6), 55 Parameter Request List (9.8), 60 Vendor class identifier (9.13), 61 Client
identifier (9.14).

Hostile input: the parser never raises.  A cut-off option keeps what came before it and says
so in ``notes``; concatenated instances are kept up to :data:`MAX_OPTION` octets; option 52
moving options into the ``sname``/``file`` fields is noted, not followed (clients do not send
it, and the fields are not part of the options as seen).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from camscan.protocols._common import to_text

MAX_TEXT = 255  # one option's data is at most 255 octets; concatenated ones are cut here
MAX_OPTION = 1024  # octets kept of one option code's concatenated instances
MAX_OPTIONS = 4096  # octets of the options field read (a DHCP message over UDP is < 64 KiB)


@dataclass(frozen=True, slots=True)
class DhcpOptions:
    """The options of one DHCP message, decoded."""

    options: dict[int, bytes] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def text(self, code: int) -> str | None:
        data = self.options.get(code)
        if data is None:
            return None
        return to_text(data[:MAX_TEXT].replace(b"\x00", b"")).strip() or None

    @property
    def hostname(self) -> str | None:
        return self.text(12)

    @property
    def vendor_class(self) -> str | None:
        return self.text(60)

    @property
    def parameter_list(self) -> tuple[int, ...]:
        return tuple(self.options.get(55, b"")[:MAX_TEXT])

    @property
    def client_id(self) -> str | None:
        cid = self.options.get(61, b"")
        return cid[:64].hex() if cid else None

    @property
    def message_type(self) -> int | None:
        mtype = self.options.get(53, b"")
        return mtype[0] if mtype else None

    @property
    def requested_ip(self) -> str | None:
        req = self.options.get(50, b"")
        return socket.inet_ntoa(req[:4]) if len(req) >= 4 else None

    def record(self) -> dict[str, str]:
        """What the client says about itself, as text (the ``dhcp`` evidence entry's keys,
        docs/evidence.md): hostname, vendor_class, param_list (``"1,3,6"``), client_id (hex)."""
        out: dict[str, str] = {}
        for key, value in (
            ("hostname", self.hostname),
            ("vendor_class", self.vendor_class),
            ("param_list", ",".join(map(str, self.parameter_list)) or None),
            ("client_id", self.client_id),
        ):
            if value:
                out[key] = value
        return out


def parse_options(data: bytes) -> DhcpOptions:
    """Decode a DHCP options field (without the magic cookie); never raises."""
    opts: dict[int, bytes] = {}
    notes: list[str] = []
    overlong: set[int] = set()
    if len(data) > MAX_OPTIONS:
        notes.append(f"options field of {len(data)} octets: only the first {MAX_OPTIONS} read")
        data = data[:MAX_OPTIONS]
    i = 0
    while i < len(data):
        code = data[i]
        if code == 0:
            i += 1
            continue
        if code == 255:
            break
        if i + 1 >= len(data):
            notes.append(f"option {code} cut off (no length)")
            break
        n = data[i + 1]
        chunk = data[i + 2 : i + 2 + n]
        if len(chunk) < n:
            notes.append(f"option {code} cut off ({len(chunk)} of {n} octets)")
            break
        old = opts.get(code, b"")
        if len(old) + len(chunk) > MAX_OPTION and code not in overlong:
            overlong.add(code)
            notes.append(f"option {code} repeated past {MAX_OPTION} octets: the rest ignored")
        opts[code] = (old + chunk)[:MAX_OPTION]  # RFC 3396: split options are concatenated
        i += 2 + n
    else:
        if data:
            notes.append("options field ends without the end option (255)")
    if 52 in opts:
        notes.append("option overload (52): options in the sname/file fields not read")
    return DhcpOptions(opts, tuple(notes))
