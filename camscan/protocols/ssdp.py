"""SSDP M-SEARCH replies / NOTIFY messages and UPnP device descriptions."""

from __future__ import annotations

from dataclasses import dataclass, field

from camscan.protocols._common import ParseError, local, parse_xml
from camscan.protocols._message import Message, parse_message

_DESCRIPTION_KEYS = (
    "deviceType",
    "friendlyName",
    "manufacturer",
    "manufacturerURL",
    "modelDescription",
    "modelName",
    "modelNumber",
    "serialNumber",
    "UDN",
    "presentationURL",
)


@dataclass(frozen=True, slots=True)
class SsdpReply:
    """An SSDP reply plus the fields of its UPnP description (when fetched)."""

    message: Message | None
    description: dict[str, str] = field(default_factory=dict)

    def fields(self) -> list[tuple[str, str]]:
        """(field, value) pairs for the fingerprint engine."""
        out: list[tuple[str, str]] = []
        if self.message is not None:
            for name, key in (
                ("SERVER", "server"),
                ("USN", "usn"),
                ("ST", "st"),
                ("NT", "st"),
                ("LOCATION", "location"),
            ):
                v = self.message.get(name)
                if v is not None:
                    out.append((f"ssdp.{key}", v))
        out.extend((f"upnp.{k}", v) for k, v in self.description.items())
        return out


def parse_upnp_description(raw: bytes | str) -> dict[str, str]:
    """The root device's identity fields from a UPnP description XML."""
    root = parse_xml(raw, what="UPnP description")
    if local(root.tag) != "root":
        raise ParseError(f"UPnP description: root is {local(root.tag)!r}, not root")
    device = next((c for c in root if local(c.tag) == "device"), None)
    if device is None:
        raise ParseError("UPnP description: no device element")
    out: dict[str, str] = {}
    for child in device:
        name = local(child.tag)
        if name in _DESCRIPTION_KEYS and child.text and child.text.strip():
            out[name] = child.text.strip()[:1024]
    return out


def parse_ssdp(raw: bytes | str | None, description: bytes | str | None = None) -> SsdpReply:
    """Parse an SSDP reply and, optionally, its description (errors raise ParseError)."""
    message = None
    if raw:
        message = parse_message(raw, expect=("HTTP",), what="SSDP reply")
    desc = parse_upnp_description(description) if description else {}
    if message is None and not desc:
        raise ParseError("SSDP: neither a reply nor a description")
    return SsdpReply(message=message, description=desc)
