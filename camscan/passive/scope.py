"""Which addresses passive mode records: the scope filters of `camscan listen`/`import`.

By default the address space a scan may touch without --allow-public (private, shared,
link-local, loopback: camscan/scope/policy.py), so the Internet peers a mirror port also
sees are not inventoried; ``only`` replaces that with the networks given (the user names
them, public ones included), ``exclude`` removes networks from either.  Multicast and
broadcast addresses are never hosts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import netaddr

from camscan.scope.policy import ALLOWED_BY_DEFAULT
from camscan.scope.targets import NEVER_HOSTS


def _ipset(cidrs: Iterable[str], what: str) -> netaddr.IPSet:
    out = netaddr.IPSet()
    for text in cidrs:
        try:
            out.add(netaddr.IPNetwork(text.strip()))
        except (netaddr.AddrFormatError, ValueError, TypeError):
            raise ValueError(
                f"{what} {text!r} is not an address or CIDR (e.g. 10.1.0.0/16)"
            ) from None
    return out


def recording_scope(only: Iterable[str] = (), exclude: Iterable[str] = ()) -> Callable[[str], bool]:
    """``ip -> recorded?`` for these filters (ValueError naming a filter that is no CIDR)."""
    only, exclude = list(only), list(exclude)
    allowed = _ipset(only, "--only") if only else netaddr.IPSet(ALLOWED_BY_DEFAULT)
    allowed = allowed - _ipset(exclude, "--exclude") - NEVER_HOSTS

    def in_scope(ip: str) -> bool:
        try:
            return netaddr.IPAddress(ip) in allowed
        except (netaddr.AddrFormatError, ValueError, TypeError):
            return False

    return in_scope
