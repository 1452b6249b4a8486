"""What a probe saw, and the evidence document built from it.

An :class:`Observation` is one reply (or one failure) from one probe against one host.
Probes only record; they never decide who made a device.  The fingerprint engine reads
*evidence documents* (docs/evidence.md): one JSON object per device, the same shape that
``camscan identify`` accepts, so a live scan and an offline capture are identified by
exactly the same code.  :func:`evidence_document` is the one place that turns stored
observations into that document.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from camscan.config import MAX_OBSERVATION_BYTES

# Probe names used in Observation.probe and in the inventory.
PROBES = (
    "arp",
    "tcp",
    "http",
    "tls",
    "rtsp",
    "wsdiscovery",
    "sadp",
    "dahua_discovery",
    "ssdp",
    "mdns",
    "onvif_device_information",
    "onvif",
    "snmp",
)


@dataclass(frozen=True, slots=True)
class Observation:
    """One reply from one probe to one host (or the record of what went wrong).

    ``raw`` holds the reply exactly as it came off the wire, capped at
    MAX_OBSERVATION_BYTES (``truncated`` says so).  ``meta`` holds what is not a raw
    reply: the HTTP path and whether TLS was used, a certificate's PEM, a MAC address from
    ARP, parsed SNMP values, ONVIF device information fields, mDNS records.
    """

    probe: str
    ip: str
    port: int | None = None
    raw: bytes = b""
    truncated: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None

    @classmethod
    def capped(
        cls,
        probe: str,
        ip: str,
        raw: bytes,
        *,
        port: int | None = None,
        meta: Mapping[str, Any] | None = None,
        error: str | None = None,
        limit: int = MAX_OBSERVATION_BYTES,
    ) -> Observation:
        """Build an observation, keeping at most ``limit`` bytes of ``raw``."""
        truncated = len(raw) > limit
        return cls(
            probe=probe,
            ip=ip,
            port=port,
            raw=raw[:limit],
            truncated=truncated,
            meta=dict(meta or {}),
            error=error,
        )


def _text_or_b64(raw: bytes) -> dict[str, str]:
    """``{"raw": text}`` when the bytes are valid UTF-8, else ``{"raw_b64": ...}``."""
    try:
        return {"raw": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"raw_b64": base64.b64encode(raw).decode("ascii")}


def evidence_document(
    ip: str | None,
    observations: Iterable[Observation],
    *,
    mac: str | None = None,
) -> dict[str, Any]:
    """Assemble the evidence document (docs/evidence.md) for one device."""
    doc: dict[str, Any] = {}
    if ip:
        doc["ip"] = ip
    if mac:
        doc["mac"] = mac
    open_ports: set[int] = set()
    errors: list[dict[str, Any]] = []

    def add(key: str, entry: dict[str, Any]) -> None:
        doc.setdefault(key, []).append(entry)

    for obs in observations:
        if obs.error:
            errors.append({"probe": obs.probe, "port": obs.port, "error": obs.error})
            if not obs.raw and not obs.meta:
                continue
        if obs.port is not None and obs.probe in ("tcp", "http", "tls", "rtsp"):
            open_ports.add(obs.port)
        m = obs.meta
        if obs.probe == "arp":
            if m.get("mac") and "mac" not in doc:
                doc["mac"] = m["mac"]
        elif obs.probe == "tcp":
            pass
        elif obs.probe == "http":
            add(
                "http",
                {
                    "port": obs.port,
                    "tls": bool(m.get("tls")),
                    "path": m.get("path", "/"),
                    **_text_or_b64(obs.raw),
                },
            )
        elif obs.probe == "tls":
            entry: dict[str, Any] = {"port": obs.port}
            for k in ("pem", "subject", "issuer"):
                if m.get(k):
                    entry[k] = m[k]
            add("tls", entry)
        elif obs.probe in ("rtsp",):
            add("rtsp", {"port": obs.port, **_text_or_b64(obs.raw)})
        elif obs.probe in ("wsdiscovery", "sadp"):
            add(obs.probe, _text_or_b64(obs.raw))
        elif obs.probe == "dahua_discovery":
            add(obs.probe, {"raw_b64": base64.b64encode(obs.raw).decode("ascii")})
        elif obs.probe == "ssdp":
            entry = _text_or_b64(obs.raw)
            if m.get("description") is not None:
                entry["description"] = m["description"]
            add("ssdp", entry)
        elif obs.probe == "mdns":
            add(
                "mdns",
                {
                    "service": m.get("service"),
                    "name": m.get("name"),
                    "properties": m.get("properties", {}),
                },
            )
        elif obs.probe == "snmp":
            doc["snmp"] = {k: m[k] for k in ("sysDescr", "sysObjectID", "sysName") if k in m}
        elif obs.probe == "onvif_device_information":
            doc["onvif_device_information"] = dict(m)
        elif obs.probe == "onvif":
            doc.setdefault("onvif", []).append({"port": obs.port, **dict(m)})
        if obs.truncated:
            errors.append({"probe": obs.probe, "port": obs.port, "error": "reply truncated"})
    if "mac" not in doc and mac:
        doc["mac"] = mac
    if open_ports:
        doc["open_ports"] = sorted(open_ports)
    if errors:
        doc["probe_errors"] = errors
    return doc
