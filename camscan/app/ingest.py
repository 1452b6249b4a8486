"""The import use case: hosts a file (or a capture) describes -> engine -> inventory.

``camscan import FILE`` and ``camscan listen`` both end here.  A format reader
(camscan/imports) yields :class:`~camscan.imports.ImportedHost` records carrying
Observations; :func:`ingest` turns each into the same evidence document a live scan
builds, identifies it with the same engine (camscan.app.identify), and stores it under a
scan record of kind ``import`` with the file's provenance (camscan/inventory/models_imports.py),
through the repository's ``record_hosts``, so the usual identity rules (MAC, serial, ONVIF
endpoint, IP) merge imported hosts with scanned devices.

The contract, in order:

1. Idempotent: a source with a sha256 already imported into the site adds nothing, and
   the report says when it was imported (``status == "already imported"``).
2. Validate first: the whole source is read once before anything is written, so a fatal
   input error (:class:`~camscan.imports.ImportFormatError`, exit 2) leaves the inventory
   exactly as it was.  A file (:class:`FileRecords`) is then read again and stored batch by
   batch, so memory holds a few integers per record whatever the file's size; any other
   iterable (a live capture's hosts) is held for the second pass.  Records a reader could
   not use are counted (``record_errors``) and the rest imported (the CLI exits 1 then).
3. Merge, not overwrite: a host that matches a stored device is identified on the device's
   stored evidence plus what the file adds (a MAC-table row gives a routed camera its MAC
   without losing what a scan learnt of it); the stored evidence is carried into the
   import's scan (``meta["carried_from_scan"]``) so a later re-identification sees it.
4. Marked: a device seen only through imports says so in its verdict's notes, with what a
   scan would add; the import scan's options carry ``kind``, ``source`` and ``format``.
5. Rescored through the app layer, as after a scan.
"""

from __future__ import annotations

import hashlib
import io
import os
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from camscan.imports import (
    SNIFF_BYTES,
    Format,
    ImportedHost,
    ImportFormatError,
    ReadContext,
    RecordError,
    detect,
    format_named,
)
from camscan.inventory import models as m
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory
from camscan.inventory.identity import IdentityKeys
from camscan.inventory.models_imports import ImportFile
from camscan.observations import Observation, evidence_document

if TYPE_CHECKING:
    from camscan.fingerprint.engine import Engine
    from camscan.fingerprint.verdict import Verdict

__all__ = [
    "ImportSource",
    "IngestReport",
    "import_file",
    "ingest",
    "open_import",
]

WRITE_BATCH = 256  # hosts per transaction
ERROR_SAMPLES = 20  # record errors kept word for word on the report
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class ImportSource:
    """Where the hosts come from (stored as the import's provenance)."""

    name: str  # a file's base name, or an interface for a live capture
    format: str  # the Format's name
    origin: str  # how devices seen only through it are marked: import:nmap-xml, listen
    sha256: str | None = None  # None: not a file (a live capture); no idempotency then
    size: int | None = None
    scan_would_add: str = "the devices' own replies (HTTP, RTSP, ONVIF, discovery)"


@dataclass
class IngestReport:
    """What an import did (or, dry run, would do), for the summary table and --json."""

    source: ImportSource
    site: str
    status: str = "imported"  # imported | already imported | dry run
    scan_id: int | None = None
    hosts: int = 0
    cameras: int = 0
    makers: Counter[str] = field(default_factory=Counter)  # camera manufacturer -> count
    white_labels: int = 0
    new_devices: int = 0
    updated_devices: int = 0
    record_errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    duplicates: int = 0  # hosts of the file that proved to be a device already imported
    imported_before: str | None = None  # when the same file was first imported
    device_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.source.name,
            "format": self.source.format,
            "source": self.source.origin,
            "sha256": self.source.sha256,
            "size": self.source.size,
            "site": self.site,
            "status": self.status,
            "scan_id": self.scan_id,
            "hosts": self.hosts,
            "cameras": self.cameras,
            "makers": dict(sorted(self.makers.items())),
            "white_labels": self.white_labels,
            "new_devices": self.new_devices,
            "updated_devices": self.updated_devices,
            "record_errors": self.record_errors,
            "error_samples": list(self.error_samples),
            "duplicates": self.duplicates,
            "imported_before": self.imported_before,
            "seconds": round(self.seconds, 2),
        }


# --- reading a file --------------------------------------------------------------------


