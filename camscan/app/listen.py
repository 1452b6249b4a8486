"""One listening session: the receive-only socket into the decoder, with a live tally.

:func:`listen` is what `camscan listen` and bench/listen.py run: it reads frames from
:class:`~camscan.passive.capture.LiveCapture` until the duration ends or the caller's
``stop()`` says so (Ctrl-C), feeds them to the decoder, optionally writes the in-scope
frames to a pcap, and every ``interval`` seconds identifies the hosts that said something
new, so the progress line can say how many cameras and which makers it has seen.  Nothing
here sends a packet.  :func:`fetch_descriptions` (opt-in, after the capture) is the one
exception, and it only asks in-scope devices for the UPnP description their own SSDP
messages named.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from camscan.observations import Observation, evidence_document
from camscan.passive.capture import LiveCapture, write_pcap_header, write_pcap_record
from camscan.passive.decoder import (
    DHCP_PORTS,
    HostRecord,
    InScope,
    Limits,
    PassiveDecoder,
    description_target,
)
from camscan.passive.packets import Malformed, decode

if TYPE_CHECKING:
    from camscan.fingerprint.engine import Engine

MAX_DESCRIPTIONS = 256  # UPnP descriptions fetched after one session, at most
MAX_PCAP_BYTES = 2 << 30  # --write-pcap stops writing past 2 GiB (the session goes on)


@dataclass
class Tally:
    """What a session has found so far (the progress line)."""

    seconds: float = 0.0
    packets: int = 0
    dropped: int = 0  # frames the kernel dropped (the socket's buffer was full)
    pcap_bytes: int = 0  # written with --write-pcap
    pcap_full: bool = False  # --write-pcap reached MAX_PCAP_BYTES and stopped writing
    hosts: int = 0
    cameras: dict[str, str] = field(default_factory=dict)  # ip -> maker ("" unknown)

    @property
    def makers(self) -> Counter[str]:
        return Counter(m or "unknown" for m in self.cameras.values())

    def line(self, interface: str, remaining: float | None) -> str:
        makers = ", ".join(f"{k} {v}" for k, v in self.makers.most_common(4))
        left = f", {remaining:.0f} s left" if remaining is not None else ""
        return (
            f"listening on {interface}: {self.packets:,} packets, {self.hosts:,} hosts, "
            f"{len(self.cameras):,} cameras" + (f" ({makers})" if makers else "") + left
        )


def identify_changed(decoder: PassiveDecoder, engine: Engine, tally: Tally) -> None:
    """Identify the hosts with something new; update the tally's cameras."""
    from camscan.app.identify import identify_document

    for host in decoder.changed():
        verdict = identify_document(engine, document(host))
        if verdict.is_camera:
            tally.cameras[host.ip] = verdict.manufacturer or ""
        else:
            tally.cameras.pop(host.ip, None)
    tally.hosts = sum(1 for h in decoder.hosts.values() if h.observations)


def document(host: HostRecord) -> dict[str, Any]:
    return evidence_document(host.ip, host.observations, mac=host.mac)


def _frame_in_scope(frame: bytes, in_scope: InScope) -> bool:
    try:
        pkt = decode(1, frame)
    except Malformed:
        return False
    if pkt is None:
        return False
    if pkt.arp is not None:
        return in_scope(pkt.arp.sender_ip) or in_scope(pkt.arp.target_ip)
    if {pkt.sport, pkt.dport} <= DHCP_PORTS:
        return True  # a client without an address yet: the decoder ties it by MAC
    return in_scope(pkt.src) or in_scope(pkt.dst)


