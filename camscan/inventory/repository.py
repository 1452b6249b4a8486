"""The one module that writes the inventory (its queries are camscan/inventory/queries.py).

Each host's results are committed in their own transaction as they complete, so an
interrupted scan keeps every device found so far.  Functions take an open
:class:`~camscan.inventory.db.Inventory`; a verdict arrives as a
:class:`~camscan.fingerprint.verdict.Verdict` and is turned into its stored form here.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import uuid as uuidlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, case, func, select, text, update
from sqlalchemy.orm import Session, contains_eager

from camscan import __version__
from camscan.errors import UsageError
from camscan.inventory import models as m
from camscan.inventory.db import Inventory
from camscan.inventory.identity import IdentityKeys, conflicts
from camscan.inventory.models_sensors import ScanSensor
from camscan.inventory.queries import (
    VERDICT_FIELDS,
    device_record,
    find_device,
    presence,
    resolve_site,
)
from camscan.inventory.queries import scan_scope as _scan_scope
from camscan.inventory.records import DeviceRecord
from camscan.inventory.spool import pid_alive
from camscan.observations import Observation
from camscan.probes import evidence_keys, udp_ports

if TYPE_CHECKING:  # only its methods are called: `camscan devices` loads no engine
    from camscan.fingerprint.verdict import Verdict

# UDP discovery probes and the port each listens on (for the services list), and the
# service name shown for each evidence key: both from the probe registry (camscan/probes).
UDP_PORTS = udp_ports()


def tcp_services() -> dict[str, str]:
    """Evidence key -> the service name shown for its TCP port."""
    return {k: e.service for k, e in evidence_keys().items() if e.service and k not in UDP_PORTS}


def site_named(s: Session, name: str) -> m.Site:
    """The site called ``name``, created when new (two sensors creating one site at once:
    the unique name makes the second's transaction a Conflict, tried again by transact)."""
    site = s.scalars(select(m.Site).where(m.Site.name == name)).first()
    if site is None:
        site = m.Site(name=name)
        s.add(site)
        s.flush()
    return site


# --- scans -----------------------------------------------------------------------------

# A sensor refreshes its scan's heartbeat this often (camscan/app/scan.py); a running scan
# whose heartbeat is older than STALE_AFTER was left by a sensor that died or lost the
# server for good, whatever machine it ran on.
HEARTBEAT_SECONDS = 10.0
STALE_AFTER = timedelta(seconds=90)


def start_scan(
    inv: Inventory,
    site: str,
    scope: dict[str, Any],
    options: dict[str, Any],
    *,
    uuid: str | None = None,
) -> int:
    """Record a scan as running, with its sensor row (world-unique id, host, pid,
    heartbeat); returns its id."""
    scan_uuid = uuid or str(uuidlib.uuid4())

    def work(s: Session) -> int:
        scan = m.Scan(
            site=site_named(s, site),
            scope=scope,
            options=options,
            pid=os.getpid(),
            host=socket.gethostname(),
            camscan_version=__version__,
        )
        s.add(scan)
        s.flush()
        bundle = options.get("format") == "bundle"  # an offline bundle imported
        s.add(
            ScanSensor(
                scan_id=scan.id,
                uuid=scan_uuid,
                origin="bundle" if bundle else str(options.get("kind") or "sensor")[:20],
                host=scan.host,
                pid=scan.pid,
                committed=0,
                bundle_sha256=str(options.get("sha256"))[:64] if bundle else None,
            )
        )
        return scan.id

    return inv.transact(work)


def scan_uuid(inv: Inventory, scan_id: int) -> str | None:
    with inv.session() as s:
        row = s.get(ScanSensor, scan_id)
        return row.uuid if row is not None else None


def heartbeat(inv: Inventory, scan_id: int) -> None:
    """Say the sensor of ``scan_id`` is alive (one short transaction)."""

    def work(s: Session) -> None:
        row = s.get(ScanSensor, scan_id)
        if row is not None:
            row.heartbeat_at = m.utcnow()

    inv.transact(work)


def finish_scan(
    inv: Inventory,
    scan_id: int,
    status: str,
    hosts_probed: int,
    *,
    note: str | None = None,
    patience: float = 0.0,
) -> None:
    """Close a scan; a complete scan also records devices in its scope that were missing."""

    def work(s: Session) -> None:
        scan = s.get(m.Scan, scan_id)
        if scan is None:
            return
        scan.status = status
        scan.finished_at = m.utcnow()
        scan.hosts_probed = max(hosts_probed, scan.hosts_probed or 0)
        if note is not None or status == "complete":
            scan.note = note
        scan.devices_found = _sightings(s, scan_id)
        if status == "complete":
            _record_missing(s, scan)

    inv.transact(work, patience=patience)


def _sightings(s: Session, scan_id: int) -> int:
    return (
        s.scalar(select(func.count()).select_from(m.Sighting).where(m.Sighting.scan_id == scan_id))
        or 0
    )


def _record_missing(s: Session, scan: m.Scan) -> None:
    scope = _scan_scope(scan)
    if scope is None:  # no missing marks without a scope to judge by
        return
    seen = set(s.scalars(select(m.Sighting.device_id).where(m.Sighting.scan_id == scan.id)))
    for dev in s.scalars(select(m.Device).where(m.Device.site_id == scan.site_id)):
        if dev.id in seen or not dev.ip or not scope.contains(dev.ip):
            continue
        last = presence(s, dev.id)
        if last != "missing":
            s.add(
                m.Change(
                    device_id=dev.id,
                    scan_id=scan.id,
                    field="presence",
                    old_value="present",
                    new_value="missing",
                )
            )


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=m.utcnow().tzinfo)


