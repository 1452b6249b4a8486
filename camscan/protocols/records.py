"""Already-structured records: ONVIF device information, SNMP values, mDNS records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from camscan.protocols._common import ParseError

ONVIF_KEYS = ("Manufacturer", "Model", "FirmwareVersion", "SerialNumber", "HardwareId")
SNMP_KEYS = ("sysDescr", "sysObjectID", "sysName")


def _text(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ParseError(f"{what}: expected text, got {type(value).__name__}")
    text = str(value).replace("\x00", "").strip()
    return text[:4096]


@dataclass(frozen=True, slots=True)
class FlatRecord:
    """A protocol's named values; ``fields()`` prefixes them for the engine."""

    prefix: str
    values: dict[str, str]

    def fields(self) -> list[tuple[str, str]]:
        """(field, value) pairs for the fingerprint engine."""
        return [(f"{self.prefix}.{k}", v) for k, v in self.values.items()]


def _flat(prefix: str, doc: Any, keys: tuple[str, ...], what: str) -> FlatRecord:
    if not isinstance(doc, dict):
        raise ParseError(f"{what}: expected an object, got {type(doc).__name__}")
    values = {}
    for key in keys:
        if doc.get(key) is not None:
            values[key] = _text(doc[key], f"{what}.{key}")
    return FlatRecord(prefix, values)


def parse_onvif_device_information(doc: Any) -> FlatRecord:
    """ONVIF GetDeviceInformation fields (Manufacturer, Model, FirmwareVersion, ...)."""
    return _flat("onvif", doc, ONVIF_KEYS, "onvif_device_information")


def parse_snmp(doc: Any) -> FlatRecord:
    """SNMP system values (sysDescr, sysObjectID, sysName); OIDs lose a leading dot."""
    rec = _flat("snmp", doc, SNMP_KEYS, "snmp")
    oid = rec.values.get("sysObjectID")
    if oid is not None:
        rec.values["sysObjectID"] = oid.removeprefix("iso.").lstrip(".").replace("iso.", "1.")
    return rec


def parse_mdns(doc: Any) -> FlatRecord:
    """One mDNS service record: service type, instance name, TXT properties as ``k=v``."""
    if not isinstance(doc, dict):
        raise ParseError(f"mdns: expected an object, got {type(doc).__name__}")
    values: dict[str, str] = {}
    for key in ("service", "name"):
        if doc.get(key) is not None:
            values[key] = _text(doc[key], f"mdns.{key}")
    props = doc.get("properties") or {}
    if not isinstance(props, dict):
        raise ParseError("mdns.properties: expected an object")
    pairs = []
    for k, v in list(props.items())[:64]:
        val = v.decode("utf-8", "replace") if isinstance(v, bytes) else v
        pairs.append(f"{_text(k, 'mdns key')}={'' if val is None else _text(val, 'mdns value')}")
    if pairs:
        values["properties"] = " ".join(pairs)
    return FlatRecord("mdns", values)
