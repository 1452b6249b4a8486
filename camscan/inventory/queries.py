"""The inventory's read side: every query the CLI, reports, the dashboard and scripts use.

Functions take an open :class:`~camscan.inventory.db.Inventory` and return plain records
(Device records, as documented in docs/json-output.md), so callers never hold ORM objects.
Nothing here writes: the write side is camscan/inventory/repository.py, and a caller that
wants interrupted scans closed first calls ``repository.reap_interrupted`` itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from camscan.errors import ScopeError, UsageError
from camscan.inventory import models as m
from camscan.inventory.db import Inventory
from camscan.inventory.identity import normalise_mac
from camscan.inventory.records import (
    VERDICT_FIELDS,
    AddressRecord,
    DeviceDetail,
    DeviceRecord,
    HistoryEntry,
    MovedDevice,
    ObservationSummary,
    ScanChanges,
    ServiceRecord,
)
from camscan.observations import Observation, evidence_document
from camscan.scope.targets import Scope, parse_target

__all__ = [
    "VERDICT_FIELDS",
    "device_detail",
    "device_ids",
    "device_record",
    "evidence_for",
    "find_device",
    "iso",
    "latest_evidence",
    "list_devices",
    "list_scans",
    "presence",
    "resolve_site",
    "scan_changes",
    "scan_scope",
    "site_names",
    "site_policies",
]


def iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def scan_scope(scan: m.Scan) -> Scope | None:
    """The scope a scan covered, or None for an old or odd scope record."""
    try:
        return Scope.build([parse_target(t, resolve=False) for t in scan.scope.get("cidrs", [])])
    except ScopeError:
        return None


def presence(s: Session, device_id: int) -> str:
    last = s.scalars(
        select(m.Change.new_value)
        .where(m.Change.device_id == device_id, m.Change.field == "presence")
        .order_by(m.Change.id.desc())
    ).first()
    return last or "present"


def list_scans(inv: Inventory) -> list[dict[str, Any]]:
    """Every scan, oldest first (as stored: see ``repository.reap_interrupted``)."""
    with inv.session() as s:
        rows = s.scalars(select(m.Scan).order_by(m.Scan.id)).all()
        return [_scan_record(scan) for scan in rows]


def _scan_record(scan: m.Scan) -> dict[str, Any]:
    return {
        "id": scan.id,
        "site": scan.site.name,
        "status": scan.status,
        "started_at": iso(scan.started_at),
        "finished_at": iso(scan.finished_at),
        "targets": scan.scope.get("targets", []),
        "exclusions": scan.scope.get("exclusions", []),
        "scope": scan.scope,
        "options": scan.options,
        "hosts_probed": scan.hosts_probed,
        "devices_found": scan.devices_found,
        "camscan_version": scan.camscan_version,
        "note": scan.note,
    }


def device_record(dev: m.Device) -> DeviceRecord:
    """The Device record of docs/json-output.md."""
    v = dict(dev.verdict or {})
    return DeviceRecord(
        id=dev.id,
        ip=dev.ip,
        mac=dev.mac,
        site=dev.site.name,
        zone=dev.zone,
        criticality=dev.criticality or dev.site.criticality,
        first_seen=iso(dev.first_seen),
        last_seen=iso(dev.last_seen),
        is_camera=dev.is_camera,
        device_type=dev.device_type,
        brand=dev.brand,
        manufacturer=dev.manufacturer,
        white_label=dev.white_label,
        model=dev.model,
        firmware=dev.firmware,
        serial=dev.serial or v.get("serial"),
        confidence=dev.confidence,
        endpoint_reference=v.get("endpoint_reference"),
        mac_vendor=v.get("mac_vendor"),
        exposure=v.get("exposure"),
        evidence=v.get("evidence"),
        errors=v.get("errors"),
        notes=v.get("notes"),
        plan=v.get("plan"),
        score=dev.score,
        band=dev.band,
        score_factors=list(dev.score_factors or []),
    )


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
) -> list[DeviceRecord]:
    """Every device (of ``site``; only cameras, NVRs, DVRs and encoders with
    ``cameras_only``), in id order; an unknown site is a UsageError naming the sites."""
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


def device_detail(inv: Inventory, ref: str) -> DeviceDetail:
    """Everything known about one device: record, addresses, services, history, evidence."""
    with inv.session() as s:
        dev = find_device(s, ref)
        addresses: list[AddressRecord] = [
            {
                "ip": a.ip,
                "mac": a.mac,
                "first_seen": iso(a.first_seen),
                "last_seen": iso(a.last_seen),
            }
            for a in s.scalars(
                select(m.Address)
                .where(m.Address.device_id == dev.id)
                .order_by(m.Address.first_seen)
            )
        ]
        services: list[ServiceRecord] = [
            {
                "port": v.port,
                "protocol": v.protocol,
                "name": v.name,
                "banner": v.banner,
                "last_seen": iso(v.last_seen),
            }
            for v in s.scalars(
                select(m.Service)
                .where(m.Service.device_id == dev.id)
                .order_by(m.Service.protocol, m.Service.port)
            )
        ]
        history: list[HistoryEntry] = [
            {
                "scan_id": c.scan_id,
                "field": c.field,
                "old": c.old_value,
                "new": c.new_value,
                "at": iso(c.changed_at),
            }
            for c in s.scalars(
                select(m.Change).where(m.Change.device_id == dev.id).order_by(m.Change.id)
            )
        ]
        scans = list(
            s.scalars(
                select(m.Sighting.scan_id)
                .where(m.Sighting.device_id == dev.id)
                .order_by(m.Sighting.scan_id)
            )
        )
        observations: list[ObservationSummary] = [
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
        return DeviceDetail(
            device=device_record(dev),
            addresses=addresses,
            services=services,
            history=history,
            scans=scans,
            observations=observations,
        )


def latest_observations(s: Session, dev: m.Device) -> list[Observation]:
    """What the probes of a device's latest scan (or import) recorded, in order."""
    rows = s.scalars(
        select(m.Observation)
        .where(m.Observation.device_id == dev.id, m.Observation.scan_id == dev.last_scan_id)
        .order_by(m.Observation.id)
    ).all()
    return [
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


def latest_evidence(s: Session, dev: m.Device) -> dict[str, Any]:
    """The evidence document of a device's latest scan, rebuilt from stored observations."""
    return evidence_document(dev.ip, latest_observations(s, dev), mac=dev.mac)


def evidence_for(inv: Inventory, ref: str) -> dict[str, Any]:
    """The evidence document of a device's latest scan; ``ref`` as for :func:`find_device`."""
    with inv.session() as s:
        return latest_evidence(s, find_device(s, ref))


def device_ids(inv: Inventory, *, site: str | None = None) -> list[int]:
    """The ids of every device (of ``site``), in id order; an unknown site is a UsageError
    naming the sites."""
    site_name = resolve_site(inv, site) if site else None
    with inv.session() as s:
        q = select(m.Device.id).join(m.Site)
        if site_name:
            q = q.where(m.Site.name == site_name)
        return list(s.scalars(q.order_by(m.Device.id)))


def scan_changes(inv: Inventory, scan_a: int, scan_b: int) -> ScanChanges:
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
        scope_b = scan_scope(later) if later is not None else None
        devs = {
            d.id: d for d in s.scalars(select(m.Device).where(m.Device.id.in_(set(a) | set(b))))
        }
        out = ScanChanges()
        for dev_id in sorted(set(b) - set(a)):
            out.new.append(device_record(devs[dev_id]))
        # Missing means in the later scan's scope and not answering; a device outside a
        # partial re-scan's scope was simply not asked.
        for dev_id in sorted(set(a) - set(b)):
            ip = a[dev_id].ip
            asked = scope_b is None or (ip is not None and scope_b.contains(ip))
            (out.missing if asked else out.not_scanned).append(device_record(devs[dev_id]))
        lo, hi = sorted((scan_a, scan_b))
        for dev_id in sorted(set(a) & set(b)):
            if a[dev_id].ip != b[dev_id].ip:
                out.moved.append(
                    MovedDevice(device_record(devs[dev_id]), a[dev_id].ip, b[dev_id].ip)
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
                (out.firmware_changed if c.field == "firmware" else out.changed).append(
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
                "set_at": iso(p.set_at),
            }
            for name, p in rows
        }
