"""UDP request/reply machinery shared by the discovery probes: unicast with retries, and
multicast/broadcast on one local segment with a bounded listening window."""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from camscan.discovery.ratelimit import PLAN, RateLimiter
from camscan.observations import Observation

if TYPE_CHECKING:
    from camscan.discovery.host import Host
    from camscan.probes import Probe

MAX_DATAGRAM = 65535


@dataclass(frozen=True)
class UdpProbe:
    """What one discovery protocol sends, and where."""

    name: str  # observation probe name: wsdiscovery | sadp | dahua_discovery | ssdp | mdns
    port: int
    group: str | None  # multicast group for the local segment, or None
    broadcast: bool  # also send to the segment's broadcast address
    payload: bytes


class _Collector(asyncio.DatagramProtocol):
    def __init__(self, limit_bytes: int) -> None:
        self.replies: list[tuple[bytes, str]] = []
        self.event = asyncio.Event()
        self.limit_bytes = limit_bytes
        self.error: str | None = None

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if len(self.replies) < 4096:  # a flood of replies is not allowed to grow memory
            self.replies.append((data[: self.limit_bytes], str(addr[0])))
            self.event.set()

    def error_received(self, exc: Exception) -> None:
        self.error = f"{type(exc).__name__}: {exc}"
        self.event.set()


async def unicast(
    ip: str,
    probe: UdpProbe,
    limiter: RateLimiter,
    *,
    timeout: float,
    retries: int,
    max_bytes: int,
    grace: float = 0.3,
    sent: list[int] | None = None,
) -> tuple[list[bytes], str | None]:
    """Send ``probe`` to ``ip`` (retrying), return the replies from ``ip`` and any error;
    ``sent[0]`` becomes the number of datagrams sent."""
    sent = sent if sent is not None else [0]
    loop = asyncio.get_running_loop()
    fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
    transport, proto = await loop.create_datagram_endpoint(
        lambda: _Collector(max_bytes),
        family=fam,
        remote_addr=None,
        local_addr=None if fam == socket.AF_INET6 else ("0.0.0.0", 0),
    )
    try:
        for attempt in range(retries + 1):
            await limiter.acquire()
            sent[0] = attempt + 1
            transport.sendto(probe.payload, (ip, probe.port))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                proto.event.clear()
                try:
                    await asyncio.wait_for(proto.event.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
                if any(src == ip for _, src in proto.replies):
                    await asyncio.sleep(grace)  # some devices send more than one datagram
                    return [d for d, src in proto.replies if src == ip], None
                if proto.error:
                    return [], proto.error
        return [], f"no reply after {retries + 1} tries of {timeout:.1f} s"
    finally:
        transport.close()


async def local_multicast(
    probe: UdpProbe,
    source_ip: str,
    interface: str,
    broadcast_ip: str | None,
    limiter: RateLimiter,
    *,
    window: float,
    repeats: int,
    max_bytes: int,
) -> list[tuple[bytes, str]]:
    """Send ``probe`` to its group (and the segment broadcast) from ``source_ip`` on
    ``interface`` only; listen ``window`` seconds; return (reply, source ip) pairs."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, interface.encode() + b"\0")
        except OSError:
            pass  # without CAP_NET_RAW the source address and multicast interface still pin it
        sock.bind((source_ip, 0))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(source_ip))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    loop = asyncio.get_running_loop()
    transport, proto = await loop.create_datagram_endpoint(lambda: _Collector(max_bytes), sock=sock)
    try:
        dests = [d for d in (probe.group, broadcast_ip if probe.broadcast else None) if d]
        for _ in range(max(1, repeats)):
            for dest in dests:
                await limiter.acquire(1, PLAN)  # a few datagrams the local hosts wait for
                transport.sendto(probe.payload, (dest, probe.port))
            await asyncio.sleep(min(0.25, window / 4))
        await asyncio.sleep(window)
        return list(proto.replies)
    finally:
        transport.close()


def observations(key: str, ip: str, data: bytes, port: int, max_bytes: int) -> list[Observation]:
    """One reply as observations (mDNS: one per service record)."""
    if key == "mdns":
        from camscan.discovery.mdns import records

        recs = records(data)
        if not recs:
            return [
                Observation.capped(
                    "mdns", ip, data, port=port, error="mDNS reply could not be read"
                )
            ]
        return [Observation.capped("mdns", ip, data, port=port, meta=r) for r in recs]
    return [Observation.capped(key, ip, data, port=port, limit=max_bytes)]


async def run(host: Host, probe: Probe) -> list[Observation]:
    """Registry entry point of every UDP discovery probe: one unicast ask (with retries)."""
    from camscan.discovery.messages import udp_probes

    msgs = udp_probes(frozenset({probe.name}))
    if not msgs:
        return []
    msg = msgs[0]
    sent = [0]
    try:
        replies, _err = await unicast(
            host.ip,
            msg,
            host.limiter,
            timeout=host.opt.timeout,
            retries=host.opt.udp_retries,
            max_bytes=host.opt.max_bytes,
            sent=sent,
        )
    except OSError as err:
        return [Observation.failed(msg.name, host.ip, err, port=msg.port)]
    finally:
        host.count(sent[0])
    out: list[Observation] = []
    for data in replies[:16]:
        out.extend(observations(msg.name, host.ip, data, msg.port, host.opt.max_bytes))
    return out  # silence is not an error: most hosts do not speak every protocol
