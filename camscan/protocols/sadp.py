"""Hikvision SADP XML replies (``<ProbeMatch>`` / ``<Hello>`` on UDP 37020)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from camscan.protocols._common import (
    MalformedXml,
    ParseError,
    child_texts,
    local,
    normalise_mac,
    parse_xml,
    xml_text,
)

_DEVICE_FIELDS = ("DeviceDescription", "DeviceSN", "MAC", "DeviceType")
_KIND = re.compile(r"<(ProbeMatch|Hello)[\s>]")
_ELEMENT = re.compile(r"<([A-Za-z][\w.-]{0,60})>([^<]{0,1024})</\1\s*>")


@dataclass(frozen=True, slots=True)
class SadpReply:
    """The elements of one SADP reply, by name."""

    kind: str
    values: dict[str, str]
    notes: tuple[str, ...] = ()  # what was wrong with the XML (cut off, malformed)

    @property
    def mac(self) -> str | None:
        return normalise_mac(self.values.get("MAC"))

    @property
    def activated(self) -> bool | None:
        """True/False from ``Activated`` (firmware also writes ``flase``: ``<DeviceLock>flase``
        in Haicam/Haicam:golang/libs/onvif/haicam_test/discoverytest.go@e7c5c18), else None."""
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
    """Parse a SADP ``ProbeMatch``/``Hello`` XML reply.  A reply cut off mid-document is
    read from its complete elements; ``notes`` says so."""
    text = xml_text(raw, what="SADP reply")
    try:
        root = parse_xml(text, what="SADP reply")
    except MalformedXml as err:
        return _partial(text, str(err))
    kind = local(root.tag)
    if kind not in ("ProbeMatch", "Hello", "ProbeMatches"):
        raise ParseError(f"SADP reply: root is {kind!r}, not ProbeMatch")
    if kind == "ProbeMatches":
        inner = next((c for c in root if local(c.tag) == "ProbeMatch"), None)
        if inner is None:
            raise ParseError("SADP reply: ProbeMatches without ProbeMatch")
        root, kind = inner, "ProbeMatch"
    values = {k: v[:1024] for k, v in child_texts(root).items()}
    if not any(k in values for k in _DEVICE_FIELDS):
        raise ParseError("SADP reply: no device fields (DeviceDescription, DeviceSN, MAC)")
    return SadpReply(kind=kind, values=values)


def _partial(text: str, error: str) -> SadpReply:
    kind = _KIND.search(text)
    if kind is None:
        raise MalformedXml(error)
    values: dict[str, str] = {}
    for m in _ELEMENT.finditer(text, kind.end()):
        if m.group(1) not in values:
            values[m.group(1)] = m.group(2).strip()
    if not any(k in values for k in _DEVICE_FIELDS):
        raise MalformedXml(f"{error}; no complete device field in the readable part")
    note = f"{error.removeprefix('SADP reply: ')}: reply cut off or malformed; "
    note += f"{len(values)} complete element(s) read"
    return SadpReply(kind=kind.group(1), values=values, notes=(note[:300],))
