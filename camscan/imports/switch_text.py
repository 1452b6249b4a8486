"""Switch and router CLI text: MAC address tables and ARP tables, as copied from a session.

The layouts read (each a header line naming the columns, then one row per entry):

* Cisco IOS/IOS-XE ``show mac address-table`` (``Vlan  Mac Address  Type  Ports``, MACs as
  ``0011.2233.4455``) and ``show ip arp`` / ``show arp`` (``Protocol  Address  Age (min)
  Hardware Addr  Type  Interface``): Cisco Catalyst 9300 command reference, "show mac
  address-table" and "show ip arp",
  https://www.cisco.com/c/en/us/td/docs/switches/lan/catalyst9300/software/release/17-12/command_reference/b_1712_9300_cr.html
* HP/Aruba ProCurve ``show mac-address`` (``MAC Address  Port  VLAN``, ``001122-334455``)
  and AOS-CX ``show mac-address-table`` (``MAC Address  VLAN  Type  Port``) and ``show
  arp``: Aruba AOS-CX 10.x Command-Line Interface Guide, "show mac-address-table",
  https://www.arubanetworks.com/techdocs/AOS-CX/10.12/HTML/l2_bridging/Content/Chp_MAC_add_tab/mac-add-tab-cmds/sho-mac-add-tab.htm
* Juniper Junos ``show ethernet-switching table`` (``Vlan name  MAC address  MAC flags  Age
  Logical interface``) and ``show arp`` (``MAC Address  Address  Name  Interface  Flags``):
  Junos OS CLI reference, https://www.juniper.net/documentation/us/en/software/junos/cli-reference/topics/ref/command/show-ethernet-switching-table.html
  and .../show-arp.html

Each row with a MAC gives one host (its IP when the row has one, the VLAN and the port);
prompts, banners and counters between tables are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from camscan.imports import Format, ImportedHost, ImportFormatError, ReadContext, RecordError
from camscan.imports._lines import ip_of, mac_of, text_lines

_HEADER = re.compile(r"\b(mac|hardware)\b", re.I)
_COLUMNS = re.compile(r"\b(vlan|ports?|interface)\b", re.I)
_IFACE = re.compile(
    r"^(?:[A-Za-z][A-Za-z-]*\d[\w/.:-]*|\d+/\d+(?:/\d+)*(?:\.\d+)?|[A-Za-z]+\d+|CPU)$"
)
_NUMBER = re.compile(r"^\d{1,5}$")


def _order(header: str) -> list[str]:
    """The header's vlan/port columns in the order they appear."""
    out = []
    for m in _COLUMNS.finditer(header):
        word = m.group(1).lower()
        name = "vlan" if word == "vlan" else "port"
        if name not in out:
            out.append(name)
    return out


def _sniff(head: bytes, filename: str) -> bool:
    text = head.decode("utf-8", "replace")
    if "\0" in text:
        return False
    for line in text.splitlines():
        if _HEADER.search(line) and (_COLUMNS.search(line) or "address" in line.lower()):
            if not any(d in line for d in (",", ";", "\t")):  # a CSV header, not CLI text
                return True
    return False


def _read(stream: BinaryIO, context: ReadContext) -> Iterator[ImportedHost | RecordError]:
    order: list[str] = []
    header_seen = False
    vlan_first_name = False
    rows = 0
    for number, line in text_lines(stream):
        if isinstance(line, RecordError):
            yield line
            continue
        if header_seen and not _HEADER.search(line) and _COLUMNS.search(line):
            if not any(mac_of(t) for t in line.split()):  # a header's second line (Junos)
                order += [c for c in _order(line) if c not in order]
                continue
        if _HEADER.search(line) and not any(mac_of(t) for t in line.split()):
            header_seen = True
            order = _order(line)
            vlan_first_name = line.strip().lower().startswith("vlan")
            continue
        tokens = line.split()
        macs = [(i, mac_of(t)) for i, t in enumerate(tokens) if mac_of(t)]
        if not macs or not header_seen:
            continue
        mac_index, mac = macs[0]
        rest = [t for i, t in enumerate(tokens) if i != mac_index]
        ip = next((ip_of(t) for t in rest if ip_of(t)), None)
        vlan = port = None
        numbers = [t for t in rest if _NUMBER.match(t)]
        ifaces = [t for t in rest if _IFACE.match(t) and not _NUMBER.match(t) and not ip_of(t)]
        if "port" in order and ifaces:
            port = ifaces[-1]
        if "vlan" in order:
            first = tokens[0]
            if vlan_first_name and mac_index > 0 and not _NUMBER.match(first):
                vlan = first  # Junos: the VLAN's name
            elif numbers and ("port" not in order or port is not None):
                vlan = numbers[0]
        if "port" in order and port is None and numbers:
            # ProCurve: the port is a bare number too; columns in the header's order.
            nums = list(numbers)
            if "vlan" in order and order.index("vlan") < order.index("port"):
                vlan = nums.pop(0) if nums else vlan
                port = nums.pop(0) if nums else None
            else:
                port = nums.pop(0)
                vlan = nums.pop(0) if nums else vlan
        rows += 1
        yield ImportedHost(ip=ip, mac=mac, vlan=vlan, switch_port=port, where=f"line {number}")
    if not header_seen:
        raise ImportFormatError(
            f"{context.filename}: no MAC/ARP table header (e.g. Cisco 'Vlan Mac Address Type "
            "Ports', Juniper 'MAC Address Address Name Interface') found"
        )
    if rows == 0:
        yield RecordError("file", "a table header but no row with a MAC address")


FORMAT = Format(
    name="switch-text",
    summary="Cisco/HP-Aruba/Juniper 'show mac address-table', 'show ethernet-switching "
    "table', 'show arp' text",
    sniff=_sniff,
    read=_read,
    scan_would_add="everything the device answers: a MAC table holds only its MAC, VLAN and port",
)
