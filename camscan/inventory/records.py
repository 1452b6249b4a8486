"""The typed records the inventory's queries return (camscan/inventory/queries.py).

A record is a frozen dataclass read by attribute; ``as_dict()`` gives the JSON/CSV form of
docs/json-output.md at the edge where it is printed or exported, key for key and in the
order those documents show.  No ORM object leaves the inventory package.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, TypedDict

__all__ = [
    "VERDICT_FIELDS",
    "AddressRecord",
    "DeviceDetail",
    "DeviceRecord",
    "FieldChange",
    "HistoryEntry",
    "MovedDevice",
    "ObservationSummary",
    "ScanChanges",
    "ServiceRecord",
]


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


@dataclass(frozen=True)
class DeviceRecord:
    """One device as the inventory knows it: identity, the latest verdict flattened, the
    stored score (the Device record of docs/json-output.md)."""

    id: int
    ip: str | None
    mac: str | None
    site: str
    zone: str | None
    criticality: str | None  # the device's own, else its site's
    first_seen: str | None  # ISO 8601, seconds
    last_seen: str | None
    is_camera: bool
    device_type: str
    brand: str | None
    manufacturer: str | None
    white_label: bool
    model: str | None
    firmware: str | None
    serial: str | None
    confidence: float
    endpoint_reference: str | None
    mac_vendor: str | None
    exposure: dict[str, Any] | None
    evidence: list[dict[str, Any]] | None
    errors: list[Any] | None
    notes: list[str] | None
    plan: dict[str, Any] | None
    score: float | None = None
    band: str | None = None
    score_factors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (docs/json-output.md), in the documented key order."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["score_factors"] = list(self.score_factors)
        return out

    def scored(self, score: float, band: str, factors: list[dict[str, Any]]) -> DeviceRecord:
        """This record with a score computed now (nothing stored)."""
        return dataclasses.replace(self, score=score, band=band, score_factors=list(factors))


class AddressRecord(TypedDict):
    ip: str | None
    mac: str | None
    first_seen: str | None
    last_seen: str | None


class ServiceRecord(TypedDict):
    port: int
    protocol: str
    name: str | None
    banner: str | None
    last_seen: str | None


class HistoryEntry(TypedDict):
    scan_id: int | None
    field: str
    old: str | None
    new: str | None
    at: str | None


class ObservationSummary(TypedDict):
    scan_id: int
    probe: str
    port: int | None
    bytes: int
    truncated: bool
    error: str | None


@dataclass(frozen=True)
class DeviceDetail:
    """Everything known about one device (`camscan show`): its record, the addresses and
    services it has had, its history of changes, the scans that saw it and the latest
    scan's observations."""

    device: DeviceRecord
    addresses: list[AddressRecord]
    services: list[ServiceRecord]
    history: list[HistoryEntry]
    scans: list[int]
    observations: list[ObservationSummary]

    def as_dict(self) -> dict[str, Any]:
        """The device record's keys followed by the detail's (docs/json-output.md)."""
        return self.device.as_dict() | {
            "addresses": list(self.addresses),
            "services": list(self.services),
            "history": list(self.history),
            "scans": list(self.scans),
            "observations": list(self.observations),
        }


@dataclass(frozen=True)
class MovedDevice:
    """A device both scans saw, at another address in the later one."""

    device: DeviceRecord
    old_ip: str | None
    new_ip: str | None

    def as_dict(self) -> dict[str, Any]:
        return self.device.as_dict() | {"old_ip": self.old_ip, "new_ip": self.new_ip}


class FieldChange(TypedDict):
    id: int
    ip: str | None
    field: str
    old: str | None
    new: str | None
    scan_id: int | None


@dataclass(frozen=True)
class ScanChanges:
    """What changed between two scans (`camscan diff`)."""

    new: list[DeviceRecord] = field(default_factory=list)
    missing: list[DeviceRecord] = field(default_factory=list)  # in the later scope, silent
    not_scanned: list[DeviceRecord] = field(default_factory=list)  # outside the later scope
    moved: list[MovedDevice] = field(default_factory=list)
    firmware_changed: list[FieldChange] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)  # model, maker, serial, MAC

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        """The JSON form of `camscan diff --json`."""
        return {
            "new": [d.as_dict() for d in self.new],
            "missing": [d.as_dict() for d in self.missing],
            "not_scanned": [d.as_dict() for d in self.not_scanned],
            "moved": [d.as_dict() for d in self.moved],
            "firmware_changed": [dict(c) for c in self.firmware_changed],
            "changed": [dict(c) for c in self.changed],
        }