def listen(
    interface: str,
    in_scope: InScope,
    *,
    duration: float | None,
    engine: Engine | None = None,
    stop: Callable[[], bool] = lambda: False,
    on_tick: Callable[[Tally, float | None], None] | None = None,
    interval: float = 2.0,
    write_pcap: Path | None = None,
    limits: Limits | None = None,
    on_start: Callable[[], None] | None = None,
) -> tuple[PassiveDecoder, Tally]:
    """Listen on ``interface`` for ``duration`` seconds (None: until ``stop()``); the
    decoder (flows finished) and the final tally.  OSError when the socket cannot open;
    ``on_start`` is called once it is open."""
    decoder = PassiveDecoder(in_scope, limits)
    tally = Tally()
    started = time.monotonic()
    deadline = started + duration if duration is not None else None
    out: BinaryIO | None = None
    last = started

    def over() -> bool:
        return stop() or (deadline is not None and time.monotonic() >= deadline)

    with LiveCapture(interface) as cap:
        if write_pcap is not None:
            out = write_pcap.open("wb")
            write_pcap_header(out)
        if on_start is not None:
            on_start()  # the socket is open: from here on, every frame is read
        try:
            for frame in cap.frames(over):
                if frame is not None:
                    decoder.feed(frame.linktype, frame.data, frame.ts)
                    if out is not None and _frame_in_scope(frame.data, in_scope):
                        if tally.pcap_bytes + len(frame.data) + 16 > MAX_PCAP_BYTES:
                            tally.pcap_full = True
                            out.close()
                            out = None
                        else:
                            write_pcap_record(out, frame.data, frame.ts or time.time())
                            tally.pcap_bytes += len(frame.data) + 16
                now = time.monotonic()
                if now - last >= interval:
                    last = now
                    tally.packets, tally.seconds = decoder.stats.packets, now - started
                    if engine is not None:
                        identify_changed(decoder, engine, tally)
                    if on_tick is not None:
                        on_tick(tally, None if deadline is None else max(0.0, deadline - now))
        finally:
            tally.dropped = cap.drops()
            if out is not None:
                out.close()
    decoder.finish()
    tally.packets, tally.seconds = decoder.stats.packets, time.monotonic() - started
    if engine is not None:
        identify_changed(decoder, engine, tally)
    return decoder, tally


def fetch_descriptions(decoder: PassiveDecoder, *, timeout: float = 3.0, rate: float = 20.0) -> int:
    """GET the UPnP description each in-scope host's own SSDP message named (one per host,
    only from that host, at most :data:`MAX_DESCRIPTIONS`); the number fetched."""
    import asyncio

    from camscan.discovery import wire
    from camscan.discovery.plan import SSDP_DESCRIPTION_BYTES
    from camscan.discovery.ratelimit import RateLimiter
    from camscan.protocols import ParseError
    from camscan.protocols.http import parse_http_response

    jobs: list[tuple[HostRecord, int, int, str, bool]] = []
    for host in decoder.hosts.values():
        if not decoder.in_scope(host.ip):
            continue
        for i, o in enumerate(host.observations):
            target = description_target(host.ip, o)
            if target is not None:
                jobs.append((host, i, *target))
                break
    jobs = jobs[:MAX_DESCRIPTIONS]

    async def run() -> int:
        limiter = RateLimiter(rate)
        done = 0

        async def one(job: tuple[HostRecord, int, int, str, bool]) -> None:
            nonlocal done
            host, i, port, path, tls = job
            page, _ = await wire.http_get(
                host.ip,
                port,
                path,
                tls=tls,
                limiter=limiter,
                timeout=timeout,
                max_bytes=SSDP_DESCRIPTION_BYTES,
            )
            o = host.observations[i]
            meta: dict[str, Any] = dict(o.meta)
            if page.raw:
                try:
                    meta["description"] = parse_http_response(page.raw).message.body
                    done += 1
                except ParseError as err:
                    meta["description_error"] = str(err)[:200]
            if page.error:
                meta["description_error"] = page.error
            host.observations[i] = Observation(
                o.probe, o.ip, o.port, o.raw, o.truncated, meta, o.error
            )

        await asyncio.gather(*(one(j) for j in jobs))
        return done

    return asyncio.run(run()) if jobs else 0
