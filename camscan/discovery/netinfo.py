"""Which interfaces and routes this machine has: local segments and reachability.

Read once per scan from iproute2's JSON output (`ip -j`), so camscan scans from the
interface the routing table chooses and never sends where no route leads.
"""

from __future__ import annotations

import json
import socket
import subprocess
from dataclasses import dataclass

import netaddr


@dataclass(frozen=True)
class Segment:
    """A network attached to one of this machine's interfaces."""

    interface: str
    address: str  # our address on it
    network: netaddr.IPNetwork
    mac: str | None


def _ip_json(*args: str) -> list[dict[str, object]]:
    try:
        out = subprocess.run(
            ["ip", "-j", *args], capture_output=True, text=True, timeout=10, check=True
        ).stdout
        data = json.loads(out or "[]")
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError):
        return []
    return data if isinstance(data, list) else []


def interface_names() -> list[str]:
    """The names of this machine's network interfaces."""
    return sorted(name for _, name in socket.if_nameindex())


def local_segments(interface: str | None = None) -> list[Segment]:
    """IPv4 segments on non-loopback interfaces (only ``interface`` when given)."""
    segs: list[Segment] = []
    for link in _ip_json("-4", "addr", "show"):
        name = str(link.get("ifname", ""))
        if interface and name != interface:
            continue
        flags = link.get("flags") or []
        if name == "lo" or (isinstance(flags, list) and "LOOPBACK" in flags):
            continue
        mac = link.get("address")
        for info in link.get("addr_info") or []:  # type: ignore[attr-defined]
            if info.get("family") != "inet":
                continue
            net = netaddr.IPNetwork(f"{info['local']}/{info['prefixlen']}")
            segs.append(
                Segment(
                    name, str(info["local"]), net.cidr, str(mac) if isinstance(mac, str) else None
                )
            )
    return segs


class Routes:
    """Longest-prefix lookups in the main routing table (IPv4 and IPv6)."""

    def __init__(self) -> None:
        self._routes: list[tuple[netaddr.IPNetwork, str]] = []
        for fam in ("-4", "-6"):
            for r in _ip_json(fam, "route", "show", "table", "main"):
                dst = str(r.get("dst", ""))
                dev = str(r.get("dev", ""))
                if r.get("type") in ("unreachable", "prohibit", "blackhole"):
                    continue
                try:
                    if dst == "default":
                        net = netaddr.IPNetwork("0.0.0.0/0" if fam == "-4" else "::/0")
                    else:
                        net = netaddr.IPNetwork(dst)
                except (netaddr.AddrFormatError, ValueError):
                    continue
                self._routes.append((net, dev))
        self._routes.sort(key=lambda x: x[0].prefixlen, reverse=True)
        self.has_loopback = True

    def reachable(self, ip: str) -> bool:
        """True when some route (or loopback) leads to ``ip``."""
        addr = netaddr.IPAddress(ip)
        if addr.is_loopback():
            return True
        return any(addr in net for net, _ in self._routes if net.version == addr.version)

    def interface_for(self, ip: str) -> str | None:
        addr = netaddr.IPAddress(ip)
        for net, dev in self._routes:
            if net.version == addr.version and addr in net:
                return dev
        return None
