"""The one module that writes and queries the inventory.

Each host's results are committed in their own transaction as they complete, so an
interrupted scan keeps every device found so far.  Functions take an open
:class:`~camscan.inventory.db.Inventory` and return plain dicts (Device records, as
documented in docs/json-output.md), so the CLI, reports and scripts never hold ORM objects.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from camscan import __version__
from camscan.errors import ScopeError, UsageError
from camscan.inventory import models as m
from camscan.inventory.db import Inventory
from camscan.inventory.identity import IdentityKeys, conflicts, normalise_mac
from camscan.observations import Observation, evidence_document
from camscan.probes import evidence_keys, udp_ports
from camscan.scope.targets import Scope, parse_target

# The verdict fields every device record carries (docs/json-output.md).
VERDICT_FIELDS = (
    "is_camera",
    "device_type",
    "brand",
    "manufacturer",
    "white_label",
    "model",
    "firmware",
    "serial",
    "confidence",
)
# UDP discovery probes and the port each listens on (for the services list), and the
# service name shown for each evidence key: both from the probe registry (camscan/probes).
UDP_PORTS = udp_ports()


def tcp_services() -> dict[str, str]:
    """Evidence key -> the service name shown for its TCP port."""
    return {k: e.service for k, e in evidence_keys().items() if e.service and k not in UDP_PORTS}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


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


def _scan_scope(scan: m.Scan) -> Scope | None:
    """The scope a scan covered, or None for an old or odd scope record."""
    try:
        return Scope.build([parse_target(t, resolve=False) for t in scan.scope.get("cidrs", [])])
    except ScopeError:
        return None


def _record_missing(s: Session, scan: m.Scan) -> None:
    scope = _scan_scope(scan)
    if scope is None:  # no missing marks without a scope to judge by
        return
    seen = set(s.scalars(select(m.Sighting.device_id).where(m.Sighting.scan_id == scan.id)))
    for dev in s.scalars(select(m.Device).where(m.Device.site_id == scan.site_id)):
        if dev.id in seen or not dev.ip or not scope.contains(dev.ip):
            continue
        last = _presence(s, dev.id)
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


def _presence(s: Session, device_id: int) -> str:
    last = s.scalars(
        select(m.Change.new_value)
        .where(m.Change.device_id == device_id, m.Change.field == "presence")
        .order_by(m.Change.id.desc())
    ).first()
    return last or "present"


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


def list_scans(inv: Inventory) -> list[dict[str, Any]]:
    reap_interrupted(inv)
    with inv.session() as s:
        rows = s.scalars(select(m.Scan).order_by(m.Scan.id)).all()
        return [_scan_record(scan) for scan in rows]


def _scan_record(scan: m.Scan) -> dict[str, Any]:
    return {
        "id": scan.id,
        "site": scan.site.name,
        "status": scan.status,
        "started_at": _iso(scan.started_at),
        "finished_at": _iso(scan.finished_at),
        "targets": scan.scope.get("targets", []),
        "exclusions": scan.scope.get("exclusions", []),
        "scope": scan.scope,
        "options": scan.options,
        "hosts_probed": scan.hosts_probed,
        "devices_found": scan.devices_found,
        "camscan_version": scan.camscan_version,
        "note": scan.note,
    }


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
    s: Session, dev: m.Device, verdict: dict[str, Any], scan_id: int | None, source: str
) -> None:
    """Store a verdict and flatten it onto the device, keeping old values as history."""
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
    verdict: dict[str, Any],
) -> int:
    """Store one host's observations and verdict in one transaction; returns the device id."""
    return record_hosts(inv, scan_id, [(ip, mac, observations, verdict)])[0]


def record_hosts(
    inv: Inventory,
    scan_id: int,
    hosts: Sequence[tuple[str | None, str | None, Sequence[Observation], dict[str, Any]]],
) -> list[int]:
    """Store several hosts in one transaction (one commit, not one per host: a commit is a
    file sync); their device ids, in order."""
    with inv.session() as s:
        return [_record(s, scan_id, ip, mac, obs, verdict) for ip, mac, obs, verdict in hosts]


def _record(
    s: Session,
    scan_id: int,
    ip: str | None,
    mac: str | None,
    observations: Sequence[Observation],
    verdict: dict[str, Any],
) -> int:
    keys = IdentityKeys.from_seen(ip, mac, verdict)
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
        if _presence(s, dev.id) == "missing":
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
    apply_verdict(s, dev, verdict, scan_id, "scan")
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