def _abandoned(scan: m.Scan, sensor: ScanSensor | None, here: str, now: datetime) -> bool:
    """Whether a running scan's sensor is gone: on this machine, by its process (alive or
    not); on another machine, where a pid means nothing, by its heartbeat going stale.  A
    scan of an older camscan (no sensor row) is judged by its pid here, as it always was."""
    if sensor is None:
        return not (scan.host == here and scan.pid and pid_alive(scan.pid))
    if sensor.host == here and sensor.pid:
        return not pid_alive(sensor.pid)
    return now - _aware(sensor.heartbeat_at) > STALE_AFTER


def reap_interrupted(inv: Inventory) -> int:
    """Mark running scans whose sensor is gone (see :func:`_abandoned`) as incomplete;
    returns how many."""
    here = socket.gethostname()

    def work(s: Session) -> int:
        n = 0
        now = m.utcnow()
        rows = s.execute(
            select(m.Scan, ScanSensor)
            .outerjoin(ScanSensor, ScanSensor.scan_id == m.Scan.id)
            .where(m.Scan.status == "running")
            .with_for_update(of=m.Scan, skip_locked=True)
        ).all()
        for scan, sensor in rows:
            if not _abandoned(scan, sensor, here, now):
                continue
            scan.status = "incomplete"
            scan.note = "interrupted: the scanning process ended before the scan finished"
            scan.devices_found = _sightings(s, scan.id)
            n += 1
        return n

    return inv.transact(work)


# --- devices ---------------------------------------------------------------------------


def match_device(
    s: Session, site_id: int, keys: IdentityKeys, *, moved: bool = False
) -> m.Device | None:
    """The stored device these keys belong to: MAC, serial, ONVIF endpoint, then IP, within
    the site.  With ``moved``, a device of another site whose MAC or serial these keys carry
    comes before the weaker keys of this site: the unit was moved between sites (a MAC or a
    serial identifies it anywhere; an endpoint reference or an IP only within a site)."""
    here = select(m.Device).where(m.Device.site_id == site_id)
    strong = select(m.Device) if moved else here
    # this site's device first, then the oldest
    order = (case((m.Device.site_id == site_id, 0), else_=1), m.Device.id)
    if keys.mac:
        dev = s.scalars(strong.where(m.Device.mac == keys.mac).order_by(*order)).first()
        if dev is not None:
            return dev
    if keys.serial:
        for dev in s.scalars(strong.where(m.Device.serial == keys.serial).order_by(*order)):
            if not conflicts(keys, dev.mac, dev.serial):
                return dev
    if keys.endpoint_reference:
        for dev in s.scalars(here.where(m.Device.endpoint_reference == keys.endpoint_reference)):
            if not conflicts(keys, dev.mac, dev.serial):
                return dev
    if keys.ip:
        for dev in s.scalars(
            here.where(m.Device.ip == keys.ip).order_by(m.Device.last_seen.desc())
        ):
            if not conflicts(keys, dev.mac, dev.serial):
                return dev
    return None


