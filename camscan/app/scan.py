"""The scan use case: scope -> discovery pipeline -> fingerprint engine -> inventory -> rescore.

Each host is identified and committed as soon as its probes finish, so an interrupted
scan (Ctrl-C, SIGTERM, even SIGKILL) keeps every device found so far; the scan record is
closed as ``incomplete`` (SIGKILL: by the next camscan run that reads the scan history).
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from camscan.app.identify import identify_document
from camscan.app.scores import rescore
from camscan.discovery.records import HostResult, OnProgress, Progress, ScanOptions, ScanSummary
from camscan.fingerprint.verdict import Verdict
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory
from camscan.observations import evidence_document
from camscan.scope import Scope

WRITE_BATCH = 256  # hosts per transaction at most

EventLoop = Literal["uvloop", "asyncio"]

__all__ = ["EventLoop", "Progress", "ScanOptions", "ScanReport", "run"]


@dataclass
class ScanReport:
    """What one scan did, for the summary line and --json."""

    scan_id: int
    status: str = "running"
    hosts_probed: int = 0
    addresses: int = 0  # in scope
    no_route: int = 0  # addresses skipped: no route from this machine
    notes: list[str] = field(default_factory=list)
    devices: int = 0  # hosts that answered (each is stored as a device)
    cameras: int = 0
    errors: int = 0
    seconds: float = 0.0
    device_ids: list[int] = field(default_factory=list)
    requests: int = 0  # application requests sent (the plan's accounting)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scan_id": self.scan_id,
            "status": self.status,
            "hosts_probed": self.hosts_probed,
            "addresses": self.addresses,
            "hosts_answered": self.devices,
            "no_route": self.no_route,
            "notes": list(self.notes),
            "devices": self.devices,
            "cameras": self.cameras,
            "probe_errors": self.errors,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
        }


def _runner(event_loop: EventLoop) -> asyncio.Runner:
    """uvloop's event loop when installed ("asyncio": the standard one): measured on the
    1,000-host lab, see docs/benchmarks.md."""
    if event_loop != "asyncio":
        try:
            import uvloop
        except ImportError:
            pass
        else:
            return asyncio.Runner(loop_factory=uvloop.new_event_loop)
    return asyncio.Runner()


def run(
    inv: Inventory,
    scope: Scope,
    *,
    site: str,
    options: ScanOptions,
    recorded_options: dict[str, Any],
    on_progress: OnProgress | None = None,
    on_device: Callable[[dict[str, Any]], None] | None = None,
    fingerprints: Path | None = None,
    event_loop: EventLoop = "uvloop",
    policy: Path | None = None,
    vulns: Path | None = None,
) -> ScanReport:
    """Run one scan to the inventory; returns its report (status incomplete if interrupted).

    ``fingerprints``: a rule directory instead of the shipped rules; ``policy``: the scoring
    policy file laid over the default for sites without a stored policy; ``vulns``: the
    vulnerability data file instead of the shipped or updated one (the CLI passes
    $CAMSCAN_FINGERPRINTS, $CAMSCAN_EVENT_LOOP, $CAMSCAN_POLICY and $CAMSCAN_VULNS)."""
    from camscan.discovery.pipeline import run_scan
    from camscan.fingerprint import load_engine

    engine = load_engine(fingerprints)
    repo.reap_interrupted(inv)
    scan_id = repo.start_scan(inv, site, scope.to_dict(), recorded_options)
    report = ScanReport(scan_id=scan_id, addresses=scope.size)
    started = time.monotonic()

    # SQLite has one writer: finished hosts are queued and one writer commits whatever has
    # queued, many hosts per transaction (a commit is a file sync: one per host made the
    # writer the scan's tail), as soon as the previous commit is done.
    queued: list[tuple[HostResult, Verdict]] = []
    wake = asyncio.Event()

    def store(batch: list[tuple[HostResult, Verdict]]) -> None:
        """Commit ``batch`` (the head of ``queued``), then take it off the queue: a batch
        whose write never started stays queued for the final flush."""
        rows = [(h.ip, h.mac, h.observations, v) for h, v in batch]
        ids = repo.record_hosts(inv, scan_id, rows)
        del queued[: len(batch)]
        report.device_ids.extend(ids)
        if on_device is not None:
            for (h, v), dev_id in zip(batch, ids, strict=True):
                on_device({"id": dev_id, "ip": h.ip, **v.to_dict()})

    closing = asyncio.Event()

    async def writer() -> None:
        while True:
            await wake.wait()
            wake.clear()
            while queued:
                await asyncio.to_thread(store, queued[:WRITE_BATCH])
            if closing.is_set():
                return

    async def on_host(host: HostResult) -> None:
        doc = evidence_document(host.ip, host.observations, mac=host.mac)
        # Off the event loop: matching a large reply must not stall other hosts' probes.
        verdict = await asyncio.to_thread(identify_document, engine, doc)
        report.hosts_probed += 1
        report.devices += 1
        report.cameras += int(verdict.is_camera)
        report.errors += sum(1 for o in host.observations if o.error)
        queued.append((host, verdict))
        wake.set()

    def judge(doc: dict[str, Any]) -> dict[str, Any]:
        """The planner's question: what would the verdict be on the evidence so far?"""
        return engine.identify(doc).to_dict()

    async def main() -> ScanSummary:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        writing = asyncio.create_task(writer())
        try:
            return await run_scan(scope, options, on_host, on_progress, judge)
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
            closing.set()
            wake.set()
            await asyncio.gather(writing, return_exceptions=True)

    status = "failed"
    try:
        with _runner(event_loop) as runner:
            summary = runner.run(main())
        status = "complete"
        report.hosts_probed = max(report.hosts_probed, summary.hosts_probed)
        report.requests = summary.requests
        report.no_route = summary.no_route
        report.notes = list(summary.notes)
    except (asyncio.CancelledError, KeyboardInterrupt):
        status = "incomplete"
    finally:
        if queued:  # finished hosts the writer had not reached (the end, or an interrupt)
            store(queued[:])
            queued.clear()
        report.status = status
        report.seconds = time.monotonic() - started
        repo.finish_scan(inv, scan_id, status, report.hosts_probed)
    from camscan.scoring import load_policy, load_vulns

    rescore(inv, vulns=load_vulns(user_copy=vulns), default=load_policy(policy))
    return report