def device_record(dev: m.Device) -> dict[str, Any]:
    """The Device record of docs/json-output.md."""
    v = dict(dev.verdict or {})
    rec: dict[str, Any] = {
        "id": dev.id,
        "ip": dev.ip,
        "mac": dev.mac,
        "site": dev.site.name,
        "zone": dev.zone,
        "criticality": dev.criticality or dev.site.criticality,
        "first_seen": _iso(dev.first_seen),
        "last_seen": _iso(dev.last_seen),
    }
    for field in VERDICT_FIELDS:
        rec[field] = getattr(dev, field) if hasattr(dev, field) else v.get(field)
    rec["serial"] = dev.serial or v.get("serial")
    for field in (
        "endpoint_reference",
        "mac_vendor",
        "exposure",
        "evidence",
        "errors",
        "notes",
        "plan",
    ):
        rec[field] = v.get(field)
    rec["score"] = dev.score
    rec["band"] = dev.band
    rec["score_factors"] = list(dev.score_factors or [])
    return rec


def site_names(inv: Inventory) -> list[str]:
    """Every site of the inventory, by name."""
    with inv.session() as s:
        return list(s.scalars(select(m.Site.name).order_by(m.Site.name)))


def resolve_site(inv: Inventory, name: str) -> str:
    """The stored spelling of a site named ``name`` (case and spacing ignored); a
    UsageError listing the sites that exist when there is none."""
    names = site_names(inv)

    def key(n: str) -> str:
        return " ".join(n.split()).casefold()

    for n in names:
        if key(n) == key(name):
            return n
    known = ", ".join(repr(n) for n in names[:10]) or "none yet"
    raise UsageError(f"no site {name!r} in this inventory (sites: {known}); check --site and --db")


def list_devices(
    inv: Inventory, *, site: str | None = None, cameras_only: bool = False
) -> list[dict[str, Any]]:
    site_name = resolve_site(inv, site) if site else None
    with inv.session() as s:
        q = select(m.Device).join(m.Site)
        if site_name:
            q = q.where(m.Site.name == site_name)
        if cameras_only:
            q = q.where(m.Device.is_camera.is_(True))
        return [device_record(d) for d in s.scalars(q.order_by(m.Device.id))]


def find_device(s: Session, ref: str) -> m.Device:
    """A device by id, IP, MAC or serial; UsageError when none or ambiguous."""
    q = select(m.Device)
    cands: list[m.Device] = []
    if ref.isdigit():
        dev = s.get(m.Device, int(ref))
        if dev is not None:
            return dev
    mac = normalise_mac(ref) if len(ref) >= 12 else None
    for cond in (
        m.Device.ip == ref,
        m.Device.mac == mac if mac else None,
        m.Device.serial == ref,
    ):
        if cond is None:
            continue
        cands = list(s.scalars(q.where(cond)))
        if cands:
            break
    if not cands:
        raise UsageError(
            f"no device {ref!r} in the inventory; give an id, IP, MAC or serial from "
            "`camscan devices`"
        )
    if len(cands) > 1:
        raise UsageError(
            f"{ref!r} matches {len(cands)} devices (ids "
            f"{', '.join(str(d.id) for d in cands)}); give the id"
        )
    return cands[0]


def device_detail(inv: Inventory, ref: str) -> dict[str, Any]:
    """Everything known about one device: record, addresses, services, history, evidence."""
    with inv.session() as s:
        dev = find_device(s, ref)
        rec = device_record(dev)
        rec["addresses"] = [
            {
                "ip": a.ip,
                "mac": a.mac,
                "first_seen": _iso(a.first_seen),
                "last_seen": _iso(a.last_seen),
            }
            for a in s.scalars(
                select(m.Address)
                .where(m.Address.device_id == dev.id)
                .order_by(m.Address.first_seen)
            )
        ]
        rec["services"] = [
            {
                "port": v.port,
                "protocol": v.protocol,
                "name": v.name,
                "banner": v.banner,
                "last_seen": _iso(v.last_seen),
            }
            for v in s.scalars(
                select(m.Service)
                .where(m.Service.device_id == dev.id)
                .order_by(m.Service.protocol, m.Service.port)
            )
        ]
        rec["history"] = [
            {
                "scan_id": c.scan_id,
                "field": c.field,
                "old": c.old_value,
                "new": c.new_value,
                "at": _iso(c.changed_at),
            }
            for c in s.scalars(
                select(m.Change).where(m.Change.device_id == dev.id).order_by(m.Change.id)
            )
        ]
        rec["scans"] = list(
            s.scalars(
                select(m.Sighting.scan_id)
                .where(m.Sighting.device_id == dev.id)
                .order_by(m.Sighting.scan_id)
            )
        )
        rec["observations"] = [
            {
                "scan_id": o.scan_id,
                "probe": o.probe,
                "port": o.port,
                "bytes": len(o.raw),
                "truncated": o.truncated,
                "error": o.error,
            }
            for o in s.scalars(
                select(m.Observation)
                .where(m.Observation.device_id == dev.id, m.Observation.scan_id == dev.last_scan_id)
                .order_by(m.Observation.id)
            )
        ]
        return rec