def _change(
    s: Session, dev: m.Device, scan_id: int | None, field: str, new: Any, *, first: bool = False
) -> None:
    """Set a device field, keeping the old value as history (not on the first sighting: the
    placeholder "unknown" of a new device is no earlier state)."""
    old = getattr(dev, field)
    if new is None or new == old:
        return
    if old is not None and not first:
        s.add(
            m.Change(
                device_id=dev.id,
                scan_id=scan_id,
                field=field,
                old_value=str(old),
                new_value=str(new),
            )
        )
    setattr(dev, field, new)


def apply_verdict(
    s: Session, dev: m.Device, found: Verdict, scan_id: int | None, source: str
) -> None:
    """Store a verdict and flatten it onto the device, keeping old values as history."""
    verdict = found.to_dict()  # the stored form (the edge where the object becomes data)
    first = not dev.verdict
    s.add(
        m.Verdict(
            device_id=dev.id,
            scan_id=scan_id,
            source=source,
            manufacturer=verdict.get("manufacturer"),
            brand=verdict.get("brand"),
            device_type=str(verdict.get("device_type") or "unknown"),
            confidence=float(verdict.get("confidence") or 0.0),
            data=verdict,
        )
    )
    for field in ("manufacturer", "brand", "model", "firmware", "device_type"):
        value = verdict.get(field)
        _change(
            s, dev, scan_id, field, str(value)[:200] if value is not None else None, first=first
        )
    dev.is_camera = bool(verdict.get("is_camera"))
    dev.white_label = bool(verdict.get("white_label"))
    dev.confidence = float(verdict.get("confidence") or 0.0)
    dev.verdict = verdict


def _services(observations: Sequence[Observation]) -> dict[tuple[int, str], tuple[str, str]]:
    found: dict[tuple[int, str], tuple[str, str]] = {}
    services = tcp_services()
    for obs in observations:
        if obs.probe in UDP_PORTS and (obs.raw or obs.meta) and not obs.error:
            found.setdefault((UDP_PORTS[obs.probe], "udp"), (obs.probe, ""))
            continue
        if obs.port is None or obs.probe not in services:
            continue
        if obs.error and not obs.raw:
            continue
        name = services[obs.probe]
        if obs.probe == "http" and obs.meta.get("tls"):
            name = "https"
        banner = _banner(obs.raw)
        prev = found.get((obs.port, "tcp"))
        if prev is None or (prev[0] == "tcp" and name != "tcp") or (banner and not prev[1]):
            found[(obs.port, "tcp")] = (name, banner)
    return found


def _banner(raw: bytes) -> str:
    """The status line and Server header of an HTTP/RTSP reply (what a human reads first)."""
    if not raw:
        return ""
    head = raw[:4096].decode("utf-8", "replace").split("\r\n\r\n", 1)[0]
    lines = head.splitlines()
    parts = [lines[0][:120]] if lines else []
    for line in lines[1:]:
        if line.lower().startswith("server:"):
            parts.append(line[:160])
    return " | ".join(parts)


def record_host(
    inv: Inventory,
    scan_id: int,
    ip: str | None,
    mac: str | None,
    observations: Sequence[Observation],
    verdict: Verdict,
) -> int:
    """Store one host's observations and verdict in one transaction; returns the device id."""
    return record_hosts(inv, scan_id, [(ip, mac, observations, verdict)])[0]


