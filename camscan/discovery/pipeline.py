"""The scan pipeline: stages with typed records between them (camscan/discovery/records.py).

1. **Local discovery** (:meth:`Pipeline.discover_local` -> ``LocalFindings``), on each local
   segment that overlaps the scope (layer 2 reaches it): an ARP sweep (one raw socket, needs
   CAP_NET_RAW) and one multicast round of every UDP discovery probe of the registry
   (camscan/probes), sent from our address on that interface only.  Replies from addresses
   outside the scope are dropped.
2. **Sweep** (:meth:`Pipeline._address` -> ``LiveHost``) streams the scope's addresses
   (never materialising them all): an address with no route is skipped; a local-segment
   address is alive when it answered ARP or multicast; any other address is alive when a
   TCP connect to one of a few ports is accepted or refused; then the TCP sweep of --ports.
3. **Per-host plan** (camscan/discovery/plan.py -> ``HostResult``): cheap probes first,
   follow-ups only where evidence points, a bounded fallback, within the host's time
   budget; the plan's record (asked, skipped, why) is one of the host's observations.
4. **Store**: ``on_host`` (camscan/app/scan.py) is awaited as soon as a host is done, so an
   interrupted scan keeps every finished host.

Every packet and connection goes through one :class:`RateLimiter`; every await has a
timeout; every reply is kept (capped) as an :class:`Observation`, failures included.
"""

from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import netaddr

from camscan.discovery import arp, messages, netinfo, tcp, udp
from camscan.discovery.host import Host
from camscan.discovery.plan import run_plan
from camscan.discovery.ratelimit import PLAN, HostLimiter, RateLimiter
from camscan.discovery.records import (
    HostResult,
    Judge,
    LiveHost,
    LocalFindings,
    OnHost,
    OnProgress,
    Progress,
    ScanOptions,
    ScanSummary,
)
from camscan.inventory.identity import choose_mac
from camscan.observations import Observation
from camscan.scope import Scope

__all__ = ["HostResult", "Progress", "ScanOptions", "ScanSummary", "run_scan"]

LIVENESS_PORTS = (80, 443, 554)  # tried first on addresses beyond the local segments


