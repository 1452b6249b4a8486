"""The scan's one rate limiter: never more than its rate, waiters served by priority then in
arrival order, cancelled waiters skipped, and a host's wait for tokens not charged to its
time budget.  No timing is asserted beyond what a correct limiter guarantees whatever the
machine's speed (an upper bound on tokens granted in the time that passed)."""

from __future__ import annotations

import asyncio
import time

from camscan.discovery.ratelimit import ORDER_SPAN, PLAN, SWEEP, HostLimiter, RateLimiter


def test_never_more_than_the_rate_allows() -> None:
    async def main() -> tuple[int, float, RateLimiter]:
        lim = RateLimiter(200)
        start = time.monotonic()
        await asyncio.gather(*(lim.acquire() for _ in range(120)))
        return lim.sent, time.monotonic() - start, lim

    sent, elapsed, lim = asyncio.run(main())
    assert sent == 120
    # a burst of capacity, then at most `rate` a second: a slower machine only adds slack
    assert sent <= lim.capacity + lim.rate * elapsed + 1


def test_waiters_are_served_by_priority_then_arrival() -> None:
    order: list[str] = []

    async def main() -> None:
        lim = RateLimiter(50)  # capacity 5
        await asyncio.gather(*(lim.acquire() for _ in range(5)))  # empty the bucket

        async def ask(name: str, priority: int) -> None:
            await lim.acquire(1, priority)
            order.append(name)

        tasks = [
            asyncio.create_task(ask("sweep-1", SWEEP * ORDER_SPAN + 1)),
            asyncio.create_task(ask("sweep-2", SWEEP * ORDER_SPAN + 2)),
            asyncio.create_task(ask("plan-9", PLAN * ORDER_SPAN + 9)),
            asyncio.create_task(ask("plan-3", PLAN * ORDER_SPAN + 3)),
        ]
        await asyncio.sleep(0)  # all four are queued before any token comes back
        await asyncio.gather(*tasks)

    asyncio.run(main())
    assert order == ["plan-3", "plan-9", "sweep-1", "sweep-2"]


def test_a_cancelled_waiter_takes_no_token() -> None:
    async def main() -> int:
        lim = RateLimiter(20)  # capacity 2
        await asyncio.gather(lim.acquire(), lim.acquire())
        gone = asyncio.create_task(lim.acquire())
        kept = asyncio.create_task(lim.acquire())
        await asyncio.sleep(0)
        gone.cancel()
        await kept
        return lim.sent

    assert asyncio.run(main()) == 3  # two at first, then only the waiter that stayed


def test_waiting_for_tokens_does_not_spend_a_hosts_budget() -> None:
    async def main() -> tuple[float, float]:
        shared = RateLimiter(10)  # capacity 1
        await shared.acquire()
        host = HostLimiter(shared, order=1)
        async with asyncio.timeout(5) as budget:
            host.budget = budget
            before = budget.when()
            assert before is not None
            await host.acquire()  # waits about 0.1 s for the next token
            after = budget.when()
            assert after is not None
        return before, after

    before, after = asyncio.run(main())
    assert after > before  # the deadline moved by the time spent queueing
