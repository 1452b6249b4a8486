"""One host's adaptive plan: cheap probes first, follow-ups only where evidence points.

Round 1 asks what every host of its kind gets: ``GET /`` on each open web port (one
same-host redirect hop followed: the landing page a browser would show), RTSP OPTIONS and
DESCRIBE on the first RTSP port, and, for a host that multicast did not reach (a routed
segment) and that has a camera-ish port open, unicast WS-Discovery (plus SADP when the
Hikvision SDK port 8000 is open, DHIP when the Dahua SDK port 37777 is).

Then the fingerprint engine reads what came (an evidence document, as for the final
verdict) and the plan asks only what can still change it:

* **settled** (a camera whose maker, model and firmware are known, and its MAC when it is
  behind a router; or a host the rules call no camera): stop; everything not asked is
  recorded as skipped with that reason;
* a **maker is hinted** (the verdict or any piece of evidence names one): the ONVIF device
  service when the host announced it over WS-Discovery (model, firmware, serial, MAC for
  every maker), that maker's own identification page (:data:`VENDOR_PATHS`) preceded by the
  port's catch-all canary, and its discovery protocol (SADP, DHIP) where multicast did not
  reach;
* **nothing hinted**: the bounded fallback, :data:`FALLBACK_PATHS` (the pages of the makers
  with the most installed units) after the canary, the favicon, the UPnP description, and
  unicast SSDP/mDNS on routed hosts.

A third round repeats this once for makers the second round newly hinted.  ``--thorough``
asks everything on every host.  What was asked, skipped and why becomes the host's
``plan`` observation (the evidence document's ``plan`` key, shown by ``camscan show``).

The catch-all canary (one path that cannot exist, once per web port that is asked a vendor
path) is recorded with ``meta["canary"]``; when it answers 200 the port answers every path
alike, so the blind fallback is not asked there (hinted follow-ups still are: their content,
not their status, is what rules read).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Iterable
from typing import Any
from urllib.parse import urlsplit

from camscan.discovery import onvif, wire
from camscan.discovery.host import Host
from camscan.discovery.records import Judge
from camscan.observations import Observation, evidence_document
from camscan.probes import REGISTRY, Probe
from camscan.protocols import ParseError
from camscan.protocols.http import favicon_of, parse_http_response

TLS_PORTS = frozenset({443, 8443, 7443})
# Ports that speak something other than HTTP (never sent a GET).
NOT_HTTP = frozenset({21, 22, 23, 554, 8554, 10554, 7447, 8000, 34567, 37777, 37778})
# SDK ports that name a maker by themselves being open (docs/fingerprints.md, "ports.open"):
# Hikvision's SDK on 8000, Dahua's on 37777, Xiongmai's DVR-IP on 34567.
PORT_HINTS = {8000: "Hikvision", 37777: "Dahua", 34567: "Xiongmai"}
# Discovery protocols a maker answers: SADP (Hikvision), DHIP (Dahua); docs/probes.md cites
# the public captures of each.
UDP_HINTS = {"Hikvision": "sadp", "Dahua": "dahua"}
RTSP_PORTS = (554, 8554, 10554, 7447)
FAVICON = "/favicon.ico"
SSDP_DESCRIPTION_BYTES = 32 * 1024

# Each maker's identification page, served without login (a 401 with its realm is evidence
# too); asked only when evidence hints that maker (docs/probes.md lists the sources).
VENDOR_PATHS: dict[str, tuple[str, ...]] = {
    "Hikvision": ("/ISAPI/System/deviceInfo",),  # ISAPI deviceInfo XML
    "Dahua": ("/cgi-bin/magicBox.cgi?action=getDeviceType",),  # CGI key=value lines
    "Axis": ("/axis-cgi/basicdeviceinfo.cgi",),  # VAPIX Basic device information
    "Hanwha": ("/stw-cgi/system.cgi?msubmenu=deviceinfo&action=view",),  # SUNAPI
    "Uniview": ("/LAPI/V1.0/System/DeviceInfo",),  # LAPI
}
# Asked only with --thorough: they repeat what the pages above and `/` already show.
THOROUGH_PATHS = ("/doc/page/login.asp", "/RPC2_Login")
# Every identification page, in the order the pre-plan probe asked them (docs, tests).
ALL_VENDOR_PATHS = (
    THOROUGH_PATHS[0],
    VENDOR_PATHS["Hikvision"][0],
    VENDOR_PATHS["Dahua"][0],
    THOROUGH_PATHS[1],
    VENDOR_PATHS["Axis"][0],
    VENDOR_PATHS["Hanwha"][0],
    VENDOR_PATHS["Uniview"][0],
)
# The bounded fallback when nothing hints a maker: the three pages whose content names the
# largest installed base (Hikvision, Dahua and their white labels; Axis).
FALLBACK_PATHS = (
    VENDOR_PATHS["Hikvision"][0],
    VENDOR_PATHS["Dahua"][0],
    VENDOR_PATHS["Axis"][0],
)


def canary_path() -> str:
    """A path no device serves (random per port, so no server can special-case it)."""
    return f"/camscan-canary-{secrets.token_hex(4)}"


# -- helpers ---------------------------------------------------------------------------------


def web_ports(host: Host) -> list[int]:
    return [p for p in host.open_ports if p not in NOT_HTTP]


def _answering_web_ports(host: Host) -> list[int]:
    """Web ports whose first page came in time (follow-ups go only there)."""
    slow: set[int] = host.args.get("slow_ports", set())
    return [p for p in web_ports(host) if p not in slow]


def _camera_ish(host: Host) -> bool:
    """A port a camera, NVR or DVR answers on is open (so discovery is worth a datagram)."""
    ports = host.open_ports
    return bool(web_ports(host)) or any(p in RTSP_PORTS or p in PORT_HINTS for p in ports)


def _status(raw: bytes) -> int | None:
    if not raw.startswith((b"HTTP/", b"RTSP/")):
        return None
    parts = raw[:32].split(None, 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def _enabled(host: Host, name: str) -> bool:
    return name in host.opt.probes


async def _get(
    host: Host,
    port: int,
    path: str,
    *,
    tls: bool,
    why: str,
    want_cert: bool = False,
    max_bytes: int | None = None,
    meta: dict[str, Any] | None = None,
) -> tuple[Observation, str | None]:
    host.count()
    host.ask(f"http:{port}{path} ({why})")
    obs, pem = await wire.http_get(
        host.ip,
        port,
        path,
        tls=tls,
        limiter=host.limiter,
        timeout=host.opt.timeout,
        max_bytes=max_bytes or host.opt.max_bytes,
        want_cert=want_cert,
    )
    if meta:
        obs = Observation(
            probe=obs.probe,
            ip=obs.ip,
            port=obs.port,
            raw=obs.raw,
            truncated=obs.truncated,
            meta={**obs.meta, **meta},
            error=obs.error,
        )
    return obs, pem


def _same_host_location(
    host: Host, raw: bytes, port: int, tls: bool
) -> tuple[int, str, bool] | None:
    """Where a 3xx reply points, when that is this host: (port, path, tls)."""
    status = _status(raw)
    if status not in (301, 302, 303, 307, 308):
        return None
    try:
        loc = parse_http_response(raw).message.get("Location")
    except ParseError:
        return None
    if not loc:
        return None
    parts = urlsplit(loc.strip())
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.hostname != host.ip:
        return None  # never follow an address elsewhere
    new_tls = parts.scheme == "https" if parts.scheme else tls
    try:
        new_port = parts.port or ((443 if new_tls else 80) if parts.netloc else port)
    except ValueError:
        return None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or (new_port, path) == (port, "/"):
        return None
    return new_port, path, new_tls


# -- round 1 entry points (registry: http, rtsp) ---------------------------------------------


async def http_first(host: Host, probe: Probe) -> list[Observation]:
    """``GET /`` on every open web port (certificate kept), one same-host redirect hop."""
    out: list[Observation] = []

    async def one(port: int) -> None:
        tls = port in TLS_PORTS
        first, pem = await _get(host, port, "/", tls=tls, why="first page", want_cert=True)
        out.append(first)
        if first.error and (not first.raw or "budget" in first.error):
            # Silent, or a reply that dribbled in until the time budget (a tarpit): asking
            # this port more would only spend the host's budget.
            host.args.setdefault("slow_ports", set()).add(port)
            host.skip(f"http:{port} follow-ups: its first page {first.error}")
            return
        if tls and pem:
            out.append(Observation(probe="tls", ip=host.ip, port=port, meta={"pem": pem}))
        hop = _same_host_location(host, first.raw, port, tls) if first.raw else None
        if hop is not None:
            p2, path, tls2 = hop
            page, _ = await _get(
                host, p2, path, tls=tls2, why="redirect from /", meta={"redirect_from": "/"}
            )
            out.append(page)

    await asyncio.gather(*(one(p) for p in web_ports(host)))
    return out


async def rtsp_first(host: Host, probe: Probe) -> list[Observation]:
    """RTSP OPTIONS + DESCRIBE on the first open RTSP port (every one when thorough)."""
    from camscan.discovery import rtsp

    ports = [p for p in host.open_ports if p in probe.ports]
    if not host.opt.thorough:
        if len(ports) > 1:
            host.skip(f"rtsp on {', '.join(map(str, ports[1:]))}: one RTSP port answers for all")
        ports = ports[:1]
    out: list[Observation] = []
    for port in ports:
        host.count(2)
        host.ask(f"rtsp:{port} OPTIONS, DESCRIBE")
        out.extend(
            await rtsp.probe(host.ip, port, host.limiter, host.opt.timeout, host.opt.max_bytes)
        )
    return out


# -- follow-ups ------------------------------------------------------------------------------


async def vendor_paths(
    host: Host, port: int, paths: Iterable[tuple[str, str]], *, blind: bool
) -> list[Observation]:
    """The canary (once per port), then ``paths`` ((path, why) pairs) on ``port``; blind
    fallback paths are not asked of a port whose canary answered 200 (catch-all)."""
    tls = port in TLS_PORTS
    out: list[Observation] = []
    canaries: dict[int, int | None] = host.args.setdefault("canary", {})
    if port not in canaries:
        obs, _ = await _get(
            host, port, canary_path(), tls=tls, why="catch-all canary", meta={"canary": True}
        )
        out.append(obs)
        canaries[port] = _status(obs.raw)
        if obs.error and not obs.raw:
            return out  # the port stopped answering: leave it alone
    if blind and canaries[port] == 200:
        host.skip(f"http:{port} fallback paths: the canary answered 200 (catch-all server)")
        return out
    for path, why in paths:
        obs, _ = await _get(host, port, path, tls=tls, why=why)
        if path == FAVICON:
            digest = favicon_of(obs.raw)
            if digest is None:
                continue  # no favicon: nothing worth keeping
            obs = Observation(
                probe="http",
                ip=host.ip,
                port=port,
                raw=obs.raw,
                truncated=obs.truncated,
                meta={**obs.meta, "favicon_mmh3": digest},
                error=obs.error,
            )
        out.append(obs)
        if obs.error and not obs.raw:
            break  # the server stopped answering: leave it alone
    return out


def _onvif_urls(host: Host) -> list[str]:
    """Device service URLs to ask: the host's own XAddrs, else the usual path on 80."""
    urls: list[str] = []
    announced = False
    for o in host.obs:
        if o.probe != "wsdiscovery" or not o.raw:
            continue
        announced = True
        for url in onvif.xaddrs(o.raw):
            try:
                name = urlsplit(url).hostname
            except ValueError:
                continue
            if name == host.ip and url not in urls:  # never follow an address elsewhere
                urls.append(url)
    if not urls and announced:
        for port in (80, 8899, 8080):
            if port in host.open_ports:
                urls.append(f"http://{host.ip}:{port}/onvif/device_service")
                break
    return urls[:1] if not host.opt.thorough else urls[:2]