def record_hosts(
    inv: Inventory,
    scan_id: int,
    hosts: Sequence[tuple[str | None, str | None, Sequence[Observation], Verdict]],
    *,
    source: str = "scan",
    spooled: bool = False,
    patience: float = 0.0,
) -> list[int]:
    """Store several hosts in one transaction (one commit, not one per host: a commit is a
    file sync); their device ids, in order.  ``source`` is stored with each verdict (an
    import's is ``import:<format>``); ``spooled``: the hosts are the next ones of the scan's
    spool, counted in the same transaction (camscan/inventory/spool.py).

    Safe with other writers (sensors of other sites or the same one): on PostgreSQL the
    transaction first takes advisory locks on its site and on every MAC and serial it
    carries, in one sorted order (no deadlock between two batches), so two sensors never
    both find a unit missing and create it twice; each lock that had to be waited for
    counts as a conflict (``inv.conflicts``).  A transaction that still collides is tried
    again (:meth:`Inventory.transact`); ``patience`` is how long to keep trying while the
    server is unreachable."""
    rows = [
        (ip, mac, obs, v, IdentityKeys.from_seen(ip, mac, v.to_dict())) for ip, mac, obs, v in hosts
    ]

    def work(s: Session) -> list[int]:
        scan = s.get(m.Scan, scan_id)
        if scan is None:
            raise UsageError(f"scan {scan_id} does not exist")
        if s.get_bind().dialect.name == "postgresql":
            inv.conflicts += _lock_identities(s, scan.site_id, [r[4] for r in rows])
        ids = [_record(s, scan, obs, v, keys, source) for _ip, _mac, obs, v, keys in rows]
        sensor = s.get(ScanSensor, scan_id)
        if sensor is not None:
            sensor.heartbeat_at = m.utcnow()
            if spooled:
                sensor.committed += len(rows)
        return ids

    return inv.transact(work, patience=patience)


def _lock_key(text_key: str) -> int:
    """A signed 64-bit advisory lock key for a text key."""
    return int.from_bytes(hashlib.blake2b(text_key.encode(), digest_size=8).digest(), signed=True)


# One statement takes the locks in ascending key order; a key whose try-lock fails is waited
# for (and counted).  Advisory locks: https://www.postgresql.org/docs/current/functions-admin.html
_LOCK_SQL = text(
    "SELECT coalesce(sum(CASE WHEN pg_try_advisory_xact_lock(k) THEN 0 "
    "ELSE 1 + length(pg_advisory_xact_lock(k)::text) END), 0) "
    "FROM (SELECT unnest(CAST(:keys AS bigint[])) AS k ORDER BY 1) AS ks"
)


def _lock_identities(s: Session, site_id: int, keys: Sequence[IdentityKeys]) -> int:
    """Take the identity locks of one batch; how many had to be waited for."""
    names = {f"site:{site_id}"}
    for k in keys:
        if k.mac:
            names.add(f"mac:{k.mac}")
        if k.serial:
            names.add(f"serial:{k.serial}")
    waited = s.scalar(_LOCK_SQL, {"keys": sorted({_lock_key(n) for n in names})})
    return int(waited or 0)


