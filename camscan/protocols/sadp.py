"""Hikvision SADP XML replies (``<ProbeMatch>`` / ``<Hello>`` on UDP 37020)."""

from __future__ import annotations

from dataclasses import dataclass

from camscan.protocols._common import ParseError, child_texts, local, normalise_mac, parse_xml


@dataclass(frozen=True, slots=True)
class SadpReply:
    """The elements of one SADP reply, by name."""

    kind: str
    values: dict[str, str]

    @property
    def mac(self) -> str | None:
        return normalise_mac(self.values.get("MAC"))

    @property
    def activated(self) -> bool | None:
        """True/False from ``Activated`` (firmware also writes ``flase``), else None."""
        v = self.values.get("Activated", "").strip().lower()
        if v == "true":
            return True
        if v in ("false", "flase"):
            return False
        return None

    def fields(self) -> list[tuple[str, str]]:
        """(field, value) pairs for the fingerprint engine."""
        out = [("sadp.kind", self.kind)]
        out.extend((f"sadp.{k}", v) for k, v in self.values.items())
        return out


def parse_sadp(raw: bytes | str) -> SadpReply:
    """Parse a SADP ``ProbeMatch``/``Hello`` XML reply."""
    root = parse_xml(raw, what="SADP reply")
    kind = local(root.tag)
    if kind not in ("ProbeMatch", "Hello", "ProbeMatches"):
        raise ParseError(f"SADP reply: root is {kind!r}, not ProbeMatch")
    if kind == "ProbeMatches":
        inner = next((c for c in root if local(c.tag) == "ProbeMatch"), None)
        if inner is None:
            raise ParseError("SADP reply: ProbeMatches without ProbeMatch")
        root, kind = inner, "ProbeMatch"
    values = {k: v[:1024] for k, v in child_texts(root).items()}
    if not any(k in values for k in ("DeviceDescription", "DeviceSN", "MAC", "DeviceType")):
        raise ParseError("SADP reply: no device fields (DeviceDescription, DeviceSN, MAC)")
    return SadpReply(kind=kind, values=values)
