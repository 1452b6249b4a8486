"""Safety refusals: what camscan will not scan without being told to, and never at all."""

from __future__ import annotations

from collections.abc import Iterable

import netaddr

from camscan.errors import ScopeError
from camscan.scope.targets import NEVER_HOSTS, Scope, Target, parse_target, read_target_file

# Address space that may be scanned by default: private, shared, link-local, loopback.
ALLOWED_BY_DEFAULT = netaddr.IPSet(
    [
        "10.0.0.0/8",  # RFC 1918
        "172.16.0.0/12",  # RFC 1918
        "192.168.0.0/16",  # RFC 1918
        "100.64.0.0/10",  # RFC 6598 shared address space
        "169.254.0.0/16",  # link-local
        "127.0.0.0/8",  # loopback
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "::1/128",  # loopback
    ]
)
LARGE = 65536  # a /16: larger scopes need --large
# Even with --large, beyond this no scan can finish; it is a typo (an IPv6 /64, a /0).
ABSOLUTE_MAX = 1 << 24


def check_target(target: Target, *, allow_public: bool) -> None:
    """Refuse public space (unless allowed) and multicast/broadcast targets."""
    tset = netaddr.IPSet(target.ranges)
    never = tset & NEVER_HOSTS
    if never.size and never.size == tset.size:
        raise ScopeError(
            f"{target.text} is a multicast or broadcast address, which is never probed as a "
            "host; give the unicast addresses of your devices"
        )
    if not allow_public:
        outside = tset - ALLOWED_BY_DEFAULT - NEVER_HOSTS
        if outside.size:
            first = next(iter(outside.iter_cidrs()))
            raise ScopeError(
                f"{target.text} includes public address space ({first}); camscan scans only "
                "private, link-local and loopback networks unless you add --allow-public "
                "(only for networks you are authorised to scan)"
            )


def build_scope(
    targets: Iterable[str],
    *,
    target_files: Iterable[str] = (),
    exclude: Iterable[str] = (),
    allow_public: bool = False,
    large: bool = False,
) -> Scope:
    """Parse and check everything the user named; the one entry point for the CLI."""
    texts = list(targets)
    for path in target_files:
        texts.extend(read_target_file(path))
    if not texts:
        raise ScopeError("no targets; name what to scan, e.g. camscan scan 192.168.1.0/24")
    parsed = [parse_target(t) for t in texts]
    excl_texts: list[str] = []
    for item in exclude:
        excl_texts.extend(p for p in item.replace(",", " ").split() if p)
    excluded = [parse_target(t) for t in excl_texts]
    for t in parsed:
        check_target(t, allow_public=allow_public)
    scope = Scope.build(parsed, excluded, allow_public=allow_public, large=large)
    if scope.size > ABSOLUTE_MAX:
        raise ScopeError(
            f"the targets hold {scope.size:,} addresses, more than any scan can cover; "
            "name the subnets your devices are on"
        )
    if scope.size > LARGE and not large:
        raise ScopeError(
            f"the targets hold {scope.size:,} addresses, more than a /16 ({LARGE:,}); "
            "add --large if you mean it"
        )
    if scope.size == 0:
        raise ScopeError(
            "nothing left to scan after exclusions and never-probed addresses "
            "(network, broadcast, multicast); check --exclude"
        )
    return scope