def _record(
    s: Session,
    scan: m.Scan,
    observations: Sequence[Observation],
    verdict: Verdict,
    keys: IdentityKeys,
    source: str = "scan",
) -> int:
    now = m.utcnow()
    scan_id = scan.id
    dev = match_device(s, scan.site_id, keys, moved=True)
    if dev is None:
        dev = m.Device(
            site_id=scan.site_id,
            first_seen=now,
            ip=keys.ip,
            mac=keys.mac,
            serial=keys.serial,
            endpoint_reference=keys.endpoint_reference,
        )
        s.add(dev)
        s.flush()
        fresh = True  # nothing of it is stored yet: no address, service or sighting to find
    else:
        fresh = False
        if dev.site_id != scan.site_id:  # MAC or serial say the unit moved to this site
            old_site = s.get(m.Site, dev.site_id)
            s.add(
                m.Change(
                    device_id=dev.id,
                    scan_id=scan_id,
                    field="site",
                    old_value=old_site.name if old_site is not None else None,
                    new_value=scan.site.name,
                )
            )
            dev.site_id = scan.site_id
        if presence(s, dev.id) == "missing":
            s.add(
                m.Change(
                    device_id=dev.id,
                    scan_id=scan_id,
                    field="presence",
                    old_value="missing",
                    new_value="present",
                )
            )
        _change(s, dev, scan_id, "ip", keys.ip)
        _change(s, dev, scan_id, "mac", keys.mac)
        _change(s, dev, scan_id, "serial", keys.serial)
        if keys.endpoint_reference:
            dev.endpoint_reference = keys.endpoint_reference
    dev.last_seen = now
    dev.last_scan_id = scan_id
    apply_verdict(s, dev, verdict, scan_id, source[:20])
    addr = None
    if not fresh:
        addr = s.scalars(
            select(m.Address).where(
                m.Address.device_id == dev.id,
                m.Address.ip == keys.ip,
                m.Address.mac.is_(keys.mac) if keys.mac is None else m.Address.mac == keys.mac,
            )
        ).first()
    if addr is None:
        s.add(m.Address(device_id=dev.id, ip=keys.ip, mac=keys.mac, first_seen=now, last_seen=now))
    else:
        addr.last_seen = now
    for (port, proto), (name, banner) in _services(observations).items():
        svc = None
        if not fresh:
            svc = s.scalars(
                select(m.Service).where(
                    m.Service.device_id == dev.id,
                    m.Service.port == port,
                    m.Service.protocol == proto,
                )
            ).first()
        if svc is None:
            svc = m.Service(device_id=dev.id, port=port, protocol=proto, first_seen=now)
            s.add(svc)
        svc.name, svc.banner, svc.last_seen, svc.last_scan_id = name, banner, now, scan_id
    for obs in observations:
        s.add(
            m.Observation(
                scan_id=scan_id,
                device_id=dev.id,
                probe=obs.probe,
                ip=obs.ip,
                port=obs.port,
                raw=obs.raw,
                truncated=obs.truncated,
                meta=dict(obs.meta),
                error=obs.error,
            )
        )
    sighted = not fresh and s.scalar(
        select(m.Sighting.id).where(m.Sighting.scan_id == scan_id, m.Sighting.device_id == dev.id)
    )
    if not sighted:  # two addresses of one unit in one scan: one sighting
        s.add(m.Sighting(scan_id=scan_id, device_id=dev.id, ip=keys.ip, mac=keys.mac))
    return dev.id


def store_reidentified(inv: Inventory, device_id: int, verdict: Verdict) -> bool:
    """Store a re-run identification of a device's latest evidence (source "reidentify");
    True when its verdict fields changed, False when they did not or the device is gone."""
    with inv.session() as s:
        dev = s.get(m.Device, device_id)
        if dev is None:
            return False
        before = {f: getattr(dev, f) for f in VERDICT_FIELDS if hasattr(dev, f)}
        apply_verdict(s, dev, verdict, dev.last_scan_id, "reidentify")
        return before != {f: getattr(dev, f) for f in before}


def set_tags(
    inv: Inventory,
    *,
    device_refs: Iterable[str] = (),
    site: str | None = None,
    zone: str | None = None,
    criticality: str | None = None,
    clear: bool = False,
) -> int:
    """Assign zone/criticality to devices, or criticality to a whole site (``clear`` removes
    them); returns how many distinct devices were tagged."""
    site_name = resolve_site(inv, site) if site else None
    with inv.session() as s:
        if site_name and not list(device_refs):
            st = s.scalars(select(m.Site).where(m.Site.name == site_name)).one()
            if criticality is not None or clear:
                st.criticality = None if clear else criticality
            n = 0
            for dev in s.scalars(select(m.Device).where(m.Device.site_id == st.id)):
                if zone is not None or clear:
                    dev.zone = None if clear else zone
                n += 1
            return n
        # The same device named twice (by IP and by id) is tagged, and counted, once.
        devices = {d.id: d for d in (find_device(s, ref) for ref in device_refs)}
        for dev in devices.values():
            if zone is not None or clear:
                dev.zone = None if clear else zone
            if criticality is not None or clear:
                dev.criticality = None if clear else criticality
        return len(devices)


ScoreRow = tuple[float, str, list[Any]]  # a score: value, band, factors