class Pipeline:
    """One scan's state: the limiter, the local findings, counters."""

    def __init__(
        self,
        scope: Scope,
        options: ScanOptions,
        on_host: OnHost,
        on_progress: OnProgress | None,
        judge: Judge | None = None,
    ) -> None:
        self.judge = judge
        self.scope = scope
        self.opt = options
        self.on_host = on_host
        self.on_progress = on_progress
        self.limiter = RateLimiter(options.rate)
        self.summary = ScanSummary(hosts_total=scope.size)
        self.local = LocalFindings()
        self.started = time.monotonic()
        self.phase = "starting"
        self.udp_probes = {p.name: p for p in messages.udp_probes(options.probes)}
        self.arp_found: asyncio.Queue[str] = asyncio.Queue()
        self.hosts_started = 0

    # -- progress -----------------------------------------------------------------------
    def progress(self) -> Progress:
        s = self.summary
        elapsed = time.monotonic() - self.started
        eta = None
        if s.hosts_probed and s.hosts_total > s.hosts_probed:
            eta = elapsed / s.hosts_probed * (s.hosts_total - s.hosts_probed)
        return Progress(
            s.hosts_total,
            s.hosts_probed,
            s.live_hosts,
            self.limiter.sent,
            self.limiter.observed_rate,
            eta,
            self.phase,
        )

    async def _ticker(self) -> None:
        while True:
            if self.on_progress is not None:
                self.on_progress(self.progress())
            await asyncio.sleep(0.5)

    # -- phase A ------------------------------------------------------------------------
    def find_segments(self) -> None:
        self.local.segments = [
            seg
            for seg in netinfo.local_segments(self.opt.interface)
            if any(_overlap(seg.network, n) for n in self.scope.networks)
        ]

    async def discover_local(self) -> tuple[asyncio.Future[list[None]], asyncio.Future[list[None]]]:
        """Start the local stage: (multicast rounds, ARP sweeps) as futures; ARP replies
        are queued on ``self.arp_found`` as they come, so their hosts start at once."""
        self.phase = "local segments"
        arps: list[Awaitable[None]] = []
        casts: list[Awaitable[None]] = []
        for seg in self.local.segments:
            if "arp" in self.opt.probes and seg.network.version == 4:
                if arp.available():
                    arps.append(self._arp(seg))
                else:
                    self.note(
                        "ARP sweep skipped: it needs root (CAP_NET_RAW); "
                        "local hosts are found over TCP instead"
                    )
            if seg.network.version == 4 and self.udp_probes:
                casts.append(self._multicast(seg))
        return asyncio.gather(*casts), asyncio.gather(*arps)

    def note(self, text: str) -> None:
        if text not in self.summary.notes:
            self.summary.notes.append(text)

    def _in_scope_on(self, seg: netinfo.Segment) -> list[str]:
        ips: list[str] = []
        for net in self.scope.networks:
            if net.version != 4:
                continue
            lo, hi = max(net.first, seg.network.first), min(net.last, seg.network.last)
            for value in range(lo, hi + 1):
                ip = str(netaddr.IPAddress(value, 4))
                if ip != seg.address and self.scope.contains(ip):
                    ips.append(ip)
        return ips

    async def _arp(self, seg: netinfo.Segment) -> None:
        ips = self._in_scope_on(seg)
        if not ips:
            return

        def found_one(ip: str, mac: str) -> None:
            self.local.macs[ip] = mac
            self.arp_found.put_nowait(ip)

        try:
            found = await arp.sweep(
                ips, seg.interface, seg.address, self.limiter, on_found=found_one
            )
        except (OSError, PermissionError, RuntimeError) as err:
            self.note(f"ARP sweep on {seg.interface} failed ({err}); using TCP instead")
            return
        self.local.macs.update(found)
        self.local.arp_done.append(seg.network)

    async def _multicast(self, seg: netinfo.Segment) -> None:
        broadcast = str(seg.network.broadcast) if seg.network.broadcast else None

        async def one(probe: udp.UdpProbe) -> None:
            try:
                replies = await udp.local_multicast(
                    probe,
                    seg.address,
                    seg.interface,
                    broadcast,
                    self.limiter,
                    window=self.opt.multicast_window,
                    repeats=1 + self.opt.udp_retries,
                    max_bytes=self.opt.max_bytes,
                )
            except OSError as err:
                self.note(f"{probe.name} multicast on {seg.interface} failed: {err}")
                return
            seen: set[tuple[str, bytes]] = set()
            for data, src in replies:
                if (src, data) in seen or not self.scope.contains(src):
                    continue
                seen.add((src, data))
                self.local.udp[src].extend(
                    udp.observations(probe.name, src, data, probe.port, self.opt.max_bytes)
                )

        await asyncio.gather(*(one(p) for p in self.udp_probes.values()))
        self.local.multicast_done.append(seg.network)

    # -- phase B ------------------------------------------------------------------------
    async def run(self) -> ScanSummary:
        ticker = asyncio.create_task(self._ticker())
        try:
            self.routes = netinfo.Routes()
            self.find_segments()
            casts, arps = await self.discover_local()
            try:
                await self._sweep(self._addresses(casts, arps))
            finally:
                for fut in (casts, arps):
                    if not fut.done():
                        fut.cancel()
                await asyncio.gather(casts, arps, return_exceptions=True)
        finally:
            ticker.cancel()
            self.summary.packets_sent = self.limiter.sent
            self.summary.seconds = time.monotonic() - self.started
            self.phase = "done"
            if self.on_progress is not None:
                self.on_progress(self.progress())
        return self.summary

    async def _addresses(
        self, casts: asyncio.Future[list[None]], arps: asyncio.Future[list[None]]
    ) -> AsyncIterator[str]:
        """The scope's addresses, streamed: those off the local segments first (they need
        nothing from the local stage, so they are probed while it runs); then, once the
        multicast round is in, each local host as its ARP reply arrives; then the rest of
        the local addresses once ARP is done."""
        nets = [seg.network for seg in self.local.segments]
        for ip in self.scope.iter_hosts():
            if not self.local.on_segment(ip, nets):
                yield ip
        if not nets:
            return
        await casts
        self.phase = "hosts"
        started: set[str] = set()
        while True:
            if self.arp_found.empty():
                if arps.done():
                    break
                getter = asyncio.ensure_future(self.arp_found.get())
                waiters: set[asyncio.Future[Any]] = {getter, arps}
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
                if not getter.done():
                    getter.cancel()
                    continue
                ip = getter.result()
            else:
                ip = self.arp_found.get_nowait()
            if ip not in started:
                started.add(ip)
                yield ip
        arps.result()  # an ARP failure is recorded by _arp; anything else is raised here
        for ip in self.scope.iter_hosts():
            if ip not in started and self.local.on_segment(ip, nets):
                yield ip

    async def _sweep(self, addresses: AsyncIterator[str]) -> None:
        """Probe addresses with at most ``concurrency`` in flight (a bounded window)."""
        pending: set[asyncio.Task[None]] = set()
        window = _window(self.opt.concurrency, self.opt.per_host)
        try:
            async for ip in addresses:
                if len(pending) >= window:
                    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    for t in done:
                        t.result()
                pending.add(asyncio.create_task(self._address(ip)))
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for t in done:
                    t.result()
        finally:
            for t in pending:
                t.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    async def _address(self, ip: str) -> None:
        try:
            live = await self._live(ip)
            if live is None:
                return
            self.summary.live_hosts += 1
            result = await self._probe_host(live)
            self.summary.requests += result.requests
            await self.on_host(result)
        finally:
            self.summary.hosts_probed += 1

    async def _live(self, ip: str) -> LiveHost | None:
        """The sweep stage for one address: is it there (and its MAC, on a local segment)."""
        if not self.routes.reachable(ip):
            self.summary.no_route += 1
            if self.summary.no_route == 1:
                self.note(
                    "addresses with no route from this machine were skipped "
                    "(see `camscan scan --help`, --interface)"
                )
            return None
        obs: list[Observation] = list(self.local.udp.get(ip, []))
        mac = self.local.macs.get(ip)
        states: dict[int, str] = {}
        connects = 0
        if mac is not None:
            alive = True
        elif self.local.on_segment(ip, self.local.arp_done):
            alive = bool(obs)
        else:
            ports = [p for p in LIVENESS_PORTS if p in self.opt.ports] or list(self.opt.ports[:3])
            connects = len(ports)
            # At sweep level, in address order: never ahead of started hosts' plans.
            order = HostLimiter(self.limiter, self.hosts_started + 1)
            states = await tcp.sweep(ip, tuple(ports), order, self.opt.timeout, self.opt.per_host)
            alive = bool(obs) or any(s in (tcp.OPEN, tcp.CLOSED) for s in states.values())
        if not alive:
            return None
        return LiveHost(
            ip, mac, states, obs, self.local.on_segment(ip, self.local.multicast_done), connects
        )

    async def _probe_host(self, live: LiveHost) -> HostResult:
        """The per-host stage: the TCP sweep, then the plan, within the host's budget."""
        started = time.monotonic()
        obs = live.observations
        if live.mac:
            obs.insert(0, Observation(probe="arp", ip=live.ip, meta={"mac": live.mac}))
        self.hosts_started += 1
        limiter = HostLimiter(self.limiter, self.hosts_started)
        host = Host(
            live.ip,
            self.opt,
            limiter,
            dict(live.states),
            obs,
            live.multicast_reached,
            connects=live.connects,
        )
        host.args["local_mac"] = live.mac
        try:
            async with asyncio.timeout(self.opt.host_budget) as budget:
                limiter.budget = budget
                rest = tuple(p for p in self.opt.ports if p not in host.states)
                if rest:
                    host.connects += len(rest)
                    host.states.update(
                        await tcp.sweep(live.ip, rest, limiter, self.opt.timeout, self.opt.per_host)
                    )
                limiter.priority = PLAN  # the host's plan goes before new hosts' sweeps
                if "tcp" in self.opt.probes:
                    obs.extend(
                        Observation(probe="tcp", ip=live.ip, port=p, meta={"state": "open"})
                        for p in host.open_ports
                    )
                try:
                    await run_plan(host, self.judge)
                except (TimeoutError, asyncio.CancelledError):
                    raise
                except Exception as err:  # a probe's bug must not lose the scan
                    obs.append(
                        Observation.failed(
                            "scan",
                            live.ip,
                            f"internal error in a probe: {type(err).__name__}: {err}",
                        )
                    )
        except TimeoutError:
            obs.append(
                Observation.failed(
                    "scan",
                    live.ip,
                    f"host time budget of {self.opt.host_budget:.0f} s exhausted; "
                    "the probes still running were stopped (raise --host-budget)",
                )
            )
            if not any(o.probe == "plan" for o in obs):
                obs.append(
                    Observation(
                        probe="plan",
                        ip=live.ip,
                        meta={"requests": host.requests, "asked": host.asked, "why": "budget"},
                    )
                )
        mac = choose_mac(
            live.mac, [list(o.meta["hw_addresses"]) for o in obs if o.meta.get("hw_addresses")]
        )
        return HostResult(
            live.ip, mac, obs, started, time.monotonic(), host.requests, host.connects
        )


def _window(concurrency: int, per_host: int) -> int:
    """Addresses in flight: ``concurrency``, within what the open-files limit allows
    (each host holds up to ``per_host`` sockets; many systems default to 1,024 files)."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or hard > soft:
            want = hard if hard != resource.RLIM_INFINITY else 65536
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
            soft = want
    except (OSError, ValueError):
        soft = 1024
    return max(1, min(concurrency, (soft - 128) // (per_host + 1)))


def _overlap(a: netaddr.IPNetwork, b: netaddr.IPNetwork) -> bool:
    return bool(a.version == b.version and a.first <= b.last and b.first <= a.last)


async def run_scan(
    scope: Scope,
    options: ScanOptions,
    on_host: OnHost,
    on_progress: OnProgress | None = None,
    judge: Judge | None = None,
) -> ScanSummary:
    """Scan ``scope``; ``on_host`` is awaited once per live host as soon as it is done.
    ``judge`` (the fingerprint engine's verdict of an evidence document) lets each host's
    plan stop once settled; without it every host gets the bounded fallback."""
    return await Pipeline(scope, options, on_host, on_progress, judge).run()
