"""Pure identity keys: which stored device a newly seen host is.

A device keeps one identity across scans.  Keys are tried strongest first: MAC address,
then serial number, then ONVIF endpoint reference, then the IP address within the site
when the stored device has no conflicting stronger key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from camscan.protocols._common import normalise_mac

__all__ = ["IdentityKeys", "choose_mac", "conflicts", "normalise_mac", "normalise_serial"]

# Serials too generic to identify a unit
_PLACEHOLDER_SERIALS = {"", "0", "none", "null", "unknown", "n/a", "na", "serial", "123456"}


def normalise_serial(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    s = value.strip()
    if s.lower() in _PLACEHOLDER_SERIALS or set(s) <= {"0"} or len(s) < 4 or len(s) > 120:
        return None
    return s


def normalise_epr(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    s = value.strip().lower()
    return s[:200] if len(s) >= 8 else None


@dataclass(frozen=True)
class IdentityKeys:
    """The identity keys of one host as seen in one scan."""

    ip: str | None
    mac: str | None = None
    serial: str | None = None
    endpoint_reference: str | None = None

    @classmethod
    def from_seen(cls, ip: str | None, mac: str | None, verdict: dict[str, Any]) -> IdentityKeys:
        return cls(
            ip=ip,
            mac=normalise_mac(mac) or normalise_mac(verdict.get("mac")),
            serial=normalise_serial(verdict.get("serial")),
            endpoint_reference=normalise_epr(verdict.get("endpoint_reference")),
        )


def conflicts(keys: IdentityKeys, mac: str | None, serial: str | None) -> bool:
    """True when a stored device's strong keys say it is another unit."""
    if keys.mac and mac and keys.mac != mac:
        return True
    return bool(keys.serial and serial and keys.serial != serial)


def choose_mac(arp_mac: str | None, reported: list[list[str]]) -> str | None:
    """The MAC address a host is filed under: the one ARP saw on the wire (local segment),
    else the first the device itself reports (ONVIF GetNetworkInterfaces) for a device
    behind a router, where ARP only ever sees the router."""
    if arp_mac:
        return normalise_mac(arp_mac) or arp_mac
    for macs in reported:
        for mac in macs:
            norm = normalise_mac(mac)
            if norm:
                return norm
    return None
