"""What a probe saw, and the evidence document built from it.

An :class:`Observation` is one reply (or one failure) from one probe against one host.
Probes only record; they never decide who made a device.  The fingerprint engine reads
*evidence documents* (docs/evidence.md): one JSON object per device, the same shape that
``camscan identify`` accepts, so a live scan and an offline capture are identified by
exactly the same code.  :func:`evidence_document` is the one place that turns stored
observations into that document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from camscan.config import MAX_OBSERVATION_BYTES


def probe_names() -> tuple[str, ...]:
    """Every Observation.probe value, from the probe registry (camscan/probes)."""
    from camscan.probes import observation_names

    return observation_names()


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
    def failed(
        cls,
        probe: str,
        ip: str,
        error: BaseException | str,
        *,
        port: int | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Observation:
        """The record of a probe that failed: one line of at most 200 characters (an
        exception is written as its type and message)."""
        text = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else error
        return cls(
            probe=probe,
            ip=ip,
            port=port,
            meta=dict(meta or {}),
            error=" ".join(text.split())[:200],
        )

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


def evidence_document(
    ip: str | None,
    observations: Iterable[Observation],
    *,
    mac: str | None = None,
) -> dict[str, Any]:
    """Assemble the evidence document (docs/evidence.md) for one device.

    Each observation goes under its probe's evidence key, shaped by that key's registry
    entry (camscan/probes): a list of entries, one object, or nothing of its own (ARP's MAC,
    TCP's open ports).  Failures go to ``probe_errors``.
    """
    from camscan.probes import evidence_keys

    keys = evidence_keys()
    doc: dict[str, Any] = {}
    if ip:
        doc["ip"] = ip
    if mac:
        doc["mac"] = mac
    open_ports: set[int] = set()
    errors: list[dict[str, Any]] = []
    for obs in observations:
        if obs.error:
            errors.append({"probe": obs.probe, "port": obs.port, "error": obs.error})
            if not obs.raw and not obs.meta:
                continue
        key = keys.get(obs.probe)
        if key is None:
            errors.append({"probe": obs.probe, "port": obs.port, "error": "unknown probe"})
            continue
        if obs.port is not None and key.opens_port:
            open_ports.add(obs.port)
        if obs.probe == "arp":
            if obs.meta.get("mac") and "mac" not in doc:
                doc["mac"] = obs.meta["mac"]
        elif key.entry is not None and key.shape != "none":
            entry = key.entry(obs)
            if entry is not None:
                if key.shape == "object":
                    doc[key.key] = entry
                else:
                    doc.setdefault(key.key, []).append(entry)
        if obs.truncated:
            errors.append({"probe": obs.probe, "port": obs.port, "error": "reply truncated"})
    if open_ports:
        doc["open_ports"] = sorted(open_ports)
    if errors:
        doc["probe_errors"] = errors
    return doc
