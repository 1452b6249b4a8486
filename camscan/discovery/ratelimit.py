"""A global token bucket: the one place that paces every packet and connection."""

from __future__ import annotations

import asyncio
import heapq
import time

# Priorities: lower is served first.  A host's plan (requests whose answers decide its
# verdict) goes before new hosts' connect sweeps, so hosts that have started finish soon and
# the scan has no long tail of half-done hosts queueing behind fresh sweeps.
PLAN, SWEEP = 0, 1
# Within a level, hosts are served in the order they started (a host's priority is
# ``level * ORDER_SPAN + its sequence number``): each host's sweep completes in turn instead
# of every host's sweep completing near the end of the scan, so plans overlap with sweeps.
ORDER_SPAN = 1 << 40


class RateLimiter:
    """At most ``rate`` tokens a second, with a burst of about a tenth of a second; waiters
    are served by priority, then in arrival order."""

    def __init__(self, rate: float) -> None:
        self.rate = max(1.0, float(rate))
        self.capacity = max(1.0, self.rate / 10)
        self._tokens = self.capacity
        self._last = time.monotonic()
        self._waiters: list[tuple[int, int, int, asyncio.Future[None]]] = []
        self._seq = 0
        self._wakeup: asyncio.TimerHandle | None = None
        self.sent = 0
        self.started = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def _ready(self, n: int) -> bool:
        """Whether ``n`` tokens may go now.  More than the bucket holds go once it is full,
        leaving it in debt (the ones after wait the debt out), so the rate still holds
        and such a request does not wait for ever."""
        return self._tokens >= min(n, self.capacity)

    async def acquire(self, n: int = 1, priority: int = SWEEP) -> None:
        self._refill()
        if not self._waiters and self._ready(n):
            self._tokens -= n
            self.sent += n
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, self._seq, n, fut))
        self._seq += 1
        self._schedule()
        await fut  # a cancelled waiter is skipped by the dispatcher

    def _schedule(self) -> None:
        if self._wakeup is not None or not self._waiters:
            return
        need = max(0.0, min(self._waiters[0][2], self.capacity) - self._tokens) / self.rate
        self._wakeup = asyncio.get_running_loop().call_later(max(need, 0.0005), self._dispatch)

    def _dispatch(self) -> None:
        self._wakeup = None
        self._refill()
        while self._waiters:
            _prio, _seq, n, fut = self._waiters[0]
            if fut.done():  # cancelled while waiting
                heapq.heappop(self._waiters)
                continue
            if not self._ready(n):
                break
            heapq.heappop(self._waiters)
            self._tokens -= n
            self.sent += n
            fut.set_result(None)
        self._schedule()

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    @property
    def observed_rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.sent / elapsed if elapsed > 0 else 0.0


class HostLimiter(RateLimiter):
    """One host's view of the scan's limiter: the time it spends waiting for a token does
    not count against its time budget (with hundreds of hosts in flight the queue for
    tokens is long, and a host must not be cut short for waiting its turn)."""

    def __init__(self, shared: RateLimiter, order: int = 0) -> None:
        super().__init__(shared.rate)
        self.shared = shared
        self.budget: asyncio.Timeout | None = None
        self.priority = SWEEP
        self.order = order

    async def acquire(self, n: int = 1, priority: int | None = None) -> None:
        budget = self.budget
        when = budget.when() if budget is not None else None
        start = time.monotonic()
        level = self.priority if priority is None else priority
        await self.shared.acquire(n, level * ORDER_SPAN + self.order)
        if budget is None or when is None or budget.expired():
            return
        # Overlapping waits of one host's parallel probes extend the deadline by the
        # longest of them, not their sum.
        extended = when + (time.monotonic() - start)
        current = budget.when()
        if current is not None and extended > current:
            budget.reschedule(extended)
