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


def test_hosts_plans_go_first_then_hosts_in_the_order_they_started() -> None:
    """Through HostLimiter: every queued plan request before any sweep, and within each
    level the host that started first (its order) before later ones, whatever the order
    in which they queued."""
    served: list[tuple[str, int]] = []

    async def main() -> None:
        shared = RateLimiter(30)  # capacity 3
        await asyncio.gather(*(shared.acquire() for _ in range(3)))  # empty the bucket
        hosts = {order: HostLimiter(shared, order=order) for order in (3, 1, 2)}

        async def ask(order: int, level: int) -> None:
            await hosts[order].acquire(1, level)
            served.append(("plan" if level == PLAN else "sweep", order))

        tasks = [
            asyncio.create_task(ask(order, level))
            for order, level in ((3, SWEEP), (2, PLAN), (1, SWEEP), (3, PLAN), (2, SWEEP))
        ]
        await asyncio.sleep(0)  # all queued before a token comes back
        await asyncio.gather(*tasks)
        assert shared.sent == 3 + len(tasks) and shared.waiting == 0

    asyncio.run(main())
    assert served == [("plan", 2), ("plan", 3), ("sweep", 1), ("sweep", 2), ("sweep", 3)]


def test_a_host_limiters_default_level_is_its_priority() -> None:
    """A host switched to PLAN (its own requests after the sweep) is served before a host
    still sweeping, without naming a level on each request."""
    served: list[int] = []

    async def main() -> None:
        shared = RateLimiter(20)  # capacity 2
        await asyncio.gather(shared.acquire(), shared.acquire())
        sweeping, planning = HostLimiter(shared, order=1), HostLimiter(shared, order=2)
        planning.priority = PLAN

        async def ask(host: HostLimiter) -> None:
            await host.acquire()
            served.append(host.order)

        tasks = [asyncio.create_task(ask(h)) for h in (sweeping, planning)]
        await asyncio.sleep(0)
        await asyncio.gather(*tasks)

    asyncio.run(main())
    assert served == [2, 1]


def test_a_request_larger_than_the_bucket_goes_and_the_rate_still_holds() -> None:
    """acquire(n) with n over the bucket's capacity once never returned (the bucket never
    holds n tokens); it goes when the bucket is full, and those after it wait its debt out."""

    async def main() -> tuple[float, RateLimiter]:
        lim = RateLimiter(100)  # capacity 10
        assert lim.capacity < 40
        start = time.monotonic()
        await asyncio.wait_for(lim.acquire(40), timeout=10)
        await asyncio.wait_for(asyncio.gather(*(lim.acquire() for _ in range(20))), timeout=10)
        return time.monotonic() - start, lim

    elapsed, lim = asyncio.run(main())
    assert lim.sent == 60
    assert lim.sent <= lim.capacity + lim.rate * elapsed + 1
