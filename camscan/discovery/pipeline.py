"""The scan pipeline: which addresses are alive, and everything each live host says.

Phase A, on each local segment that overlaps the scope (layer 2 reaches it): an ARP sweep
(scapy, needs CAP_NET_RAW) and one multicast round of every UDP discovery protocol
(WS-Discovery, SADP, Dahua, SSDP, mDNS), sent from our address on that interface only.
Replies from addresses outside the scope are dropped.

Phase B streams the scope's addresses (never materialising them all): an address with no
route is skipped; a local-segment address is alive when it answered ARP or multicast; any
other address is alive when a TCP connect to one of a few ports is accepted or refused.
Each live host then gets, within its time budget and a cap of concurrent probes: the TCP
sweep, the unicast UDP probes it has not answered yet (this is how routed segments are
found), RTSP, HTTP/HTTPS with the vendor paths and favicon, the TLS certificate, the ONVIF
device service and SNMP when a community is given.  The host is handed to ``on_host`` as
soon as it is done, so an interrupted scan keeps every finished host.

Every packet and connection goes through one :class:`RateLimiter`; every await has a
timeout; every reply is kept (capped) as an :class:`Observation`, failures included.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import netaddr

from camscan.config import DEFAULT_PORTS, MAX_OBSERVATION_BYTES
from camscan.discovery import arp, messages, netinfo, onvif, rtsp, snmp, tcp, udp
from camscan.discovery import http as web
from camscan.discovery.mdns import records as mdns_records
from camscan.discovery.ratelimit import RateLimiter
from camscan.observations import Observation
from camscan.scope import Scope

ALL_PROBES = frozenset(
    ("arp", "tcp", "wsdiscovery", "sadp", "dahua", "ssdp", "mdns", "rtsp", "http", "onvif")
)
TLS_PORTS = frozenset({443, 8443, 7443})
# Ports that speak something other than HTTP (never sent a GET).
NOT_HTTP = frozenset({21, 22, 23, 554, 8554, 10554, 7447, 8000, 34567, 37777, 37778})
LIVENESS_PORTS = (80, 443, 554)  # tried first on addresses beyond the local segments
SSDP_DESCRIPTION_BYTES = 32 * 1024


@dataclass(frozen=True)
class ScanOptions:
    """How to scan: what the CLI's options become (the password never leaves memory)."""

    ports: tuple[int, ...] = DEFAULT_PORTS
    rate: float = 1000.0
    interface: str | None = None
    probes: frozenset[str] = ALL_PROBES
    timeout: float = 2.0
    host_budget: float = 30.0
    onvif_user: str | None = None
    onvif_password: str | None = field(default=None, repr=False)
    snmp_community: str | None = field(default=None, repr=False)
    concurrency: int = 128  # addresses in flight
    per_host: int = 6  # concurrent probes against one host
    udp_retries: int = 1
    multicast_window: float = 2.0
    max_bytes: int = MAX_OBSERVATION_BYTES


@dataclass
class HostResult:
    """One live host and everything it said."""

    ip: str
    mac: str | None
    observations: list[Observation]
    started: float = 0.0
    finished: float = 0.0


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
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


OnHost = Callable[[HostResult], Awaitable[None]]
OnProgress = Callable[[Progress], None]


@dataclass
class _Local:
    """What phase A learnt on the local segments."""

    segments: list[netinfo.Segment] = field(default_factory=list)
    arp_done: list[netaddr.IPNetwork] = field(default_factory=list)
    macs: dict[str, str] = field(default_factory=dict)
    udp: dict[str, list[Observation]] = field(default_factory=lambda: defaultdict(list))
    multicast_done: list[netaddr.IPNetwork] = field(default_factory=list)

    def on_segment(self, ip: str, nets: list[netaddr.IPNetwork]) -> bool:
        addr = netaddr.IPAddress(ip)
        return any(addr.version == n.version and addr in n for n in nets)