class _CountingRaw(io.RawIOBase):
    """A raw reader that reports how many bytes have been read (for progress)."""

    def __init__(self, f: BinaryIO, on_bytes: Callable[[int], None] | None) -> None:
        self._f = f
        self._on_bytes = on_bytes
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._f.readinto(b)  # type: ignore[attr-defined]
        n = int(n or 0)
        self.done += n
        if self._on_bytes is not None and n:
            self._on_bytes(self.done)
        return n

    def close(self) -> None:
        self._f.close()
        super().close()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def open_import(
    path: Path,
    *,
    format_name: str | None = None,
    options: Mapping[str, str] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> tuple[ImportSource, FileRecords]:
    """Recognise ``path`` (or take ``format_name``), hash it, and return its provenance with
    its records (read lazily, in bounded memory, each time they are iterated; ``on_bytes``
    is told how far).  A file camscan does not read is an ImportFormatError naming the
    formats tried."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as err:
        raise ImportFormatError(f"cannot read {path}: {err.strerror or err}") from None
    if not path.is_file():
        raise ImportFormatError(f"{path} is not a file")
    fmt = format_named(format_name) if format_name else detect(head, path.name)
    source = ImportSource(
        name=path.name,
        format=fmt.name,
        origin=fmt.origin,
        sha256=_sha256(path),
        size=size,
        scan_would_add=fmt.scan_would_add,
    )
    context = ReadContext(filename=path.name, size=size, options=dict(options or {}))
    return source, FileRecords(path, fmt, context, on_bytes)


@dataclass(frozen=True)
class FileRecords:
    """A file's records, read afresh from the file each time they are iterated (so the
    ingest can validate the whole file, then read it again to store it, holding neither)."""

    path: Path
    format: Format
    context: ReadContext
    on_bytes: Callable[[int], None] | None = None

    def __iter__(self) -> Iterator[ImportedHost | RecordError]:
        with self.path.open("rb", buffering=0) as f:
            raw = _CountingRaw(f, self.on_bytes)
            with io.BufferedReader(raw, buffer_size=1 << 16) as stream:
                yield from self.format.read(stream, self.context)


# --- merging what a file says about one host -------------------------------------------


@dataclass
class _Host:
    """One host, merged from every record about it."""

    ip: str | None
    mac: str | None
    observations: list[Observation] = field(default_factory=list)
    hostname: str | None = None
    vlan: str | None = None
    switch_port: str | None = None
    verdict: Verdict | None = None

    def add(self, rec: ImportedHost) -> None:
        self.ip = rec.ip or self.ip
        self.mac = self.mac or rec.mac
        self.observations.extend(rec.observations)
        self.hostname = rec.hostname or self.hostname
        self.vlan = rec.vlan or self.vlan
        self.switch_port = rec.switch_port or self.switch_port
        self.verdict = rec.verdict or self.verdict


def _normal_mac(mac: str | None) -> str | None:
    from camscan.inventory.identity import normalise_mac

    return normalise_mac(mac) if mac else None


def _count_error(report: IngestReport, text: str) -> None:
    report.record_errors += 1
    if len(report.error_samples) < ERROR_SAMPLES:
        report.error_samples.append(text[:300])


@dataclass
class _Grouping:
    """Which records of the source are one host (pass 1's result, a few ints per record).

    The same MAC, or the same IP without a different MAC, is one host; so are records that
    match the same stored device.  ``group[i]`` is the group of the i-th host record;
    ``size`` how many records each group (by its root) has."""

    group: array[int] = field(default_factory=lambda: array("q"))
    parent: array[int] = field(default_factory=lambda: array("q"))
    size: dict[int, int] = field(default_factory=dict)

    def root(self, g: int) -> int:
        while self.parent[g] != g:
            self.parent[g] = self.parent[self.parent[g]]
            g = self.parent[g]
        return g

    def union(self, a: int, b: int) -> int:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[rb] = ra
        return ra


@dataclass
class _StoredIndex:
    """The site's stored devices by MAC and by IP (for grouping records that are one)."""

    by_mac: dict[str, int] = field(default_factory=dict)
    by_ip: dict[str, list[tuple[int, str | None]]] = field(default_factory=dict)

    @classmethod
    def load(cls, s: Session, site_id: int | None) -> _StoredIndex:
        idx = cls()
        if site_id is None:
            return idx
        rows = s.execute(
            select(m.Device.id, m.Device.ip, m.Device.mac).where(m.Device.site_id == site_id)
        )
        for dev_id, ip, mac in rows:
            if mac:
                idx.by_mac.setdefault(mac, dev_id)
            if ip:
                idx.by_ip.setdefault(ip, []).append((dev_id, mac))
        return idx

    def __bool__(self) -> bool:
        return bool(self.by_mac or self.by_ip)

    def match(self, ip: str | None, mac: str | None) -> int | None:
        """As repository.match_device by MAC, then IP without a conflicting MAC."""
        if mac and mac in self.by_mac:
            return self.by_mac[mac]
        for dev_id, dev_mac in self.by_ip.get(ip or "", []):
            if not (mac and dev_mac and mac != dev_mac):
                return dev_id
        return None


def _group(
    records: Iterable[ImportedHost | RecordError], stored: _StoredIndex, report: IngestReport
) -> _Grouping:
    """Pass 1: read every record (a fatal error raises here, before anything is written),
    count the unreadable ones, and group the rest into hosts."""
    g = _Grouping()
    by_mac: dict[str, int] = {}  # -> a group (any member; root() finds its root)
    by_ip: dict[str, int] = {}
    by_device: dict[int, int] = {}
    group_mac: dict[int, str] = {}  # a group's MAC, by root
    for rec in records:
        if isinstance(rec, RecordError):
            _count_error(report, str(rec))
            continue
        mac = _normal_mac(rec.mac)
        if rec.mac and not mac:
            _count_error(report, f"{rec.where or rec.ip}: unreadable MAC {rec.mac!r}")
        if not rec.ip and not mac:
            g.group.append(-1)
            continue
        found = g.root(by_mac[mac]) if mac and mac in by_mac else None
        if found is None and rec.ip and rec.ip in by_ip:
            cand = g.root(by_ip[rec.ip])
            if mac is None or cand not in group_mac:
                found = cand
        if found is None:
            found = len(g.parent)
            g.parent.append(found)
        root = found
        dev = stored.match(rec.ip, mac) if stored else None
        if dev is not None:
            other = by_device.setdefault(dev, root)
            absorbed = g.root(root)
            root = g.union(other, root)
            if absorbed != root and absorbed in group_mac:
                group_mac.setdefault(root, group_mac.pop(absorbed))
        if mac:
            group_mac.setdefault(root, mac)
            by_mac[mac] = root
        if rec.ip:
            by_ip[rec.ip] = root
        g.group.append(root)
    for i, grp in enumerate(g.group):
        if grp >= 0:
            root = g.root(grp)
            g.group[i] = root
            g.size[root] = g.size.get(root, 0) + 1
    return g


def _hosts(records: Iterable[ImportedHost | RecordError], g: _Grouping) -> Iterator[_Host]:
    """Pass 2: each host once, as soon as its last record is read (a host of one record
    at once; only hosts spread over several records are held until complete)."""
    pending: dict[int, _Host] = {}
    left: dict[int, int] = {}
    i = 0
    for rec in records:
        if isinstance(rec, RecordError):
            continue
        if i >= len(g.group):
            raise ImportFormatError("the file changed while it was being imported")
        root = g.group[i]
        i += 1
        if root < 0:
            continue
        rec = replace(rec, mac=_normal_mac(rec.mac))
        size = g.size[root]
        if size == 1:
            host = _Host(ip=rec.ip, mac=rec.mac)
            host.add(rec)
            yield host
            continue
        host = pending.setdefault(root, _Host(ip=rec.ip, mac=rec.mac))
        host.add(rec)
        left[root] = left.get(root, size) - 1
        if left[root] == 0:
            del pending[root], left[root]
            yield host
    if i != len(g.group) or pending:
        raise ImportFormatError("the file changed while it was being imported")


def _address_observation(host: _Host, source: ImportSource) -> Observation | None:
    """What the file says of the host's addresses, kept as an ARP-like observation (the
    evidence document takes its MAC; the hostname, VLAN and port stay in its meta)."""
    meta: dict[str, Any] = {}
    for key in ("mac", "hostname", "vlan", "switch_port"):
        value = getattr(host, key)
        if value:
            meta[key] = value
    if not meta:
        return None
    meta["reconstructed"] = f"{source.format} address record"
    return Observation(probe="arp", ip=host.ip or "", meta=meta)


# --- identification against the stored inventory ----------------------------------------


@dataclass
class _Planned:
    host: _Host
    observations: list[Observation]
    verdict: Verdict
    device_id: int | None  # the stored device it merges with (None: a new device)


def _stored(
    s: Session, site_id: int | None, keys: IdentityKeys
) -> tuple[int | None, list[Observation], set[str]]:
    """The stored device these keys match: its id, its latest observations, and what has
    seen it (scan, import:...)."""
    if site_id is None:
        return None, [], set()
    dev = repo.match_device(s, site_id, keys)
    if dev is None:
        return None, [], set()
    prior = [  # an observation carried before keeps the scan it first came from
        replace(o, meta={"carried_from_scan": dev.last_scan_id, **o.meta})
        for o in queries.latest_observations(s, dev)
    ]
    seen_by = {
        str((opts or {}).get("source") or "scan")
        for opts in s.scalars(
            select(m.Scan.options).join(m.Sighting).where(m.Sighting.device_id == dev.id)
        )
    }
    return dev.id, prior, seen_by


def _plan(
    s: Session,
    site_id: int | None,
    host: _Host,
    source: ImportSource,
    engine: Engine,
    stored: _StoredIndex,
) -> _Planned:
    from camscan.app.identify import identify_document

    new = list(host.observations)
    addr = _address_observation(host, source)
    if addr is not None:
        new.append(addr)
    new = [replace(o, meta={**o.meta, "import": source.format}) for o in new]
    carried = host.verdict
    keys = IdentityKeys.from_seen(host.ip, host.mac, carried.to_dict() if carried else {})
    # By IP and MAC a host can only be a device stored before the import (pass 1 made the
    # file's records of one address one host): no query when the snapshot has none.
    dev_id: int | None = None
    prior: list[Observation] = []
    seen_by: set[str] = set()
    if stored.match(host.ip, host.mac) is not None or keys.serial or keys.endpoint_reference:
        dev_id, prior, seen_by = _stored(s, site_id, keys)

    def judge(prior: list[Observation]) -> tuple[list[Observation], Verdict]:
        fresh = {(o.probe, o.port) for o in new if o.probe != "arp"}
        kept = [o for o in prior if (o.probe, o.port) not in fresh]
        obs = kept + new
        if carried is not None and not any(o.probe != "arp" for o in obs):
            return obs, replace(carried, notes=list(carried.notes))
        doc = evidence_document(host.ip, obs, mac=host.mac)
        return obs, identify_document(engine, doc)

    obs, verdict = judge(prior)
    # The verdict may name a serial or ONVIF endpoint that matches another stored device.
    keys2 = IdentityKeys.from_seen(host.ip, host.mac, verdict.to_dict())
    if keys2 != keys:
        dev2, prior2, seen2 = _stored(s, site_id, keys2)
        if dev2 is not None and dev2 != dev_id:
            dev_id, seen_by = dev2, seen2
            obs, verdict = judge(prior2)
    seen_by.add(source.origin)
    if "scan" not in seen_by:
        verdict.notes = [
            *verdict.notes,
            f"seen only through {', '.join(sorted(seen_by))}, never scanned: a scan would "
            f"add {source.scan_would_add}",
        ]
    return _Planned(host=host, observations=obs, verdict=verdict, device_id=dev_id)


def _strong(p: _Planned) -> set[str]:
    return {k for k in (p.verdict.serial, p.verdict.endpoint_reference) if k}


def _site_id(s: Session, site: str) -> int | None:
    found: int | None = s.scalar(select(m.Site.id).where(m.Site.name == site))
    return found


def _already(s: Session, site_id: int | None, sha256: str | None) -> str | None:
    if site_id is None or sha256 is None:
        return None
    row = s.scalars(
        select(ImportFile).where(ImportFile.site_id == site_id, ImportFile.sha256 == sha256)
    ).first()
    if row is None:
        return None
    return f"{row.imported_at.isoformat(timespec='seconds')} (scan {row.scan_id})"


# --- the use case -----------------------------------------------------------------------


def ingest(
    inv: Inventory,
    *,
    site: str,
    source: ImportSource,
    hosts: Iterable[ImportedHost | RecordError],
    dry_run: bool = False,
    engine: Engine | None = None,
    on_host: Callable[[int], None] | None = None,
    policy: Path | None = None,
    vulns: Path | None = None,
) -> IngestReport:
    """Import ``hosts`` into ``site`` (see the module docstring for the contract); returns
    the report.  ``on_host`` is told how many hosts have been identified so far;
    ``policy`` and ``vulns`` score as `camscan scan` does (the policy file laid over the
    default for sites without a stored policy; a vulnerability data file)."""
    from camscan.app.scores import rescore

    started = time.monotonic()
    report = IngestReport(source=source, site=site)
    if dry_run:
        report.status = "dry run"
    with inv.session() as s:
        site_id = _site_id(s, site)
        report.imported_before = _already(s, site_id, source.sha256)
    if report.imported_before is not None:
        report.status = "already imported"
        report.seconds = time.monotonic() - started
        return report

    # Pass 1 reads the whole source (a fatal input error raises here, before any write);
    # pass 2 reads it again (a file) or the records held (any other iterable) and stores
    # the hosts batch by batch: memory holds a few integers per record, not the records.
    held: list[ImportedHost | RecordError] | None = None
    if not isinstance(hosts, FileRecords):
        held = list(hosts)
    with inv.session() as s:
        stored = _StoredIndex.load(s, site_id)
    grouping = _group(held if held is not None else hosts, stored, report)
    if engine is None:
        from camscan.fingerprint import load_engine

        engine = load_engine()

    scan_id: int | None = None
    if not dry_run:
        scope = {"import": {"file": source.name, "format": source.format, "sha256": source.sha256}}
        options = {
            "kind": "import",
            "source": source.origin,
            "format": source.format,
            "file": source.name,
            "sha256": source.sha256,
            "size": source.size,
        }
        scan_id = repo.start_scan(inv, site, scope, options)
        report.scan_id = scan_id
        with inv.session() as s:
            site_id = _site_id(s, site)
    recorded: set[int] = set()
    batch: list[_Planned] = []

    def write() -> None:
        if scan_id is not None and batch:
            rows = [(p.host.ip, p.host.mac, p.observations, p.verdict) for p in batch]
            ids = repo.record_hosts(inv, scan_id, rows, source=source.origin)
            report.device_ids.extend(ids)
            recorded.update(ids)
        batch.clear()

    def plan(host: _Host) -> _Planned | None:
        with inv.session() as s:
            p = _plan(s, site_id, host, source, engine, stored)
        if p.device_id is not None and p.device_id in recorded:
            report.duplicates += 1  # e.g. one serial at two addresses: one device, kept once
            return None
        return p

    status = "failed"
    try:
        for host in _hosts(held if held is not None else hosts, grouping):
            p = plan(host)
            if p is None:
                continue
            strong = {k for k in (p.verdict.serial, p.verdict.endpoint_reference) if k}
            if strong and any(strong & _strong(q) for q in batch):
                write()  # the batch's twin is stored first, then this one is matched to it
                p = plan(host)
                if p is None:
                    continue
            batch.append(p)
            report.hosts += 1
            if p.device_id is None:
                report.new_devices += 1
            else:
                report.updated_devices += 1
            if p.verdict.is_camera:
                report.cameras += 1
                report.makers[p.verdict.manufacturer or "unknown"] += 1
                report.white_labels += int(p.verdict.white_label)
            if on_host is not None:
                on_host(report.hosts)
            if len(batch) >= WRITE_BATCH:
                write()
        write()
        status = "complete"
    finally:
        if scan_id is not None:
            repo.finish_scan(inv, scan_id, status, report.hosts)
    if scan_id is None:
        report.seconds = time.monotonic() - started
        return report
    with inv.session() as s:
        s.add(
            ImportFile(
                scan_id=scan_id,
                site_id=_site_id(s, site),
                name=source.name[:255],
                sha256=source.sha256,
                size=source.size,
                format=source.format,
                source=source.origin,
                hosts=report.hosts,
                record_errors=report.record_errors,
            )
        )
    from camscan.scoring import load_policy, load_vulns

    # what it touched: the other sites' scores stand
    rescore(inv, sites=[site], vulns=load_vulns(user_copy=vulns), default=load_policy(policy))
    report.seconds = time.monotonic() - started
    return report


def import_file(
    inv: Inventory,
    path: Path | str,
    *,
    site: str,
    format_name: str | None = None,
    dry_run: bool = False,
    on_bytes: Callable[[int], None] | None = None,
) -> IngestReport:
    """Open, recognise and ingest one file (the whole of `camscan import FILE`)."""
    source, records = open_import(Path(os.fspath(path)), format_name=format_name, on_bytes=on_bytes)
    return ingest(inv, site=site, source=source, hosts=records, dry_run=dry_run)
