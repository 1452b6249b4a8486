"""Targets and exclusions, parsed with netaddr into one frozen :class:`Scope`.

Accepted forms, as network tools take them: CIDR (``10.0.0.0/24``), a range of the last
octet (``10.0.0.10-50``), a full range (``10.0.0.10-10.0.0.50``), a single address (IPv4 or
IPv6), a hostname (resolved once, each address becomes a target).  Safety refusals live in
:mod:`camscan.scope.policy`; this module only parses.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import netaddr

from camscan.errors import ScopeError

# Never probed as hosts: multicast and the limited broadcast address.
NEVER_HOSTS = netaddr.IPSet(["224.0.0.0/4", "255.255.255.255/32", "ff00::/8"])


@dataclass(frozen=True)
class Target:
    """One target as the user wrote it, and the addresses it stands for."""

    text: str
    kind: str  # cidr | range | address | hostname
    ranges: tuple[netaddr.IPRange, ...]
    # The network and broadcast addresses of a CIDR target, never probed as hosts.
    skipped: tuple[netaddr.IPAddress, ...] = ()

    @property
    def size(self) -> int:
        return sum(r.size for r in self.ranges)


def _parse_range(text: str) -> netaddr.IPRange | None:
    if "-" not in text:
        return None
    first, _, last = text.partition("-")
    first, last = first.strip(), last.strip()
    try:
        start = netaddr.IPAddress(first)
    except (netaddr.AddrFormatError, ValueError):
        return None
    if start.version == 4 and last.isdigit():
        # 10.0.0.10-50: the last octet only
        octets = first.split(".")
        end_text = ".".join([*octets[:3], last])
    else:
        end_text = last
    try:
        end = netaddr.IPAddress(end_text)
    except (netaddr.AddrFormatError, ValueError) as err:
        raise ScopeError(f"bad range {text!r}: {err}; write e.g. 10.0.0.10-50") from None
    if end.version != start.version or end < start:
        raise ScopeError(
            f"bad range {text!r}: the end comes before the start; write e.g. 10.0.0.10-50"
        )
    return netaddr.IPRange(start, end)


def parse_target(text: str, *, resolve: bool = True) -> Target:
    """Parse one target; raises ScopeError with a message that says what to write."""
    text = text.strip()
    if not text:
        raise ScopeError("empty target; give an address, CIDR, range or hostname")
    if "/" in text:
        try:
            net = netaddr.IPNetwork(text)
        except (netaddr.AddrFormatError, ValueError):
            raise ScopeError(f"bad network {text!r}; write a CIDR such as 192.168.1.0/24") from None
        # 10.0.0.5/24 means the network, as in nmap
        net = net.cidr
        skipped: tuple[netaddr.IPAddress, ...] = ()
        if net.version == 4 and net.prefixlen <= 30:
            skipped = (net.network, net.broadcast) if net.broadcast is not None else ()
        return Target(text, "cidr", (netaddr.IPRange(net.first, net.last),), skipped)
    rng = _parse_range(text)
    if rng is not None:
        return Target(text, "range", (rng,))
    try:
        addr = netaddr.IPAddress(text)
    except (netaddr.AddrFormatError, ValueError):
        addr = None
    if addr is not None:
        return Target(text, "address", (netaddr.IPRange(addr, addr),))
    if text.rstrip(".").rsplit(".", 1)[-1].isdigit():
        # A name whose last label is all digits is no hostname (RFC 3696 section 2): it is a
        # mistyped address, never something to look up in DNS.
        raise ScopeError(
            f"{text!r} is not an IPv4 address (four numbers 0-255, e.g. 10.0.0.25) nor a hostname"
        )
    if not _looks_like_hostname(text):
        raise ScopeError(
            f"cannot read target {text!r}; give an address (10.0.0.5), CIDR (10.0.0.0/24), "
            "range (10.0.0.10-50) or hostname"
        )
    if not resolve:
        raise ScopeError(f"hostname {text!r} given where only addresses are accepted")
    return Target(text, "hostname", tuple(netaddr.IPRange(a, a) for a in _resolve(text)))


def _looks_like_hostname(text: str) -> bool:
    if len(text) > 253:
        return False
    labels = text.rstrip(".").split(".")
    return all(
        0 < len(lbl) <= 63
        and lbl[0] != "-"
        and lbl[-1] != "-"
        and all(c.isalnum() or c == "-" for c in lbl)
        for lbl in labels
    )


def _resolve(name: str) -> list[netaddr.IPAddress]:
    try:
        infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as err:
        raise ScopeError(
            f"cannot resolve hostname {name!r} ({err}); check the name or give its address"
        ) from None
    seen: dict[str, netaddr.IPAddress] = {}
    for info in infos:
        ip = str(info[4][0]).split("%")[0]
        seen.setdefault(ip, netaddr.IPAddress(ip))
    return list(seen.values())


def read_target_file(path: str) -> list[str]:
    """Targets from a file (``-iL``): whitespace or newline separated, ``#`` comments."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise ScopeError(
            f"cannot read target file {path!r}: {reason}; "
            "give a readable text file, one target a line"
        ) from None
    out: list[str] = []
    for line in text.splitlines():
        out.extend(line.split("#", 1)[0].split())
    if not out:
        raise ScopeError(f"target file {path!r} holds no targets; put one target on each line")
    return out


@dataclass(frozen=True)
class Scope:
    """What a scan may touch: the targets less exclusions and never-probed addresses."""

    targets: tuple[Target, ...]
    exclusions: tuple[Target, ...] = ()
    allow_public: bool = False
    large: bool = False
    _set: netaddr.IPSet = field(default_factory=netaddr.IPSet, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        targets: Iterable[Target],
        exclusions: Iterable[Target] = (),
        *,
        allow_public: bool = False,
        large: bool = False,
    ) -> Scope:
        targets, exclusions = tuple(targets), tuple(exclusions)
        ipset = netaddr.IPSet()
        for t in targets:
            for r in t.ranges:
                ipset.add(r)
        for t in exclusions:
            for r in t.ranges:
                ipset.remove(r)
        for t in targets:
            for a in t.skipped:
                ipset.remove(a)
        ipset = ipset - NEVER_HOSTS
        return cls(targets, exclusions, allow_public, large, ipset)

    @property
    def size(self) -> int:
        """How many addresses will be probed."""
        return int(self._set.size)

    @property
    def networks(self) -> list[netaddr.IPNetwork]:
        """The scope as CIDR blocks (for overlap with local segments)."""
        return list(self._set.iter_cidrs())

    def iter_hosts(self) -> Iterator[str]:
        """Every address to probe, lazily, in order."""
        for rng in self._set.iter_ipranges():
            for addr in rng:
                yield str(addr)

    def contains(self, ip: str) -> bool:
        try:
            return netaddr.IPAddress(ip) in self._set
        except (netaddr.AddrFormatError, ValueError, TypeError):
            return False

    def to_dict(self) -> dict[str, Any]:
        """Exactly what scope the scan was given, for the scan record."""
        return {
            "targets": [t.text for t in self.targets],
            "resolved": {t.text: [str(r) for r in t.ranges] for t in self.targets},
            "exclusions": [t.text for t in self.exclusions],
            "allow_public": self.allow_public,
            "large": self.large,
            "addresses": self.size,
            "cidrs": [str(c) for c in self.networks],
        }
