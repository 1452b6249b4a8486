"""RTSP OPTIONS and DESCRIBE without credentials: status, Server header, auth realm.

Both requests go over one connection through the raw reader
(:func:`camscan.discovery.wire.rtsp_exchange`), which keeps each reply as sent.
"""

from __future__ import annotations

from camscan.discovery import wire
from camscan.discovery.ratelimit import RateLimiter
from camscan.observations import Observation

RTSP_PORTS = (554, 8554, 10554, 7447)

METHODS: tuple[tuple[str, dict[str, str]], ...] = (
    ("OPTIONS", {}),
    ("DESCRIBE", {"Accept": "application/sdp"}),
)


async def probe(
    ip: str, port: int, limiter: RateLimiter, timeout: float, max_bytes: int
) -> list[Observation]:
    """OPTIONS then DESCRIBE on one connection; one observation per reply (or failure)."""
    host = f"[{ip}]" if ":" in ip else ip
    url = f"rtsp://{host}:{port}/"
    requests = [
        wire.rtsp_request(method, url, cseq, extra)
        for cseq, (method, extra) in enumerate(METHODS, start=1)
    ]
    replies = await wire.rtsp_exchange(
        ip, port, requests, limiter=limiter, timeout=timeout, max_bytes=max_bytes
    )
    out: list[Observation] = []
    for (method, _), reply in zip(METHODS, replies, strict=False):
        # An observation without a reply carries no meta, so the evidence document lists
        # only its error, not an empty RTSP entry.
        out.append(
            Observation(
                probe="rtsp",
                ip=ip,
                port=port,
                raw=reply.data,
                truncated=reply.truncated,
                meta={"method": method} if reply.data else {},
                error=f"{method}: {reply.error}" if reply.error else None,
            )
        )
    return out
