"""The read-only discovery requests camscan sends (formats and their sources: docs/probes.md).

Only inquiries: a WS-Discovery Probe, a SADP ``inquiry``, a DHIP ``DHDiscover.search``, an
SSDP M-SEARCH and an mDNS PTR query.  The same ports accept activation, reset and
re-addressing commands; camscan never builds those.
"""

from __future__ import annotations

import importlib
import json
import struct
import uuid

from camscan.discovery.udp import UdpProbe

WSD_GROUP, WSD_PORT = "239.255.255.250", 3702
SADP_GROUP, SADP_PORT = "239.255.255.250", 37020
DHIP_GROUP, DHIP_PORT = "239.255.255.251", 37810
SSDP_GROUP, SSDP_PORT = "239.255.255.250", 1900
MDNS_GROUP, MDNS_PORT = "224.0.0.251", 5353

# mDNS service types of cameras and recorders (research §5.2)
MDNS_SERVICES = (
    "_axis-video._tcp.local",
    "_axis-nvr._tcp.local",
    "_arec._tcp.local",
    "_rtsp._tcp.local",
    "_onvif._tcp.local",
)


def wsdiscovery_probe(types: str = "dn:NetworkVideoTransmitter") -> bytes:
    """An ONVIF WS-Discovery Probe (typed), with a fresh MessageID."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
        'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Header>'
        '<a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe'
        f"</a:Action><a:MessageID>uuid:{uuid.uuid4()}</a:MessageID>"
        "<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
        '</a:Address></a:ReplyTo><a:To s:mustUnderstand="1">'
        "urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>"
        f"<s:Body><d:Probe><d:Types>{types}</d:Types></d:Probe></s:Body></s:Envelope>"
    ).encode()


def sadp_inquiry() -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>'
        f"{str(uuid.uuid4()).upper()}</Uuid><Types>inquiry</Types></Probe>"
    ).encode()


def dhip_search() -> bytes:
    body = json.dumps(
        {"method": "DHDiscover.search", "params": {"mac": "", "uni": 1}}, separators=(",", ":")
    ).encode()
    header = struct.pack("<I4sIIIIII", 0x20, b"DHIP", 0, 0, len(body), 0, len(body), 0)
    return header + body


def ssdp_msearch(host: str = f"{SSDP_GROUP}:{SSDP_PORT}") -> bytes:
    return (
        f'M-SEARCH * HTTP/1.1\r\nHost: {host}\r\nST: upnp:rootdevice\r\nMan: "ssdp:discover"\r\n'
        "MX: 2\r\n\r\n"
    ).encode()


def mdns_query(services: tuple[str, ...] = MDNS_SERVICES) -> bytes:
    """One DNS message asking PTR for every camera service type (QU bit clear)."""
    out = struct.pack(">HHHHHH", 0, 0, len(services), 0, 0, 0)
    for name in services:
        for label in name.strip(".").split("."):
            out += bytes([len(label)]) + label.encode()
        out += b"\0" + struct.pack(">HH", 12, 1)
    return out


def udp_probes(names: frozenset[str]) -> list[UdpProbe]:
    """The UDP discovery probes of the registry (camscan/probes) enabled by ``names``."""
    from camscan.probes import REGISTRY

    out: list[UdpProbe] = []
    for p in REGISTRY:
        if p.udp is None or p.name not in names or not p.ports:
            continue
        module, _, func = p.udp.payload.partition(":")
        build = getattr(importlib.import_module(module), func)
        out.append(UdpProbe(p.key, p.ports[0], p.udp.group, p.udp.broadcast, build()))
    return out