class Pipeline:
    """One scan's state: the limiter, the HTTP client, counters."""

    def __init__(
        self, scope: Scope, options: ScanOptions, on_host: OnHost, on_progress: OnProgress | None
    ) -> None:
        self.scope = scope
        self.opt = options
        self.on_host = on_host
        self.on_progress = on_progress
        self.limiter = RateLimiter(options.rate)
        self.summary = ScanSummary(hosts_total=scope.size)
        self.local = _Local()
        self.started = time.monotonic()
        self.phase = "starting"
        self.udp_probes = {p.name: p for p in messages.probes(options.probes)}

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
    async def discover_local(self) -> None:
        self.phase = "local segments"
        self.local.segments = [
            seg
            for seg in netinfo.local_segments(self.opt.interface)
            if any(_overlap(seg.network, n) for n in self.scope.networks)
        ]
        tasks: list[Awaitable[None]] = []
        for seg in self.local.segments:
            if "arp" in self.opt.probes and seg.network.version == 4:
                if arp.available():
                    tasks.append(self._arp(seg))
                else:
                    self.note(
                        "ARP sweep skipped: it needs root (CAP_NET_RAW); "
                        "local hosts are found over TCP instead"
                    )
            if seg.network.version == 4 and self.udp_probes:
                tasks.append(self._multicast(seg))
        await asyncio.gather(*tasks)

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
        # ARP goes out at the scan's rate; account for it on the one limiter.
        self.limiter.sent += len(ips)
        try:
            found = await arp.sweep(ips, seg.interface, self.opt.rate)
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
                self.local.udp[src].extend(self._udp_observations(probe, src, data))

        await asyncio.gather(*(one(p) for p in self.udp_probes.values()))
        self.local.multicast_done.append(seg.network)

    def _udp_observations(self, probe: udp.UdpProbe, ip: str, data: bytes) -> list[Observation]:
        if probe.name == "mdns":
            recs = mdns_records(data)
            if not recs:
                return [
                    Observation.capped(
                        "mdns", ip, data, port=probe.port, error="mDNS reply could not be read"
                    )
                ]
            return [Observation.capped("mdns", ip, data, port=probe.port, meta=r) for r in recs]
        return [Observation.capped(probe.name, ip, data, port=probe.port, limit=self.opt.max_bytes)]

    # -- phase B ------------------------------------------------------------------------
    async def run(self) -> ScanSummary:
        ticker = asyncio.create_task(self._ticker())
        try:
            await self.discover_local()
            self.phase = "hosts"
            self.routes = netinfo.Routes()
            await self._sweep(self.scope.iter_hosts())
        finally:
            ticker.cancel()
            self.summary.packets_sent = self.limiter.sent
            self.summary.seconds = time.monotonic() - self.started
            self.phase = "done"
            if self.on_progress is not None:
                self.on_progress(self.progress())
        return self.summary

    async def _sweep(self, addresses: Iterator[str]) -> None:
        """Probe addresses with at most ``concurrency`` in flight (a bounded window)."""
        pending: set[asyncio.Task[None]] = set()
        try:
            for ip in addresses:
                if len(pending) >= self.opt.concurrency:
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
            if not self.routes.reachable(ip):
                self.summary.no_route += 1
                if self.summary.no_route == 1:
                    self.note(
                        "addresses with no route from this machine were skipped "
                        "(see `camscan scan --help`, --interface)"
                    )
                return
            started = time.monotonic()
            obs: list[Observation] = list(self.local.udp.get(ip, []))
            mac = self.local.macs.get(ip)
            ports: dict[int, str] = {}
            if self.local.on_segment(ip, self.local.arp_done):
                alive = mac is not None or bool(obs)
            else:
                ports = await self._liveness(ip)
                alive = bool(obs) or any(s in (tcp.OPEN, tcp.CLOSED) for s in ports.values())
            if not alive:
                return
            self.summary.live_hosts += 1
            if mac:
                obs.insert(0, Observation(probe="arp", ip=ip, meta={"mac": mac}))
            try:
                async with (
                    asyncio.timeout(self.opt.host_budget),
                    web.client(self.opt.timeout, self.opt.per_host) as http,
                ):
                    await self._host(http, ip, ports, obs)
            except TimeoutError:
                obs.append(
                    Observation(
                        probe="scan",
                        ip=ip,
                        error=f"host time budget of {self.opt.host_budget:.0f} s exhausted; "
                        "the probes still running were stopped (raise --host-budget)",
                    )
                )
            if mac is None:  # behind a router: the MAC the device itself reports over ONVIF
                mac = next(
                    (o.meta["hw_addresses"][0] for o in obs if o.meta.get("hw_addresses")), None
                )
            await self.on_host(HostResult(ip, mac, obs, started, time.monotonic()))
        finally:
            self.summary.hosts_probed += 1

    async def _liveness(self, ip: str) -> dict[int, str]:
        ports = [p for p in LIVENESS_PORTS if p in self.opt.ports] or list(self.opt.ports[:3])
        return await tcp.sweep(ip, tuple(ports), self.limiter, self.opt.timeout, self.opt.per_host)

    async def _host(
        self, http: httpx.AsyncClient, ip: str, known: dict[int, str], obs: list[Observation]
    ) -> None:
        """All probes of one live host; observations are appended as they complete."""
        rest = tuple(p for p in self.opt.ports if p not in known)
        states = dict(known)
        if rest:
            states.update(
                await tcp.sweep(ip, rest, self.limiter, self.opt.timeout, self.opt.per_host)
            )
        open_ports = sorted(p for p, s in states.items() if s == tcp.OPEN)
        if "tcp" in self.opt.probes:
            obs.extend(
                Observation(probe="tcp", ip=ip, port=p, meta={"state": "open"}) for p in open_ports
            )
        answered = {o.probe for o in obs}
        sem = asyncio.Semaphore(self.opt.per_host)

        async def bounded(coro: Awaitable[list[Observation]]) -> None:
            async with sem:
                obs.extend(await coro)

        jobs: list[Awaitable[None]] = []
        multicast_reached = self.local.on_segment(ip, self.local.multicast_done)
        for probe in self.udp_probes.values():
            if probe.name not in answered and not multicast_reached:
                jobs.append(bounded(self._udp_unicast(ip, probe)))
        if "rtsp" in self.opt.probes:
            for port in open_ports:
                if port in rtsp.RTSP_PORTS:
                    jobs.append(
                        bounded(
                            rtsp.probe(ip, port, self.limiter, self.opt.timeout, self.opt.max_bytes)
                        )
                    )
        if "http" in self.opt.probes:
            vendor = {False: True, True: True}  # vendor paths on the first port of each kind
            for port in open_ports:
                if port in NOT_HTTP:
                    continue
                tls = port in TLS_PORTS
                jobs.append(
                    bounded(
                        web.web_port(
                            http,
                            ip,
                            port,
                            tls=tls,
                            vendor_paths=vendor[tls],
                            limiter=self.limiter,
                            timeout=self.opt.timeout,
                            max_bytes=self.opt.max_bytes,
                        )
                    )
                )
                vendor[tls] = False
        if self.opt.snmp_community and "snmp" in self.opt.probes:
            jobs.append(bounded(self._snmp(ip, self.opt.snmp_community)))
        await asyncio.gather(*jobs)
        # Second round: what the first one revealed (SSDP description, ONVIF XAddrs).
        second: list[Awaitable[None]] = []
        for o in list(obs):
            if o.probe == "ssdp" and o.raw and "description" not in o.meta:
                second.append(self._ssdp_description(http, ip, o, obs))
        if "onvif" in self.opt.probes:
            for url in self._onvif_urls(ip, obs, open_ports):
                second.append(
                    bounded(
                        onvif.probe(
                            http,
                            ip,
                            url,
                            self.limiter,
                            user=self.opt.onvif_user,
                            password=self.opt.onvif_password,
                            timeout=self.opt.timeout,
                            max_bytes=self.opt.max_bytes,
                        )
                    )
                )
        await asyncio.gather(*second)

    async def _udp_unicast(self, ip: str, probe: udp.UdpProbe) -> list[Observation]:
        try:
            replies, _err = await udp.unicast(
                ip,
                probe,
                self.limiter,
                timeout=self.opt.timeout,
                retries=self.opt.udp_retries,
                max_bytes=self.opt.max_bytes,
            )
        except OSError as err:
            return [
                Observation(
                    probe=probe.name,
                    ip=ip,
                    port=probe.port,
                    error=f"{type(err).__name__}: {err}"[:200],
                )
            ]
        out: list[Observation] = []
        for data in replies[:16]:
            out.extend(self._udp_observations(probe, ip, data))
        return out  # silence is not an error: most hosts do not speak every protocol

    async def _snmp(self, ip: str, community: str) -> list[Observation]:
        await self.limiter.acquire()
        return [await snmp.probe(ip, community, self.opt.timeout, self.opt.udp_retries)]

    def _onvif_urls(self, ip: str, obs: list[Observation], open_ports: list[int]) -> list[str]:
        """Device service URLs to ask: the host's own XAddrs, else the usual path on 80."""
        urls: list[str] = []
        for o in obs:
            if o.probe != "wsdiscovery" or not o.raw:
                continue
            for url in onvif.xaddrs(o.raw):
                try:
                    host = httpx.URL(url).host
                except (httpx.InvalidURL, ValueError):
                    continue
                if host == ip and url not in urls:  # never follow an address elsewhere
                    urls.append(url)
        if not urls and any(o.probe == "wsdiscovery" and o.raw for o in obs):
            for port in (80, 8899, 8080):
                if port in open_ports:
                    urls.append(f"http://{ip}:{port}/onvif/device_service")
                    break
        return urls[:2]

    async def _ssdp_description(
        self, http: httpx.AsyncClient, ip: str, o: Observation, obs: list[Observation]
    ) -> None:
        """Fetch the UPnP description the reply's LOCATION names, only from the same host."""
        location = None
        for line in o.raw.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"location":
                location = value.strip().decode("latin-1")
                break
        if not location:
            return
        try:
            url = httpx.URL(location)
        except (httpx.InvalidURL, ValueError):
            return
        if url.host != ip or url.scheme not in ("http", "https"):
            return
        page, _ = await web.get(
            http,
            ip,
            url.port or 80,
            url.raw_path.decode("latin-1"),
            tls=url.scheme == "https",
            limiter=self.limiter,
            timeout=self.opt.timeout,
            max_bytes=SSDP_DESCRIPTION_BYTES,
        )
        meta: dict[str, Any] = dict(o.meta)
        if page.raw:
            body = page.raw.split(b"\r\n\r\n", 1)[-1]
            meta["description"] = body.decode("utf-8", "replace")
        if page.error:
            meta["description_error"] = page.error
        obs[obs.index(o)] = Observation(
            probe=o.probe,
            ip=o.ip,
            port=o.port,
            raw=o.raw,
            truncated=o.truncated,
            meta=meta,
            error=o.error,
        )


def _overlap(a: netaddr.IPNetwork, b: netaddr.IPNetwork) -> bool:
    return bool(a.version == b.version and a.first <= b.last and b.first <= a.last)


async def run_scan(
    scope: Scope, options: ScanOptions, on_host: OnHost, on_progress: OnProgress | None = None
) -> ScanSummary:
    """Scan ``scope``; ``on_host`` is awaited once per live host as soon as it is done."""
    return await Pipeline(scope, options, on_host, on_progress).run()
