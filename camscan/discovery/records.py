"""The typed records that pass between the scan's stages.

local discovery -> :class:`LocalFindings`; sweep -> :class:`LiveHost`; per-host plan ->
:class:`HostResult`; store (camscan/app/scan.py).  :class:`ScanOptions` and :class:`Progress`
are what library callers give and get (``camscan.app.scan.run(options, on_progress)``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import netaddr

from camscan.config import DEFAULT_PORTS, MAX_OBSERVATION_BYTES
from camscan.discovery import netinfo
from camscan.observations import Observation
from camscan.probes import default_names


@dataclass(frozen=True)
class ScanOptions:
    """How to scan: what the CLI's options become (the password never leaves memory)."""

    ports: tuple[int, ...] = DEFAULT_PORTS
    rate: float = 1000.0
    interface: str | None = None
    # Registry names (camscan/probes); snmp is among them and runs when a community is given.
    probes: frozenset[str] = field(default_factory=lambda: frozenset(default_names()))
    timeout: float = 2.0
    host_budget: float = 30.0
    onvif_user: str | None = None
    onvif_password: str | None = field(default=None, repr=False)
    snmp_community: str | None = field(default=None, repr=False)
    concurrency: int = 1024  # addresses in flight (bounded by the open-files limit)
    per_host: int = 6  # concurrent probes against one host
    udp_retries: int = 1
    multicast_window: float = 2.0
    max_bytes: int = MAX_OBSERVATION_BYTES
    thorough: bool = False  # ask everything, whatever the evidence says (consultants)


@dataclass
class HostResult:
    """One live host and everything it said (the plan's record among the observations)."""

    ip: str
    mac: str | None
    observations: list[Observation]
    started: float = 0.0
    finished: float = 0.0
    requests: int = 0  # application requests sent (HTTP, RTSP, SOAP, unicast UDP, SNMP)
    connects: int = 0  # TCP connects of the sweep


@dataclass
class Progress:
    """A snapshot for the progress display."""

    hosts_total: int
    hosts_probed: int
    live_hosts: int
    packets_sent: int
    rate: float
    eta_seconds: float | None
    phase: str


@dataclass
class ScanSummary:
    """What the pipeline did, in figures."""

    hosts_total: int = 0
    hosts_probed: int = 0
    live_hosts: int = 0
    no_route: int = 0
    packets_sent: int = 0
    requests: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass
class LocalFindings:
    """What the local-segment stage learnt (layer 2 and multicast)."""

    segments: list[netinfo.Segment] = field(default_factory=list)
    arp_done: list[netaddr.IPNetwork] = field(default_factory=list)
    macs: dict[str, str] = field(default_factory=dict)
    udp: dict[str, list[Observation]] = field(default_factory=lambda: defaultdict(list))
    multicast_done: list[netaddr.IPNetwork] = field(default_factory=list)

    def on_segment(self, ip: str, nets: list[netaddr.IPNetwork]) -> bool:
        addr = netaddr.IPAddress(ip)
        return any(addr.version == n.version and addr in n for n in nets)


@dataclass
class LiveHost:
    """The sweep's output for one address that is there."""

    ip: str
    mac: str | None  # from ARP on a local segment
    states: dict[int, str]  # port -> tcp state, the liveness ports so far
    observations: list[Observation]  # multicast replies from the local stage
    multicast_reached: bool
    connects: int = 0


# A verdict for the planner's "settled?" question: the engine's identify().to_dict().
Judge = Callable[[dict[str, Any]], dict[str, Any]]
OnHost = Callable[[HostResult], Awaitable[None]]
OnProgress = Callable[[Progress], None]
