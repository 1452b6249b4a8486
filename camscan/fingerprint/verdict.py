"""The verdict for one device and its JSON form (the engine API of the team brief)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Verdict:
    """Who a device is, with the evidence that led there."""

    is_camera: bool = False
    device_type: str = "unknown"
    brand: str | None = None
    manufacturer: str | None = None
    white_label: bool = False
    model: str | None = None
    firmware: str | None = None
    serial: str | None = None
    confidence: float = 0.0
    evidence: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    # What the reader should know about how the evidence was weighed, in words (e.g. a
    # catch-all web port whose path evidence was discounted).  Not errors: nothing failed.
    notes: list[str] = field(default_factory=list)
    endpoint_reference: str | None = None
    mac: str | None = None
    mac_vendor: str | None = None
    exposure: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with every verdict field."""
        return {
            "is_camera": self.is_camera,
            "device_type": self.device_type,
            "brand": self.brand,
            "manufacturer": self.manufacturer,
            "white_label": self.white_label,
            "model": self.model,
            "firmware": self.firmware,
            "serial": self.serial,
            "confidence": self.confidence,
            "evidence": self.evidence,
            "errors": self.errors,
            "conflicts": self.conflicts,
            "notes": self.notes,
            "endpoint_reference": self.endpoint_reference,
            "mac": self.mac,
            "mac_vendor": self.mac_vendor,
            "exposure": self.exposure,
        }
