"""A global token bucket: the one place that paces every packet and connection."""

from __future__ import annotations

import asyncio
import time


class RateLimiter:
    """At most ``rate`` tokens a second, with a burst of about a tenth of a second."""

    def __init__(self, rate: float) -> None:
        self.rate = max(1.0, float(rate))
        self.capacity = max(1.0, self.rate / 10)
        self._tokens = self.capacity
        self._last = time.monotonic()
        self._lock = asyncio.Lock()
        self.sent = 0
        self.started = time.monotonic()

    async def acquire(self, n: int = 1) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
                self._last = now
                if self._tokens >= n:
                    self._tokens -= n
                    self.sent += n
                    return
                await asyncio.sleep((n - self._tokens) / self.rate)

    @property
    def observed_rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.sent / elapsed if elapsed > 0 else 0.0
