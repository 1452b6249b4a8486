"""What a probe's entry point is given: one live host, its evidence so far, the scan's
limiter and options, and the accounting of what was asked (camscan/probes, "Adding a
probe")."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from camscan.discovery import tcp
from camscan.discovery.ratelimit import RateLimiter
from camscan.discovery.records import ScanOptions
from camscan.observations import Observation


@dataclass
class Host:
    """One live host during its plan."""

    ip: str
    opt: ScanOptions
    limiter: RateLimiter
    states: dict[int, str]
    obs: list[Observation]
    multicast_reached: bool
    requests: int = 0
    connects: int = 0
    started: float = field(default_factory=time.monotonic)
    asked: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # Per-probe arguments the plan hands over for this round (e.g. HTTP paths per port).
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def open_ports(self) -> list[int]:
        return sorted(p for p, s in self.states.items() if s == tcp.OPEN)

    def count(self, n: int = 1) -> None:
        """Account ``n`` application requests (HTTP, RTSP, SOAP, UDP datagrams, SNMP)."""
        self.requests += n

    def ask(self, what: str) -> None:
        if what not in self.asked:
            self.asked.append(what)

    def skip(self, what: str) -> None:
        if what not in self.skipped:
            self.skipped.append(what)

    def answered(self, key: str) -> bool:
        """Whether an observation of evidence key ``key`` holds a reply."""
        return any(o.probe == key and (o.raw or o.meta) and not o.error for o in self.obs)