def store_scores(
    inv: Inventory,
    score: Callable[[DeviceRecord], ScoreRow],
    *,
    sites: Sequence[str] | None = None,
    chunk: int = 1000,
    on_chunk: Callable[[list[tuple[DeviceRecord, ScoreRow]]], None] | None = None,
) -> int:
    """Score every device (of ``sites``: stored names) with ``score`` and save what changed;
    returns how many were scored.

    Devices are read ``chunk`` at a time in id order (keyset pagination: ``id >`` the last
    one), scored and written back in one transaction per chunk, and the chunk's objects
    dropped before the next: memory holds one chunk, whatever the size of the inventory.
    A row is written only when its score, band or factors differ from the stored ones, so
    a rescore that changes nothing takes no row locks.  Rows are locked in id order (two
    sensors rescoring at once take them in one order; a collision left is tried again).
    A score is written only where the device still has the revision it was read at: one
    that another writer changed in between is left to that writer's rescore.
    ``on_chunk`` gets each committed chunk: (the record as it was read, its new score)."""
    if sites is not None and not sites:
        return 0
    last = 0
    total = 0
    while True:
        done = inv.transact(
            partial(_score_chunk, after=last, sites=sites, chunk=chunk, score=score)
        )
        if not done:
            return total
        total += len(done)
        last = done[-1][0].id
        if on_chunk is not None:
            on_chunk(done)


_DEVICE = cast(Table, m.Device.__table__)
_WRITE_SCORE = (
    update(_DEVICE)
    .where(_DEVICE.c.id == bindparam("dev_id"), _DEVICE.c.revision == bindparam("rev"))
    .values(score=bindparam("score"), band=bindparam("band"), score_factors=bindparam("factors"))
)


def _score_chunk(
    s: Session,
    *,
    after: int,
    sites: Sequence[str] | None,
    chunk: int,
    score: Callable[[DeviceRecord], ScoreRow],
) -> list[tuple[DeviceRecord, ScoreRow]]:
    """One chunk of :func:`store_scores`: the next ``chunk`` devices after id ``after``."""
    q = (
        select(m.Device)
        .join(m.Device.site)
        .options(contains_eager(m.Device.site))
        .where(m.Device.id > after)
    )
    if sites is not None:
        q = q.where(m.Site.name.in_(list(sites)))
    devices = s.scalars(q.order_by(m.Device.id).limit(chunk)).all()
    records = [device_record(d) for d in devices]
    revisions = {d.id: d.revision for d in devices}
    s.expunge_all()  # the records hold what scoring reads; the ORM objects go now
    del devices
    done = [(r, score(r)) for r in records]
    # Written only over the revision read: a device another writer changed meanwhile keeps
    # the score that writer's own rescore gives it (models.py ``_bump_revision``).
    changed = [
        {"dev_id": r.id, "rev": revisions[r.id], "score": new[0], "band": new[1], "factors": new[2]}
        for r, new in done
        if (r.score, r.band) != new[:2] or r.score_factors != _as_stored(new[2])
    ]
    if changed:
        s.execute(_WRITE_SCORE, changed)
    return done


def _as_stored(value: list[Any]) -> list[Any]:
    """``value`` as the JSON column gives it back (tuples become lists, keys strings)."""
    loaded: list[Any] = json.loads(json.dumps(value))
    return loaded


# --- the policy in force per site ------------------------------------------------------


def set_site_policy(inv: Inventory, sites: Sequence[str], policy: dict[str, str] | None) -> int:
    """Store ``policy`` (name, version, source, sha256, text) as the one in force for each of
    ``sites`` (stored names), or with None go back to the default; returns how many sites."""
    with inv.session() as s:
        for name in sites:
            site = s.scalars(select(m.Site).where(m.Site.name == name)).one()
            row = s.get(m.SitePolicy, site.id)
            if policy is None:
                if row is not None:
                    s.delete(row)
                continue
            if row is None:
                row = m.SitePolicy(site_id=site.id)
                s.add(row)
            for key in ("name", "version", "source", "sha256", "text"):
                setattr(row, key, policy[key])
            row.set_at = m.utcnow()
    return len(sites)