def latest_evidence(s: Session, dev: m.Device) -> dict[str, Any]:
    """The evidence document of a device's latest scan, rebuilt from stored observations."""
    rows = s.scalars(
        select(m.Observation)
        .where(m.Observation.device_id == dev.id, m.Observation.scan_id == dev.last_scan_id)
        .order_by(m.Observation.id)
    ).all()
    obs = [
        Observation(
            probe=o.probe,
            ip=o.ip,
            port=o.port,
            raw=o.raw,
            truncated=o.truncated,
            meta=o.meta or {},
            error=o.error,
        )
        for o in rows
    ]
    return evidence_document(dev.ip, obs, mac=dev.mac)


def evidence_for(inv: Inventory, ref: str) -> dict[str, Any]:
    with inv.session() as s:
        return latest_evidence(s, find_device(s, ref))


def reidentify(
    inv: Inventory,
    identify: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    site: str | None = None,
) -> dict[str, int]:
    """Re-run identification (a function from evidence document to verdict record) over
    stored observations; returns counts.  An unknown site is a UsageError naming the sites."""
    changed = total = 0
    site_name = resolve_site(inv, site) if site else None
    with inv.session() as s:
        q = select(m.Device).join(m.Site)
        if site_name:
            q = q.where(m.Site.name == site_name)
        ids = list(s.scalars(q.with_only_columns(m.Device.id)))
    for dev_id in ids:
        with inv.session() as s:
            dev = s.get(m.Device, dev_id)
            if dev is None:
                continue
            before = {f: getattr(dev, f) for f in VERDICT_FIELDS if hasattr(dev, f)}
            verdict = identify(latest_evidence(s, dev))
            apply_verdict(s, dev, verdict, dev.last_scan_id, "reidentify")
            total += 1
            changed += int(before != {f: getattr(dev, f) for f in before})
    return {"devices": total, "changed": changed}


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


def scan_changes(inv: Inventory, scan_a: int, scan_b: int) -> dict[str, list[dict[str, Any]]]:
    """What changed between two scans: new, missing, moved, firmware and other changes."""
    with inv.session() as s:
        for sid in (scan_a, scan_b):
            if s.get(m.Scan, sid) is None:
                raise UsageError(f"no scan {sid}; `camscan scans` lists them")

        def seen(sid: int) -> dict[int, m.Sighting]:
            return {
                x.device_id: x
                for x in s.scalars(select(m.Sighting).where(m.Sighting.scan_id == sid))
            }

        a, b = seen(scan_a), seen(scan_b)
        later = s.get(m.Scan, max(scan_a, scan_b))
        scope_b = _scan_scope(later) if later is not None else None
        devs = {
            d.id: d for d in s.scalars(select(m.Device).where(m.Device.id.in_(set(a) | set(b))))
        }
        out: dict[str, list[dict[str, Any]]] = {
            "new": [],
            "missing": [],
            "not_scanned": [],
            "moved": [],
            "firmware_changed": [],
            "changed": [],
        }
        for dev_id in sorted(set(b) - set(a)):
            out["new"].append(device_record(devs[dev_id]))
        # Missing means in the later scan's scope and not answering; a device outside a
        # partial re-scan's scope was simply not asked.
        for dev_id in sorted(set(a) - set(b)):
            ip = a[dev_id].ip
            asked = scope_b is None or (ip is not None and scope_b.contains(ip))
            out["missing" if asked else "not_scanned"].append(device_record(devs[dev_id]))
        lo, hi = sorted((scan_a, scan_b))
        for dev_id in sorted(set(a) & set(b)):
            if a[dev_id].ip != b[dev_id].ip:
                out["moved"].append(
                    {**device_record(devs[dev_id]), "old_ip": a[dev_id].ip, "new_ip": b[dev_id].ip}
                )
            for c in s.scalars(
                select(m.Change)
                .where(
                    m.Change.device_id == dev_id,
                    m.Change.scan_id > lo,
                    m.Change.scan_id <= hi,
                    m.Change.field.in_(("firmware", "model", "manufacturer", "serial", "mac")),
                )
                .order_by(m.Change.id)
            ):
                key = "firmware_changed" if c.field == "firmware" else "changed"
                out[key].append(
                    {
                        "id": dev_id,
                        "ip": devs[dev_id].ip,
                        "field": c.field,
                        "old": c.old_value,
                        "new": c.new_value,
                        "scan_id": c.scan_id,
                    }
                )
        return out


# --- the policy in force per site ------------------------------------------------------


def site_policies(inv: Inventory) -> dict[str, dict[str, Any]]:
    """The stored policy of each site that has one, by site name: name, version, source,
    sha256, text and set_at.  A site missing here is scored with the default."""
    with inv.session() as s:
        rows = s.execute(select(m.Site.name, m.SitePolicy).join(m.SitePolicy)).all()
        return {
            name: {
                "name": p.name,
                "version": p.version,
                "source": p.source,
                "sha256": p.sha256,
                "text": p.text,
                "set_at": _iso(p.set_at),
            }
            for name, p in rows
        }


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
