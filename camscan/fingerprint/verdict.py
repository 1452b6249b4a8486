"""The verdict for one device and its JSON form (the engine API of the team brief).

A verdict travels as this object from the engine to the edge where it is stored
(camscan/inventory/repository.py) or printed (the CLI): ``to_dict()`` is that edge's form,
``from_dict()`` reads a stored or saved one back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ServiceFacts", "Verdict"]


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class ServiceFacts:
    """What the evidence shows of a device's services, as read and not judged: the input of
    the exposure summary that scoring computes (camscan/scoring/exposure.py)."""

    open_ports: tuple[int, ...] = ()
    http_plain: bool = False  # a web page answered over plain HTTP
    http_tls: bool = False  # and over TLS
    upnp: bool = False
    rtsp_200_describe: bool = False  # an RTSP DESCRIBE answered 200 without credentials
    onvif_no_auth: bool = False  # ONVIF device information given without credentials
    activated: bool | None = None  # SADP's activation state; None when not told
    firmware_date: str | None = None  # the build date read from a firmware string


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
    # What a live scan's planner asked and skipped (requests, why, skipped), for
    # `camscan show`; None for a verdict of a document without a plan.
    plan: dict[str, Any] | None = None
    # What the engine read of the services (not part of the JSON form; None for a verdict
    # read back from its JSON form or of a document that was no JSON object).
    facts: ServiceFacts | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with every verdict field (``plan`` only when there is one)."""
        out: dict[str, Any] = {
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
        if self.plan is not None:
            out["plan"] = self.plan
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        """The verdict a ``to_dict()`` record (stored, saved or hand-written) stands for;
        missing fields take their defaults, ill-typed ones are read as their type."""
        plan = data.get("plan")
        exposure = data.get("exposure")
        return cls(
            is_camera=bool(data.get("is_camera")),
            device_type=str(data.get("device_type") or "unknown"),
            brand=_text(data.get("brand")),
            manufacturer=_text(data.get("manufacturer")),
            white_label=bool(data.get("white_label")),
            model=_text(data.get("model")),
            firmware=_text(data.get("firmware")),
            serial=_text(data.get("serial")),
            confidence=float(data.get("confidence") or 0.0),
            evidence=_list(data.get("evidence")),
            errors=_list(data.get("errors")),
            conflicts=_list(data.get("conflicts")),
            notes=[str(n) for n in _list(data.get("notes"))],
            endpoint_reference=_text(data.get("endpoint_reference")),
            mac=_text(data.get("mac")),
            mac_vendor=_text(data.get("mac_vendor")),
            exposure=dict(exposure) if isinstance(exposure, Mapping) else {},
            plan=dict(plan) if isinstance(plan, Mapping) else None,
        )