async def _onvif(host: Host, url: str, why: str) -> list[Observation]:
    host.ask(f"onvif {url} ({why})")
    return await onvif.probe_url(host, url)


async def _ssdp_description(host: Host, why: str) -> list[Observation]:
    """Fetch the UPnP description the SSDP reply's LOCATION names, only from this host."""
    for i, o in enumerate(host.obs):
        if o.probe != "ssdp" or not o.raw or "description" in o.meta:
            continue
        location = None
        for line in o.raw.replace(b"\r\n", b"\n").split(b"\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"location":
                location = value.strip().decode("latin-1")
                break
        if not location:
            continue
        parts = urlsplit(location)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            continue
        if parts.hostname != host.ip or parts.scheme not in ("http", "https"):
            continue
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        page, _ = await _get(
            host,
            port,
            path,
            tls=parts.scheme == "https",
            why=why,
            max_bytes=SSDP_DESCRIPTION_BYTES,
        )
        meta: dict[str, Any] = dict(o.meta)
        if page.raw:
            try:
                meta["description"] = parse_http_response(page.raw).message.body
            except ParseError as err:
                meta["description_error"] = str(err)[:200]
        if page.error:
            meta["description_error"] = page.error
        host.obs[i] = Observation(
            probe=o.probe,
            ip=o.ip,
            port=o.port,
            raw=o.raw,
            truncated=o.truncated,
            meta=meta,
            error=o.error,
        )
        return []  # one description per host is enough
    return []


async def _udp(host: Host, name: str, why: str) -> list[Observation]:
    entry = next((p for p in REGISTRY if p.name == name), None)
    if entry is None or not _enabled(host, name) or host.answered(entry.key):
        return []
    if host.multicast_reached:
        return []  # the multicast round asked it already
    host.ask(f"{name} unicast ({why})")
    return await entry.entry_point()(host, entry)


# -- the plan --------------------------------------------------------------------------------


def settled(verdict: dict[str, Any], host: Host) -> str | None:
    """Why nothing more is worth asking, or None."""
    if verdict.get("device_type") == "not_camera":
        return f"not a camera ({verdict.get('manufacturer') or 'ordinary host'})"
    if not verdict.get("is_camera") or not verdict.get("manufacturer"):
        return None
    if not verdict.get("model") or not verdict.get("firmware"):
        return None
    if not verdict.get("mac") and not host.args.get("local_mac"):
        return None  # behind a router: identity needs the MAC the device reports
    return f"{verdict['manufacturer']} {verdict['model']} firmware {verdict['firmware']}"


def hinted(verdict: dict[str, Any], host: Host) -> dict[str, str]:
    """Makers the evidence so far points to -> the strongest reason."""
    out: dict[str, str] = {}
    maker = verdict.get("manufacturer")
    if isinstance(maker, str):
        out[maker] = "verdict"
    for e in verdict.get("evidence") or []:
        a = e.get("asserts") or {}
        m = a.get("manufacturer")
        if isinstance(m, str) and m not in out:
            out[m] = f"{e.get('field')} = {str(e.get('value'))[:40]}"
    for port, m in PORT_HINTS.items():
        if port in host.open_ports and m not in out:
            out[m] = f"port {port} open"
    return out


def _source_port(verdict: dict[str, Any], maker: str, ports: list[int]) -> int | None:
    """The web port whose evidence hinted ``maker`` (else the first web port)."""
    for e in verdict.get("evidence") or []:
        if (e.get("asserts") or {}).get("manufacturer") != maker:
            continue
        src = str(e.get("source") or "")
        if src.startswith("http:"):
            num = src[5:].split("/", 1)[0]
            if num.isdigit() and int(num) in ports:
                return int(num)
    return ports[0] if ports else None


class Planner:
    """Runs one host's plan; ``judge`` is the engine (None: no engine, ask the fallback)."""

    def __init__(self, host: Host, judge: Judge | None) -> None:
        self.host = host
        self.judge = judge
        self.asked_makers: set[str] = set()
        self.rounds = 0
        self.settled_reason: str | None = None
        self.sem = asyncio.Semaphore(host.opt.per_host)

    async def _gather(self, jobs: list[Awaitable[list[Observation]]]) -> None:
        async def bounded(job: Awaitable[list[Observation]]) -> None:
            async with self.sem:
                self.host.obs.extend(await job)

        await asyncio.gather(*(bounded(j) for j in jobs))

    def _verdict(self) -> dict[str, Any]:
        if self.judge is None:
            return {}
        doc = evidence_document(self.host.ip, self.host.obs, mac=self.host.args.get("local_mac"))
        try:
            return self.judge(doc)
        except Exception as err:  # a planner must not lose the host over the engine
            self.host.skip(f"engine failed while planning: {type(err).__name__}")
            return {}

    async def run(self) -> None:
        host = self.host
        self.rounds = 1
        await self._gather(self._first_round())
        if host.opt.thorough:
            self.rounds = 2
            await self._gather(self._everything())
            self.settled_reason = "--thorough: everything asked"
            return
        for round_no in (2, 3):
            verdict = self._verdict()
            reason = settled(verdict, host)
            if reason:
                self.settled_reason = f"settled after round {round_no - 1}: {reason}"
                host.skip(f"every further probe: {self.settled_reason}")
                return
            jobs = self._follow_ups(verdict, fallback_allowed=round_no == 2)
            if not jobs:
                break
            self.rounds = round_no
            await self._gather(jobs)
        if self.settled_reason is None:
            reason = settled(self._verdict(), host)
            self.settled_reason = (
                f"settled after round {self.rounds}: {reason}"
                if reason
                else f"not settled after {self.rounds} rounds; the bounded follow-ups are spent"
            )

    def _first_round(self) -> list[Awaitable[list[Observation]]]:
        host = self.host
        jobs: list[Awaitable[list[Observation]]] = []
        for p in REGISTRY:
            if p.when != "first" or not p.run or not _enabled(host, p.name):
                continue
            if p.transport == "udp":
                if host.multicast_reached or host.answered(p.key):
                    continue
                if not _camera_ish(host) and not host.opt.thorough:
                    host.skip(f"{p.name} unicast: no camera port open")
                    continue
                host.ask(f"{p.name} unicast (first round)")
            elif p.transport == "http":
                if not web_ports(host):
                    continue
            elif p.ports and not any(port in host.open_ports for port in p.ports):
                continue
            elif p.transport != "rtsp":  # RTSP and HTTP say themselves what they ask
                host.ask(f"{p.name} (first round)")
            jobs.append(p.entry_point()(host, p))
        # A discovery protocol the open SDK port names: cheap, and it carries the MAC.
        for port, maker in PORT_HINTS.items():
            name = UDP_HINTS.get(maker)
            if name and port in host.open_ports:
                jobs.append(_udp(host, name, f"port {port} open"))
        if _enabled(host, "snmp") and host.opt.snmp_community:
            entry = next(p for p in REGISTRY if p.name == "snmp")
            host.ask("snmp (community given)")
            jobs.append(entry.entry_point()(host, entry))
        return jobs

    def _follow_ups(
        self, verdict: dict[str, Any], *, fallback_allowed: bool
    ) -> list[Awaitable[list[Observation]]]:
        host = self.host
        jobs: list[Awaitable[list[Observation]]] = []
        ports = _answering_web_ports(host)
        if _enabled(host, "onvif") and not host.args.get("onvif_asked"):
            urls = _onvif_urls(host)
            if urls:
                host.args["onvif_asked"] = True
                jobs.extend(_onvif(host, u, "announced over WS-Discovery") for u in urls)
        makers = {m: why for m, why in hinted(verdict, host).items() if m not in self.asked_makers}
        by_port: dict[int, list[tuple[str, str]]] = {}
        for maker, why in makers.items():
            self.asked_makers.add(maker)
            if maker in UDP_HINTS:
                jobs.append(_udp(host, UDP_HINTS[maker], f"{maker} hint: {why}"))
            paths = VENDOR_PATHS.get(maker, ())
            port = _source_port(verdict, maker, ports)
            if paths and port is not None and _enabled(host, "http"):
                by_port.setdefault(port, []).extend((p, f"{maker} hint: {why}") for p in paths)
        for port, asks in by_port.items():
            jobs.append(vendor_paths(host, port, asks, blind=False))
        if not makers and fallback_allowed:
            if ports and _enabled(host, "http"):
                fallback = [(p, "fallback: no maker hinted") for p in FALLBACK_PATHS]
                fallback.append((FAVICON, "fallback: favicon hash"))
                jobs.append(vendor_paths(host, ports[0], fallback, blind=True))
            if _enabled(host, "ssdp"):
                jobs.append(_ssdp_description(host, "fallback: UPnP description"))
                if _camera_ish(host):
                    jobs.append(_udp(host, "ssdp", "fallback"))
            if _enabled(host, "mdns") and _camera_ish(host):
                jobs.append(_udp(host, "mdns", "fallback"))
            for p in REGISTRY:  # probes added to the registry as follow-ups
                if p.when == "follow-up" and p.run and p.transport not in ("udp", "soap"):
                    if _enabled(host, p.name) and (
                        not p.ports or any(x in host.open_ports for x in p.ports)
                    ):
                        jobs.append(p.entry_point()(host, p))
            if jobs:
                self.asked_makers.add("")  # the fallback is asked once
        elif makers:
            skipped = sorted(set(VENDOR_PATHS) - self.asked_makers)
            if skipped and fallback_allowed:
                host.skip(
                    f"vendor paths of {', '.join(skipped)}: evidence points to "
                    f"{', '.join(sorted(makers))}"
                )
        return jobs

    def _everything(self) -> list[Awaitable[list[Observation]]]:
        host = self.host
        jobs: list[Awaitable[list[Observation]]] = []
        ports = _answering_web_ports(host)
        seen_tls: set[bool] = set()
        if _enabled(host, "http"):
            for port in ports:
                tls = port in TLS_PORTS
                paths: list[tuple[str, str]] = []
                if tls not in seen_tls:
                    seen_tls.add(tls)
                    for maker, ps in VENDOR_PATHS.items():
                        paths.extend((p, f"--thorough: {maker}") for p in ps)
                    paths.extend((p, "--thorough") for p in THOROUGH_PATHS)
                paths.append((FAVICON, "--thorough: favicon hash"))
                jobs.append(vendor_paths(host, port, paths, blind=False))
        for name in ("sadp", "dahua", "ssdp", "mdns"):
            jobs.append(_udp(host, name, "--thorough"))
        if _enabled(host, "ssdp"):
            jobs.append(_ssdp_description(host, "--thorough"))
        for p in REGISTRY:
            if p.when == "follow-up" and p.run and p.transport not in ("udp", "soap"):
                if _enabled(host, p.name):
                    jobs.append(p.entry_point()(host, p))
        return jobs

    async def run_onvif_after(self) -> None:
        """ONVIF in thorough mode runs after WS-Discovery unicast has answered."""
        if self.host.opt.thorough and _enabled(self.host, "onvif"):
            await self._gather([_onvif(self.host, u, "--thorough") for u in _onvif_urls(self.host)])

    def record(self) -> Observation:
        """The plan's observation: what was asked, skipped and why."""
        host = self.host
        return Observation(
            probe="plan",
            ip=host.ip,
            meta={
                "thorough": host.opt.thorough,
                "rounds": self.rounds,
                "requests": host.requests,
                "connects": host.connects,
                "seconds": round(time.monotonic() - host.started, 2),
                "why": self.settled_reason or "",
                "asked": host.asked[:64],
                "skipped": host.skipped[:32],
            },
        )


async def run_plan(host: Host, judge: Judge | None) -> Observation:
    """Run ``host``'s plan (observations land on ``host.obs``); returns the plan record."""
    planner = Planner(host, judge)
    try:
        await planner.run()
        await planner.run_onvif_after()
    finally:
        host.obs.append(planner.record())
    return host.obs[-1]
