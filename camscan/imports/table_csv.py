"""A MAC address table, ARP table or DHCP lease export saved as CSV (or TSV / semicolons).

The first row names the columns; at least a MAC or an IP column is needed.  The header
names accepted (case, spaces, underscores and hyphens ignored) are those of the common
exports: Windows DHCP Server's "Export List" (``Client IP Address, Name, Unique ID``,
Microsoft Learn, "Export-DhcpServer" / DHCP console), ISC dhcpd/Kea lease CSV
(``address, hwaddr, hostname``, Kea Administrator Reference Manual, "memfile - Basic
Storage for Leases", https://kea.readthedocs.io/en/latest/arm/dhcp4-srv.html), pfSense /
OPNsense lease and ARP table downloads (``IP address, MAC address, Hostname``), and
switch-management CSVs (``VLAN, MAC Address, Port``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import BinaryIO

from camscan.imports import Format, ImportedHost, ImportFormatError, ReadContext, RecordError
from camscan.imports._lines import MAX_LINE, ip_of, mac_of, text_lines
from camscan.observations import Observation

SYNONYMS: dict[str, tuple[str, ...]] = {
    "ip": (
        "ip",
        "ipaddress",
        "ipv4",
        "ipv4address",
        "address",
        "clientipaddress",
        "clientip",
        "leasedip",
        "yiaddr",
        "internetaddress",
    ),
    "mac": (
        "mac",
        "macaddress",
        "hwaddr",
        "hardwareaddress",
        "hardwareaddr",
        "physicaladdress",
        "uniqueid",
        "clientid",
        "ethernet",
        "ethernetaddress",
        "chaddr",
        "macaddr",
    ),
    "hostname": ("hostname", "host", "name", "clientname", "devicename", "clienthostname"),
    "vlan": ("vlan", "vlanid", "vlanname", "vid"),
    "port": ("port", "ports", "interface", "switchport", "portname", "ifname"),
}
EXPECTED = "IP (ip, ip address, client ip address) and/or MAC (mac, mac address, hwaddr, unique id)"


def dhcp_hostname(ip: str | None, hostname: str | None) -> tuple[Observation, ...]:
    """The ``dhcp`` observation of a lease row's host name (the client's option 12 as the
    server recorded it; docs/evidence.md), so the fingerprint rules read it too."""
    if not hostname:
        return ()
    return (Observation("dhcp", ip or "", meta={"hostname": hostname, "source": "import"}),)


def _key(name: str) -> str:
    return re.sub(r"[\s_\-.()]", "", name.strip().lower().lstrip("\ufeff"))


def columns(header: list[str]) -> dict[str, int]:
    """Which column holds each of ip, mac, hostname, vlan, port (the first that matches)."""
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        k = _key(name)
        for field, names in SYNONYMS.items():
            if k in names and field not in found:
                found[field] = i
                break
    return found


def _sniff(head: bytes, filename: str) -> bool:
    if b"\0" in head:
        return False
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    return any(d in first for d in (",", ";", "\t")) and len(first) < MAX_LINE


def _delimiter(first: str) -> str:
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])


def _read(stream: BinaryIO, context: ReadContext) -> Iterator[ImportedHost | RecordError]:
    lines = text_lines(stream)
    first = next((line for _, line in lines if isinstance(line, str) and line.strip()), "")
    first = first.lstrip("\ufeff")
    if not first.strip():
        raise ImportFormatError(f"{context.filename}: empty CSV; expected a header row: {EXPECTED}")
    delim = _delimiter(first)
    header = next(csv.reader([first], delimiter=delim))
    cols = columns(header)
    if "ip" not in cols and "mac" not in cols:
        shown = ", ".join(h.strip()[:30] for h in header[:8])
        raise ImportFormatError(
            f"{context.filename}: CSV columns ({shown}) name neither an IP nor a MAC; "
            f"expected {EXPECTED}, optionally hostname, vlan, port"
        )
    for number, line in lines:
        if isinstance(line, RecordError):
            yield line
            continue
        if not line.strip():
            continue
        try:
            row = next(csv.reader([line], delimiter=delim))
        except csv.Error as err:  # one row per line: a field with a line break is an error
            yield RecordError(f"line {number}", f"not a CSV row ({err})"[:200])
            continue

        def cell(field: str, row: list[str] = row) -> str:
            i = cols.get(field)
            return row[i].strip() if i is not None and i < len(row) else ""

        raw_ip, raw_mac = cell("ip"), cell("mac")
        ip = ip_of(raw_ip) if raw_ip else None
        mac = mac_of(raw_mac) if raw_mac else None
        if raw_ip and ip is None:
            yield RecordError(f"line {number}", f"not an IP address: {raw_ip[:40]!r}")
            continue
        if raw_mac and mac is None:
            yield RecordError(f"line {number}", f"not a MAC address: {raw_mac[:40]!r}")
            continue
        if ip is None and mac is None:
            yield RecordError(f"line {number}", "neither an IP nor a MAC address")
            continue
        hostname = cell("hostname")[:255] or None
        yield ImportedHost(
            ip=ip,
            mac=mac,
            observations=dhcp_hostname(ip, hostname),
            hostname=hostname,
            vlan=cell("vlan")[:40] or None,
            switch_port=cell("port")[:80] or None,
            where=f"line {number}",
        )


FORMAT = Format(
    name="csv",
    summary="MAC table, ARP table or DHCP lease export as CSV (IP, MAC, hostname, VLAN, port)",
    sniff=_sniff,
    read=_read,
    scan_would_add="everything the device answers: a table holds only its addresses",
)
