"""The one module that writes the inventory (its queries are camscan/inventory/queries.py).

Each host's results are committed in their own transaction as they complete, so an
interrupted scan keeps every device found so far.  Functions take an open
:class:`~camscan.inventory.db.Inventory`; a verdict arrives as a
:class:`~camscan.fingerprint.verdict.Verdict` and is turned into its stored form here.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from camscan import __version__
from camscan.errors import UsageError
from camscan.inventory import models as m
from camscan.inventory.db import Inventory
from camscan.inventory.identity import IdentityKeys, conflicts
from camscan.inventory.queries import VERDICT_FIELDS, find_device, presence, resolve_site
from camscan.inventory.queries import scan_scope as _scan_scope
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
    site = s.scalars(select(m.Site).where(m.Site.name == name)).first()
    if site is None:
        site = m.Site(name=name)
        s.add(site)
        s.flush()
    return site


# --- scans -----------------------------------------------------------------------------


def start_scan(inv: Inventory, site: str, scope: dict[str, Any], options: dict[str, Any]) -> int:
    """Record a scan as running; returns its id."""
    with inv.session() as s:
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
        return scan.id


def finish_scan(inv: Inventory, scan_id: int, status: str, hosts_probed: int) -> None:
    """Close a scan; a complete scan also records devices in its scope that were missing."""
    with inv.session() as s:
        scan = s.get(m.Scan, scan_id)
        if scan is None:
            return
        scan.status = status
        scan.finished_at = m.utcnow()
        scan.hosts_probed = hosts_probed
        scan.devices_found = (
            s.scalar(
                select(func.count()).select_from(m.Sighting).where(m.Sighting.scan_id == scan_id)
            )
            or 0
        )
        if status == "complete":
            _record_missing(s, scan)


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


def reap_interrupted(inv: Inventory) -> int:
    """Mark scans left 'running' by a process that no longer exists as incomplete."""
    n = 0
    here = socket.gethostname()
    with inv.session() as s:
        for scan in s.scalars(select(m.Scan).where(m.Scan.status == "running")):
            if scan.host == here and scan.pid and _alive(scan.pid):
                continue
            scan.status = "incomplete"
            scan.note = "interrupted: the scanning process ended before the scan finished"
            scan.devices_found = (
                s.scalar(
                    select(func.count())
                    .select_from(m.Sighting)
                    .where(m.Sighting.scan_id == scan.id)
                )
                or 0
            )
            n += 1
    return n


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- devices ---------------------------------------------------------------------------


def match_device(s: Session, site_id: int, keys: IdentityKeys) -> m.Device | None:
    """The stored device these keys belong to: MAC, serial, ONVIF endpoint, then IP."""
    q = select(m.Device).where(m.Device.site_id == site_id)
    if keys.mac:
        dev = s.scalars(q.where(m.Device.mac == keys.mac)).first()
        if dev is not None:
            return dev
    if keys.serial:
        for dev in s.scalars(q.where(m.Device.serial == keys.serial)):
            if not conflicts(keys, dev.mac, dev.serial):
                return dev
    if keys.endpoint_reference:
        for dev in s.scalars(q.where(m.Device.endpoint_reference == keys.endpoint_reference)):
            if not conflicts(keys, dev.mac, dev.serial):
                return dev
    if keys.ip:
        for dev in s.scalars(q.where(m.Device.ip == keys.ip).order_by(m.Device.last_seen.desc())):
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
) -> list[int]:
    """Store several hosts in one transaction (one commit, not one per host: a commit is a
    file sync); their device ids, in order.  ``source`` is stored with each verdict (an
    import's is ``import:<format>``)."""
    with inv.session() as s:
        return [
            _record(s, scan_id, ip, mac, obs, verdict, source) for ip, mac, obs, verdict in hosts
        ]


def _record(
    s: Session,
    scan_id: int,
    ip: str | None,
    mac: str | None,
    observations: Sequence[Observation],
    verdict: Verdict,
    source: str = "scan",
) -> int:
    keys = IdentityKeys.from_seen(ip, mac, verdict.to_dict())
    now = m.utcnow()
    scan = s.get(m.Scan, scan_id)
    if scan is None:
        raise UsageError(f"scan {scan_id} does not exist")
    dev = match_device(s, scan.site_id, keys)
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
    else:
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


def store_scores(inv: Inventory, scores: Iterable[tuple[int, float, str, list[Any]]]) -> None:
    """Save (device id, score, band, factors) for many devices in one transaction."""
    with inv.session() as s:
        for dev_id, value, band, factors in scores:
            dev = s.get(m.Device, dev_id)
            if dev is not None:
                dev.score, dev.band, dev.score_factors = value, band, factors


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
