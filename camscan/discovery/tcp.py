"""TCP connect sweep: which camera ports are open (and whether the host is there at all)."""

from __future__ import annotations

import asyncio
import errno

from camscan.discovery.ratelimit import RateLimiter

OPEN, CLOSED, FILTERED, UNREACHABLE = "open", "closed", "filtered", "unreachable"


async def connect(ip: str, port: int, limiter: RateLimiter, timeout: float) -> str:
    """One connect attempt: open, closed (refused: the host is there), filtered or
    unreachable."""
    await limiter.acquire()
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(ip, port), timeout)
    except TimeoutError:
        return FILTERED
    except ConnectionRefusedError:
        return CLOSED
    except OSError as err:
        if err.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN):
            return UNREACHABLE
        return FILTERED
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), 1.0)
    except (TimeoutError, OSError):
        pass
    return OPEN


async def sweep(
    ip: str, ports: tuple[int, ...], limiter: RateLimiter, timeout: float, concurrency: int
) -> dict[int, str]:
    """Connect to every port (at most ``concurrency`` at once); port -> state."""
    sem = asyncio.Semaphore(concurrency)

    async def one(port: int) -> tuple[int, str]:
        async with sem:
            return port, await connect(ip, port, limiter, timeout)

    return dict(await asyncio.gather(*(one(p) for p in ports)))
