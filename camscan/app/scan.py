"""The scan use case: scope -> discovery pipeline -> fingerprint engine -> inventory -> rescore.

Each host is identified and committed as soon as its probes finish, so an interrupted
scan (Ctrl-C, SIGTERM, even SIGKILL) keeps every device found so far; the scan record is
closed as ``incomplete`` (SIGKILL: by the next camscan run that reads the scan history).
"""

from __future__ import annotations

import asyncio
import signal
import time
import uuid as uuidlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from camscan.app.identify import identify_document
from camscan.app.scores import TouchWatch, rescore
from camscan.discovery.records import HostResult, OnProgress, Progress, ScanOptions, ScanSummary
from camscan.errors import DatabaseError
from camscan.fingerprint.verdict import Verdict
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory, Unreachable
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


# How long the last write of a scan keeps trying while the inventory server is unreachable
# before leaving the hosts in the spool for the next run (seconds).
FINAL_PATIENCE = 120.0


class _Sink(Protocol):
    """Where a scan's finished hosts go: the inventory (with its spool), or a bundle."""

    scan_id: int

    def add(self, host: HostResult, verdict: Verdict) -> None: ...

    def store(self, batch: Sequence[tuple[HostResult, Verdict]], patience: float) -> list[int]: ...

    def beat(self) -> None: ...

    def finish(self, status: str, hosts_probed: int, patience: float) -> bool: ...

    def abandon(self, status: str, hosts_probed: int) -> None: ...


class _InventorySink:
    """Hosts into the inventory, each spooled locally first (camscan/inventory/spool.py)."""

    def __init__(
        self,
        inv: Inventory,
        site: str,
        scope: Scope,
        recorded: dict[str, Any],
        notes: list[str],
        spool_dir: Path | None = None,
    ) -> None:
        from camscan.inventory import spool

        self.inv = inv
        self.notes = notes
        try:
            notes.extend(
                spool.recover(inv, folder=spool_dir)
            )  # what killed sensors left, before reaping
        except DatabaseError as err:  # the spools stay for the next run
            notes.append(f"spooled hosts of an earlier scan not stored yet: {err}")
        repo.reap_interrupted(inv)
        uuid = str(uuidlib.uuid4())
        self.scan_id = repo.start_scan(inv, site, scope.to_dict(), recorded, uuid=uuid)
        self.spool: spool.Spool | None = None
        try:
            self.spool = spool.Spool.create(
                spool.inventory_key(inv.where), uuid, self.scan_id, site, spool_dir
            )
        except OSError as err:
            notes.append(f"no local spool ({err.strerror or err}): hosts go to the inventory only")

    def add(self, host: HostResult, verdict: Verdict) -> None:
        if self.spool is None:
            return
        try:
            self.spool.add(host.ip, host.mac, host.observations, verdict)
        except (OSError, ValueError) as err:  # the disk is full: go on without a spool
            self.notes.append(f"the local spool failed ({err}); hosts go to the inventory only")
            self.spool.close(remove=True)
            self.spool = None

    def store(self, batch: Sequence[tuple[HostResult, Verdict]], patience: float) -> list[int]:
        rows = [(h.ip, h.mac, h.observations, v) for h, v in batch]
        spooled = self.spool is not None
        return repo.record_hosts(self.inv, self.scan_id, rows, spooled=spooled, patience=patience)

    def beat(self) -> None:
        repo.heartbeat(self.inv, self.scan_id)

    def finish(self, status: str, hosts_probed: int, patience: float) -> bool:
        """Close the scan; False when the server stayed unreachable (the spool is kept)."""
        if self.spool is not None:
            self.spool.finish(status, hosts_probed)
        try:
            repo.finish_scan(self.inv, self.scan_id, status, hosts_probed, patience=patience)
        except Unreachable:
            if self.spool is not None:
                self.spool.close(remove=False)
            return False
        if self.spool is not None:
            self.spool.close(remove=True)
        return True

    def abandon(self, status: str, hosts_probed: int) -> None:
        """The server stayed away: keep the spool, with how the scan ended, for the next run."""
        if self.spool is not None:
            self.spool.finish(status, hosts_probed)
            self.spool.close(remove=False)


class _BundleSink:
    """Hosts into an offline bundle (camscan/bundle.py); no inventory is opened."""

    scan_id = 0

    def __init__(self, path: Path, site: str, scope: Scope, recorded: dict[str, Any]) -> None:
        from camscan.bundle import BundleWriter

        self.writer = BundleWriter(path, site=site, scope=scope.to_dict(), options=recorded)

    def add(self, host: HostResult, verdict: Verdict) -> None:
        self.writer.add(host.ip, host.mac, host.observations, verdict)

    def store(self, batch: Sequence[tuple[HostResult, Verdict]], patience: float) -> list[int]:
        return [0] * len(batch)

    def beat(self) -> None:
        pass

    def finish(self, status: str, hosts_probed: int, patience: float) -> bool:
        self.writer.close(status, hosts_probed)
        return True

    def abandon(self, status: str, hosts_probed: int) -> None:
        self.writer.close(status, hosts_probed)


