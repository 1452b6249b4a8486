"""RTSP OPTIONS and DESCRIBE without credentials: status, Server header, auth realm."""

from __future__ import annotations

import asyncio

from camscan.discovery.ratelimit import RateLimiter
from camscan.observations import Observation

RTSP_PORTS = (554, 8554, 10554, 7447)


async def _read_reply(reader: asyncio.StreamReader, max_bytes: int) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < max_bytes:
        chunk = await reader.read(4096)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            try:
                length = min(int(line.split(b":", 1)[1].strip()), max_bytes)
            except ValueError:
                length = 0
    while len(body) < length:
        chunk = await reader.read(4096)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


async def probe(
    ip: str, port: int, limiter: RateLimiter, timeout: float, max_bytes: int
) -> list[Observation]:
    """OPTIONS then DESCRIBE on one connection; one observation per reply (or failure)."""
    url = f"rtsp://{ip}:{port}/"
    out: list[Observation] = []
    await limiter.acquire()
    try:
        async with asyncio.timeout(timeout * 3):
            reader, writer = await asyncio.open_connection(ip, port)
            try:
                for cseq, method, extra in (
                    (1, "OPTIONS", ""),
                    (2, "DESCRIBE", "Accept: application/sdp\r\n"),
                ):
                    writer.write(
                        f"{method} {url} RTSP/1.0\r\nCSeq: {cseq}\r\n"
                        f"User-Agent: camscan\r\n{extra}\r\n".encode()
                    )
                    await writer.drain()
                    raw = await _read_reply(reader, max_bytes)
                    if not raw:
                        out.append(
                            Observation(
                                probe="rtsp",
                                ip=ip,
                                port=port,
                                meta={"method": method},
                                error="connection closed without a reply",
                            )
                        )
                        break
                    out.append(
                        Observation.capped(
                            "rtsp", ip, raw, port=port, meta={"method": method}, limit=max_bytes
                        )
                    )
            finally:
                writer.close()
    except TimeoutError:
        out.append(
            Observation(
                probe="rtsp",
                ip=ip,
                port=port,
                error=f"no complete RTSP reply within {timeout * 3:.0f} s",
            )
        )
    except OSError as err:
        out.append(
            Observation(probe="rtsp", ip=ip, port=port, error=f"{type(err).__name__}: {err}"[:200])
        )
    return out
