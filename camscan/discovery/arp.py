"""ARP sweep of a local segment with scapy: who is there, and their MAC addresses.

Needs CAP_NET_RAW (root); without it the pipeline says so once and relies on TCP.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence

log = logging.getLogger("camscan.discovery.arp")
ROUNDS = 2  # the first ask and one more for the addresses that stayed silent


def available() -> bool:
    return os.geteuid() == 0


def _sweep(ips: Sequence[str], interface: str, rate: float, timeout: float) -> dict[str, str]:
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.layers.l2 import ARP, Ether
    from scapy.sendrecv import srp

    found: dict[str, str] = {}
    batch = 4096  # one listening window per batch: fewer, larger batches finish sooner
    pending = list(ips)
    # Replies are lost when hundreds of hosts answer one burst (a busy segment, the kernel's
    # backlog): ask the silent addresses again, at half the pace.
    for round_ in range(ROUNDS):
        pace = max(rate, 1.0) / (2**round_)
        for i in range(0, len(pending), batch):
            chunk = pending[i : i + batch]
            answered, _ = srp(
                Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(pdst=chunk),
                iface=interface,
                timeout=timeout,
                inter=1.0 / pace,
                verbose=0,
            )
            for _sent, reply in answered:
                found[str(reply.psrc)] = str(reply.hwsrc).lower()
        pending = [ip for ip in pending if ip not in found]
        if not pending:
            break
    return found


async def sweep(
    ips: Sequence[str], interface: str, rate: float, timeout: float = 1.5
) -> dict[str, str]:
    """IP -> MAC for every address that answered ARP on ``interface``."""
    if not ips:
        return {}
    return await asyncio.to_thread(_sweep, ips, interface, rate, timeout)