def run(
    inv: Inventory | None,
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
    bundle: Path | None = None,
    patience: float | None = None,
    spool_dir: Path | None = None,
) -> ScanReport:
    """Run one scan to the inventory; returns its report (status incomplete if interrupted).

    ``fingerprints``: a rule directory instead of the shipped rules; ``policy``: the scoring
    policy file laid over the default for sites without a stored policy; ``vulns``: the
    vulnerability data file instead of the shipped or updated one (the CLI passes
    $CAMSCAN_FINGERPRINTS, $CAMSCAN_EVENT_LOOP, $CAMSCAN_POLICY and $CAMSCAN_VULNS).
    ``bundle``: write the scan to this offline bundle instead (``inv`` is then None).
    ``patience``: seconds the last write keeps trying an unreachable server (default
    FINAL_PATIENCE); while the scan runs, writes are tried again for as long as it lasts,
    and every finished host waits in the local spool meanwhile (status ``spooled`` when
    the server never came back: the next scan into this inventory stores them)."""
    from camscan.discovery.pipeline import run_scan
    from camscan.fingerprint import load_engine

    engine = load_engine(fingerprints)
    notes: list[str] = []
    retries: list[str] = []
    sink: _Sink
    if bundle is not None:
        sink = _BundleSink(bundle, site, scope, recorded_options)
    else:
        assert inv is not None
        inv.on_retry = retries.append  # what the server's failures said, first first
        touched = TouchWatch.start(inv)  # the rescore covers the sites this scan touched
        sink = _InventorySink(inv, site, scope, recorded_options, notes, spool_dir)
    scan_id = sink.scan_id
    report = ScanReport(scan_id=scan_id, addresses=scope.size)
    started = time.monotonic()
    final_patience = FINAL_PATIENCE if patience is None else patience

    # SQLite has one writer: finished hosts are queued and one writer commits whatever has
    # queued, many hosts per transaction (a commit is a file sync: one per host made the
    # writer the scan's tail), as soon as the previous commit is done.
    queued: list[tuple[HostResult, Verdict]] = []
    wake = asyncio.Event()

    def store(batch: list[tuple[HostResult, Verdict]], patience: float) -> None:
        """Commit ``batch`` (the head of ``queued``), then take it off the queue: a batch
        whose write never started stays queued for the final flush."""
        ids = sink.store(batch, patience)
        del queued[: len(batch)]
        report.device_ids.extend(i for i in ids if i)
        if on_device is not None:
            for (h, v), dev_id in zip(batch, ids, strict=True):
                on_device({"id": dev_id, "ip": h.ip, **v.to_dict()})

    closing = asyncio.Event()

    async def writer() -> None:
        while True:
            await wake.wait()
            wake.clear()
            while queued:
                try:
                    await asyncio.to_thread(store, queued[:WRITE_BATCH], 5.0)
                except Unreachable:  # keep the hosts queued (and spooled); try again
                    if closing.is_set():
                        return
                    await asyncio.sleep(1.0)
            if closing.is_set():
                return

    async def heartbeat() -> None:
        """Say the sensor is alive (a server inventory: other machines judge by it)."""
        while True:
            await asyncio.sleep(repo.HEARTBEAT_SECONDS)
            try:
                await asyncio.to_thread(sink.beat)
            except DatabaseError:
                pass  # the writer reports an unreachable server

    async def on_host(host: HostResult) -> None:
        doc = evidence_document(host.ip, host.observations, mac=host.mac)
        # Off the event loop: matching a large reply must not stall other hosts' probes.
        verdict = await asyncio.to_thread(identify_document, engine, doc)
        report.hosts_probed += 1
        report.devices += 1
        report.cameras += int(verdict.is_camera)
        report.errors += sum(1 for o in host.observations if o.error)
        sink.add(host, verdict)  # on disk before it is queued: a kill loses nothing found
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
        beating = None
        if inv is not None and not inv.is_sqlite:
            beating = asyncio.create_task(heartbeat())
        try:
            return await run_scan(scope, options, on_host, on_progress, judge)
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
            if beating is not None:
                beating.cancel()
            closing.set()
            wake.set()
            await asyncio.gather(writing, return_exceptions=True)

    status = "failed"
    stored = True
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
        report.notes[:0] = notes
        try:
            if queued:  # finished hosts the writer had not reached (the end, an interrupt)
                store(queued[:], final_patience)
                queued.clear()
        except Unreachable:
            stored = False
        report.seconds = time.monotonic() - started
        if stored:
            stored = sink.finish(status, report.hosts_probed, final_patience)
        else:
            sink.abandon(status, report.hosts_probed)
        report.status = status if stored else "spooled"
    if inv is not None:
        if inv.outages:
            first = retries[0].split("; trying again")[0] if retries else "the server failed"
            report.notes.append(
                f"{first} during the scan; writes were tried again {inv.outages} times"
                + (", nothing was lost" if stored else "")
            )
        if not stored:
            report.notes.append(
                "the inventory stayed unreachable: the finished hosts it lacks and the scan's "
                "end are kept in the local spool; the next `camscan scan` into it stores them"
            )
            return report
        from camscan.scoring import load_policy, load_vulns

        rescore(
            inv,
            vulns=load_vulns(user_copy=vulns),
            default=load_policy(policy),
            sites=touched.sites(inv, site),
        )
    return report
