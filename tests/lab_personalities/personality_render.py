"""Render every template of a personality with a sample identity, as the lab server does."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from camscan_lab.personalities.base import Personality, draw_serial, template_fields


@dataclass
class Rendered:
    """Every formatted template of one personality, keyed by where it goes on the wire."""

    personality: Personality
    fields: dict[str, str]
    http: dict[tuple[int, str], tuple[int, str, list[tuple[str, str]], str]] = field(
        default_factory=dict
    )
    texts: dict[str, str] = field(default_factory=dict)  # protocol -> formatted template


def sample_fields(p: Personality, seed: int = 7) -> dict[str, str]:
    """A drawn identity for ``p`` (first OUI, first model and firmware) as template fields."""
    rng = random.Random(seed)
    mac = p.ouis[0] + ":4e:1f:2a"
    model = p.models[0]
    return template_fields(
        ip="10.77.1.23",
        mac=mac,
        model=model,
        firmware=p.firmwares[0],
        serial=draw_serial(p.serial_format, model, mac, rng),
        uuid="5b67c000-5850-11b4-82d6-44a642466724",
        brand=p.brand,
        hostname="host-10-77-1-23",
        boot_time="2024-03-01 08:15:42",
    )


def render(p: Personality) -> Rendered:
    """Format every template of ``p``; a bad placeholder raises here, as it would on the wire."""
    f = sample_fields(p)
    out = Rendered(p, f)
    for port, paths in p.http.items():
        for path, r in paths.items():
            headers = [(k, v.format(**f)) for k, v in r.headers]
            out.http[(port, path)] = (r.status, r.reason, headers, r.body.format(**f))
    if p.rtsp:
        out.texts["rtsp.options"] = p.rtsp.options.format(cseq="3", **f)
        out.texts["rtsp.describe"] = p.rtsp.describe.format(cseq="4", **f)
    if p.onvif:
        out.texts["onvif.scopes"] = " ".join(s.format(**f) for s in p.onvif.scopes)
        out.texts["onvif.epr"] = p.onvif.endpoint_reference.format(**f)
        out.texts["onvif.hardware_id"] = p.onvif.hardware_id.format(**f)
        if p.onvif.probe_match is not None:
            out.texts["onvif.probe_match"] = p.onvif.probe_match.format(
                message_id="uuid:0a6dc791-2be6-4991-9af1-454778a1917a", **f
            )
    if p.sadp is not None:
        out.texts["sadp"] = p.sadp.format(uuid_req="8282F1DB-2FA6-4709-B261-3C6B6A48CA17", **f)
    if p.dahua_discovery is not None:
        out.texts["dhip"] = p.dahua_discovery.format(**f)
    if p.ssdp_server is not None:
        out.texts["ssdp.server"] = p.ssdp_server.format(**f)
        out.texts["ssdp.location"] = p.ssdp_location.format(**f)
        out.texts["ssdp.usn"] = p.ssdp_usn.format(**f)
        out.texts["ssdp.st"] = p.ssdp_st.format(**f)
    if p.ssdp_description is not None:
        out.texts["ssdp.description"] = p.ssdp_description.format(**f)
    for i, (stype, instance, txt) in enumerate(p.mdns):
        out.texts[f"mdns.{i}.type"] = stype.format(**f)
        out.texts[f"mdns.{i}.instance"] = instance.format(**f)
        for k, v in txt.items():
            out.texts[f"mdns.{i}.txt.{k}"] = v.format(**f)
    for oid, value in p.snmp.items():
        out.texts[f"snmp.{oid}"] = value.format(**f)
    out.texts["tls.subject"] = p.tls_subject.format(**f)
    out.texts["tls.issuer"] = p.tls_issuer.format(**f)
    return out
