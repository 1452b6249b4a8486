"""One simulated host as the lab server sees it: identity, personality, lab credentials.

Built once per host from the state file; the protocol handlers only read it.  Besides the
plain template fields it keeps XML- and JSON-escaped copies, because a real device's XML or
JSON encoder escapes what it puts into a document (a model name with ``<script>`` or a quote
stays data, not markup); hand-written hostile payloads live in the templates themselves.
"""

from __future__ import annotations

import json
import ssl
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from camscan_lab.personalities import by_name
from camscan_lab.personalities.base import Personality, template_fields
from camscan_lab.personalities.encode import fill

LOG_LINES_PER_HOST = 20


@dataclass(frozen=True)
class LabCredentials:
    """The per-lab secrets from the state file."""

    onvif_user: str
    onvif_password: str
    snmp_community: str


@dataclass
class Host:
    """A host of the state file with everything its handlers need."""

    id: str
    ip: str
    netns: str | None
    personality: Personality
    fields: dict[str, str]
    creds: LabCredentials
    xml_fields: dict[str, str] = field(default_factory=dict)
    json_fields: dict[str, str] = field(default_factory=dict)
    log_budget: int = LOG_LINES_PER_HOST
    active: int = 0  # open TCP connections
    tls_context: ssl.SSLContext | None = None  # set by the server for HTTPS hosts

    def __post_init__(self) -> None:
        self.xml_fields = {k: escape(v, {'"': "&quot;"}) for k, v in self.fields.items()}
        self.json_fields = {
            k: json.dumps(v, ensure_ascii=False)[1:-1] for k, v in self.fields.items()
        }

    @property
    def hostile(self) -> tuple[str, ...]:
        return self.personality.hostile

    def xml(self, template: str, **extra: str) -> str:
        """An XML template filled with XML-escaped identity fields."""
        return fill(template, self.xml_fields, **{k: escape(v) for k, v in extra.items()})

    def text(self, template: str, **extra: str) -> str:
        """A plain-text template (headers, SSDP lines, SNMP values)."""
        return fill(template, self.fields, **extra)

    def ssdp_location(self) -> tuple[int, str] | None:
        """(TCP port, path) where the UPnP description is served, or None."""
        p = self.personality
        if p.ssdp_server is None and p.ssdp_description is None:
            return None
        try:
            url = urlsplit(self.text(p.ssdp_location))
            return url.port or 80, url.path or "/"
        except (ValueError, KeyError, IndexError):
            return None

    def log(self, what: str, err: BaseException | str) -> None:
        """One short stderr line per problem, at most ``LOG_LINES_PER_HOST`` per host."""
        if self.log_budget <= 0:
            return
        self.log_budget -= 1
        detail = err if isinstance(err, str) else f"{type(err).__name__}: {err}"
        tail = " (further errors of this host not logged)" if self.log_budget == 0 else ""
        print(
            f"{time.strftime('%H:%M:%S')} {self.id} {self.ip} {what}: {str(detail)[:200]}{tail}",
            file=sys.stderr,
            flush=True,
        )


def host_from_state(entry: dict[str, Any], creds: LabCredentials) -> Host:
    """A Host from one ``hosts`` entry of the state file (KeyError when a key is missing or
    the personality is unknown)."""
    personality = by_name(str(entry["personality"]))
    fields = template_fields(
        ip=str(entry["ip"]),
        mac=str(entry["mac"]),
        model=str(entry["model"]),
        firmware=str(entry["firmware"]),
        serial=str(entry["serial"]),
        uuid=str(entry["uuid"]),
        brand=str(entry.get("brand", personality.brand)),
        hostname=str(entry.get("hostname", entry["id"])),
        boot_time=str(entry.get("boot_time", "2024-01-01 00:00:00")),
        name=str(entry.get("name", "")),
    )
    netns = entry.get("netns")
    return Host(
        id=str(entry["id"]),
        ip=str(entry["ip"]),
        netns=str(netns) if netns else None,
        personality=personality,
        fields=fields,
        creds=creds,
    )
