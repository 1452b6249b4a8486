"""The probe registry: every probe camscan can run, described once.

Everything else that names probes is derived from :data:`REGISTRY`: the CLI's ``--probes``
choices (camscan/cli/scan.py), the evidence document's keys and their shape
(camscan/observations.py), the rule fields the loader accepts
(camscan/fingerprint/rules.py), the UDP ports and service names shown for a device
(camscan/inventory/repository.py) and the order of work of a host's plan
(camscan/discovery/plan.py).  Adding a probe is one module with an entry point plus one
:class:`Probe` entry here (docs/probes.md, "Adding a probe").

This module is pure data and small functions: it imports no probe module, so the rule
loader and ``camscan identify`` can read it without the network stack.  Entry points are
named ``"module:function"`` and imported when a scan first runs them.
"""

from __future__ import annotations

import base64
import importlib
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from camscan.discovery.host import Host
    from camscan.observations import Observation

Transport = Literal["arp", "tcp", "udp", "http", "rtsp", "soap", "snmp"]
# When a probe runs (camscan/discovery/plan.py):
#   local      the local-segment stage (ARP, one multicast round per UDP discovery probe)
#   sweep      the TCP connect sweep that every live host gets
#   first      the first round of a host's plan: cheap, every host it applies to
#   follow-up  only when earlier evidence points to it, or as the bounded fallback
#   opt-in     only when the user gives what it needs (an SNMP community)
When = Literal["local", "sweep", "first", "follow-up", "opt-in"]
Shape = Literal["list", "object", "none"]
EntryPoint = Callable[["Host", "Probe"], Awaitable[list["Observation"]]]
ToEntry = Callable[["Observation"], "dict[str, Any] | None"]


def text_or_b64(raw: bytes) -> dict[str, str]:
    """``{"raw": text}`` when the bytes are valid UTF-8, else ``{"raw_b64": ...}``."""
    try:
        return {"raw": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"raw_b64": base64.b64encode(raw).decode("ascii")}


@dataclass(frozen=True)
class EvidenceKey:
    """One key of the evidence document (docs/evidence.md) and the observations behind it.

    ``key`` is both ``Observation.probe`` and the document key.  ``entry`` turns one
    observation into the document's entry (None: nothing to add); ``shape`` says whether
    the key holds a list of entries, one object (the last observation's) or nothing.
    ``fields`` and ``prefixes`` are the rule fields the extractor
    (camscan/fingerprint/extract.py) yields from this key.
    """

    key: str
    entry: ToEntry | None = None
    shape: Shape = "list"
    fields: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    service: str | None = None  # the service name shown for the observation's port
    opens_port: bool = False  # an observation with a port means that TCP port is open


@dataclass(frozen=True)
class UdpMessage:
    """What a UDP discovery probe sends, and where (camscan/discovery/messages.py)."""

    payload: str  # "module:function" building the datagram
    group: str | None  # multicast group on a local segment
    broadcast: bool = False  # also the segment's broadcast address


@dataclass(frozen=True)
class Probe:
    """One registry entry."""

    name: str  # the --probes name
    transport: Transport
    evidence: tuple[EvidenceKey, ...]
    run: str  # "module:function", an EntryPoint; "" for the stages' own probes (arp, tcp)
    parser: str  # what reads its replies (camscan/protocols/...)
    cost: str  # requests per host when it runs (docs/probes.md)
    when: When
    ports: tuple[int, ...] = ()  # its UDP port, or the TCP ports it applies to
    udp: UdpMessage | None = None
    default: bool = True  # in the default --probes list
    summary: str = ""  # one line for --help and docs

    @property
    def key(self) -> str:
        """The evidence key of its main observation (``dahua`` -> ``dahua_discovery``)."""
        return self.evidence[0].key if self.evidence else self.name

    def entry_point(self) -> EntryPoint:
        module, _, func = self.run.partition(":")
        fn: EntryPoint = getattr(importlib.import_module(module), func)
        return fn


# -- evidence entries (the shapes of docs/evidence.md) ----------------------------------------


def _http(o: Observation) -> dict[str, Any]:
    m = o.meta
    out: dict[str, Any] = {"port": o.port, "tls": bool(m.get("tls")), "path": m.get("path", "/")}
    if m.get("canary"):
        out["canary"] = True
    if m.get("redirect_from"):
        out["redirect_from"] = m["redirect_from"]
    return {**out, **text_or_b64(o.raw)}


def _tls(o: Observation) -> dict[str, Any]:
    entry: dict[str, Any] = {"port": o.port}
    for k in ("pem", "subject", "issuer"):
        if o.meta.get(k):
            entry[k] = o.meta[k]
    return entry


def _port_raw(o: Observation) -> dict[str, Any]:
    return {"port": o.port, **text_or_b64(o.raw)}


def _raw(o: Observation) -> dict[str, Any]:
    return text_or_b64(o.raw)


def _b64(o: Observation) -> dict[str, Any]:
    return {"raw_b64": base64.b64encode(o.raw).decode("ascii")}


def _ssdp(o: Observation) -> dict[str, Any]:
    entry: dict[str, Any] = text_or_b64(o.raw)
    if o.meta.get("description") is not None:
        entry["description"] = o.meta["description"]
    return entry


def _mdns(o: Observation) -> dict[str, Any]:
    m = o.meta
    return {
        "service": m.get("service"),
        "name": m.get("name"),
        "properties": m.get("properties", {}),
    }


def _snmp(o: Observation) -> dict[str, Any]:
    return {k: o.meta[k] for k in ("sysDescr", "sysObjectID", "sysName") if k in o.meta}


def _meta(o: Observation) -> dict[str, Any]:
    return dict(o.meta)


def _onvif(o: Observation) -> dict[str, Any]:
    return {"port": o.port, **dict(o.meta)}


def _plan(o: Observation) -> dict[str, Any]:
    return dict(o.meta)


def _dhcp(o: Observation) -> dict[str, Any]:
    entry: dict[str, Any] = {k: o.meta[k] for k in DHCP_ENTRY_KEYS if o.meta.get(k)}
    if o.raw:
        entry["raw_b64"] = base64.b64encode(o.raw).decode("ascii")
    return entry


# What a DHCP client says about itself (RFC 2132 options 12, 60, 55, 61) and where it was read
# (``capture``: a listen session or pcap; ``import``: a lease table).
DHCP_ENTRY_KEYS = ("hostname", "vendor_class", "param_list", "client_id", "source")


HTTP_FIELDS = frozenset(
    {
        "http.status",
        "http.server",
        "http.headers",
        "http.title",
        "http.body",
        "http.www_authenticate",
        "http.realm",
        "http.cookie",
        "http.location",
        "http.favicon_mmh3",
    }
)
RTSP_FIELDS = frozenset(
    {
        "rtsp.status",
        "rtsp.headers",
        "rtsp.server",
        "rtsp.www_authenticate",
        "rtsp.realm",
        "rtsp.public",
        "rtsp.sdp",
        "rtsp.sdp_session",
    }
)
WSD_FIELDS = frozenset(
    {
        "wsd.action",
        "wsd.namespace",
        "wsd.fault",
        "wsd.epr",
        "wsd.types",
        "wsd.scopes",
        "wsd.metadata_version",
    }
)
ONVIF_FIELDS = frozenset(
    f"onvif.{k}" for k in ("Manufacturer", "Model", "FirmwareVersion", "SerialNumber", "HardwareId")
)
# The bounded, documented discovery requests (camscan/discovery/messages.py).
_M = "camscan.discovery.messages"

REGISTRY: list[Probe] = [
    Probe(
        "arp",
        "arp",
        (
            EvidenceKey(
                "arp", None, "none", frozenset({"mac.registrant", "mac.oui", "mac.address"})
            ),
        ),
        "",
        "ARP (RFC 826) on one AF_PACKET socket; OUI registrant (camscan/fingerprint/engine.py)",
        "1 ARP who-has per address of a local segment (+1 for the silent ones)",
        "local",
        summary="ARP sweep of local segments (root): who is there and their MAC",
    ),
    Probe(
        "tcp",
        "tcp",
        (
            EvidenceKey(
                "tcp", None, "none", frozenset({"ports.open"}), service="tcp", opens_port=True
            ),
        ),
        "",
        "connect state",
        "1 connect per port of --ports (not counted as requests)",
        "sweep",
        summary="TCP connect sweep of --ports",
    ),
    Probe(
        "wsdiscovery",
        "udp",
        (
            EvidenceKey(
                "wsdiscovery",
                _raw,
                fields=WSD_FIELDS,
                prefixes=("wsd.scope.",),
                service="ws-discovery",
            ),
        ),
        "camscan.discovery.udp:run",
        "camscan/protocols/wsdiscovery.py",
        "1 datagram (+1 retry when silent), unicast only where multicast did not reach",
        "first",
        ports=(3702,),
        udp=UdpMessage(f"{_M}:wsdiscovery_probe", "239.255.255.250"),
        summary="ONVIF WS-Discovery Probe",
    ),
    Probe(
        "sadp",
        "udp",
        (
            EvidenceKey(
                "sadp", _raw, fields=frozenset({"sadp.kind"}), prefixes=("sadp.",), service="sadp"
            ),
        ),
        "camscan.discovery.udp:run",
        "camscan/protocols/sadp.py",
        "1 datagram (+1 retry); unicast when port 8000 is open or a Hikvision hint",
        "follow-up",
        ports=(37020,),
        udp=UdpMessage(f"{_M}:sadp_inquiry", "239.255.255.250"),
        summary="Hikvision SADP inquiry",
    ),
    Probe(
        "dahua",
        "udp",
        (
            EvidenceKey(
                "dahua_discovery",
                _b64,
                fields=frozenset({"dhip.framed", "dhip.method"}),
                prefixes=("dhip.",),
                service="dhip",
            ),
        ),
        "camscan.discovery.udp:run",
        "camscan/protocols/dhip.py",
        "1 datagram (+1 retry); unicast when port 37777 is open or a Dahua hint",
        "follow-up",
        ports=(37810,),
        udp=UdpMessage(f"{_M}:dhip_search", "239.255.255.251", broadcast=True),
        summary="Dahua DHIP DHDiscover.search",
    ),
    Probe(
        "ssdp",
        "udp",
        (
            EvidenceKey(
                "ssdp",
                _ssdp,
                fields=frozenset({"ssdp.server", "ssdp.usn", "ssdp.st", "ssdp.location"}),
                prefixes=("upnp.",),
                service="ssdp",
            ),
        ),
        "camscan.discovery.udp:run",
        "camscan/protocols/ssdp.py",
        "1 datagram (+1 retry) unicast in the fallback; 1 GET of the same-host LOCATION",
        "follow-up",
        ports=(1900,),
        udp=UdpMessage(f"{_M}:ssdp_msearch", "239.255.255.250"),
        summary="SSDP M-SEARCH and the UPnP description",
    ),
    Probe(
        "mdns",
        "udp",
        (
            EvidenceKey(
                "mdns",
                _mdns,
                fields=frozenset({"mdns.service", "mdns.name", "mdns.properties"}),
                service="mdns",
            ),
        ),
        "camscan.discovery.udp:run",
        "camscan/discovery/mdns.py (zeroconf's DNS parser), camscan/protocols/records.py",
        "1 datagram (+1 retry) unicast in the fallback",
        "follow-up",
        ports=(5353,),
        udp=UdpMessage(f"{_M}:mdns_query", "224.0.0.251"),
        summary="mDNS PTR queries for camera service types",
    ),
    Probe(
        "rtsp",
        "rtsp",
        (EvidenceKey("rtsp", _port_raw, fields=RTSP_FIELDS, service="rtsp", opens_port=True),),
        "camscan.discovery.plan:rtsp_first",
        "camscan/protocols/rtsp.py",
        "OPTIONS + DESCRIBE on one connection, first open RTSP port (every port: --thorough)",
        "first",
        ports=(554, 8554, 10554, 7447),
        summary="RTSP OPTIONS and DESCRIBE without credentials",
    ),
    Probe(
        "http",
        "http",
        (
            EvidenceKey(
                "http",
                _http,
                fields=HTTP_FIELDS,
                prefixes=("isapi.", "http.kv."),
                service="http",
                opens_port=True,
            ),
            EvidenceKey(
                "tls",
                _tls,
                fields=frozenset({"tls.subject", "tls.issuer"}),
                service="https",
                opens_port=True,
            ),
        ),
        "camscan.discovery.plan:http_first",
        "camscan/protocols/http.py, camscan/protocols/tls.py",
        "GET / per web port (+1 same-host redirect hop), then the plan's follow-ups: "
        "1 canary per port asked a vendor path, vendor paths, favicon",
        "first",
        summary="HTTP(S) pages, vendor identification paths, favicon, TLS certificate",
    ),
    Probe(
        "onvif",
        "soap",
        (
            EvidenceKey("onvif", _onvif, fields=frozenset(), service="onvif", opens_port=True),
            EvidenceKey("onvif_device_information", _meta, "object", fields=ONVIF_FIELDS),
        ),
        "camscan.discovery.onvif:run",
        "camscan/discovery/onvif.py (defusedxml), camscan/protocols/records.py",
        "GetSystemDateAndTime, GetDeviceInformation (+1 with --onvif-user), "
        "GetNetworkInterfaces when the information came",
        "follow-up",
        summary="ONVIF device service (the host's own XAddrs)",
    ),
    Probe(
        "snmp",
        "snmp",
        (
            EvidenceKey(
                "snmp",
                _snmp,
                "object",
                frozenset({"snmp.sysDescr", "snmp.sysObjectID", "snmp.sysName"}),
                service="snmp",
            ),
        ),
        "camscan.discovery.snmp:run",
        "pysnmp; camscan/protocols/records.py",
        "1 GET (sysDescr, sysObjectID, sysName) + retries, only with --snmp-community",
        "opt-in",
        ports=(161,),
        summary="SNMP v2c system group (needs --snmp-community)",
    ),
]

# Keys that are no probe's own: the host plan's record, and scan-level failures.
PLAN_KEY = EvidenceKey("plan", _plan, "object")
# Passive-only sources: heard by `camscan listen`, read from a capture or an import, never
# asked by a scan (they belong to no Probe, so the planner cannot schedule them).
DHCP_KEY = EvidenceKey(
    "dhcp",
    _dhcp,
    fields=frozenset({"dhcp.hostname", "dhcp.vendor_class", "dhcp.param_list", "dhcp.client_id"}),
)
PASSIVE_KEYS: tuple[EvidenceKey, ...] = (DHCP_KEY,)
SCAN_KEY = EvidenceKey("scan", None, "none")
# Import-only: nmap's -sV reading of a port (camscan/imports/nmap.py), never scheduled by a scan.
NMAP_KEY = EvidenceKey(
    "nmap",
    _port_raw,
    fields=frozenset(
        f"nmap.{k}" for k in ("service", "product", "version", "extrainfo", "devicetype")
    )
    | {"nmap.method", "nmap.conf"},
)
IMPORT_KEYS: tuple[EvidenceKey, ...] = (NMAP_KEY,)
# A rule field no probe yields: the engine derives it from any source's model capture.
DERIVED_FIELDS = frozenset({"model"})


# -- lookups ---------------------------------------------------------------------------------


def probe(name: str) -> Probe:
    """The entry named ``name`` (the --probes name); KeyError when there is none."""
    for p in REGISTRY:
        if p.name == name:
            return p
    raise KeyError(name)


def names() -> tuple[str, ...]:
    """Every --probes name, in registry order."""
    return tuple(p.name for p in REGISTRY)


def default_names() -> tuple[str, ...]:
    """The probes a scan runs when --probes is not given."""
    return tuple(p.name for p in REGISTRY if p.default)


def evidence_keys() -> dict[str, EvidenceKey]:
    """Observation.probe -> its evidence key, for every probe plus ``plan`` and ``scan``."""
    out = {k.key: k for p in REGISTRY for k in p.evidence}
    out.update((k.key, k) for k in PASSIVE_KEYS)
    out[PLAN_KEY.key] = PLAN_KEY
    out[SCAN_KEY.key] = SCAN_KEY
    out.update((k.key, k) for k in IMPORT_KEYS)
    return out


def observation_names() -> tuple[str, ...]:
    """Every Observation.probe value a scan, a listen session or an import can store."""
    return tuple(evidence_keys())


def udp_ports() -> dict[str, int]:
    """UDP probe's evidence key -> its port (the device's UDP services)."""
    return {p.key: p.ports[0] for p in REGISTRY if p.transport in ("udp", "snmp") and p.ports}


def service_name(key: str) -> str | None:
    """The service name shown for an observation of evidence key ``key``."""
    ek = evidence_keys().get(key)
    return ek.service if ek else None


def opens_port(key: str) -> bool:
    ek = evidence_keys().get(key)
    return bool(ek and ek.opens_port)


class RuleFields:
    """The rule fields the loader accepts: what the registered probes yield, plus the
    derived ones; read live, so a probe registered later is accepted too."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.all()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.all()))

    def __len__(self) -> int:
        return len(self.all())

    @staticmethod
    def all() -> frozenset[str]:
        out: set[str] = set(DERIVED_FIELDS)
        for k in PASSIVE_KEYS:
            out |= k.fields
        for p in REGISTRY:
            for k in p.evidence:
                out |= k.fields
        for k in IMPORT_KEYS:
            out |= k.fields
        return frozenset(out)


def rule_prefixes() -> tuple[str, ...]:
    """Families of rule fields named after what the device sent (XML elements, keys)."""
    out: list[str] = []
    for p in REGISTRY:
        for k in p.evidence:
            out.extend(x for x in k.prefixes if x not in out)
    return tuple(out)


@contextmanager
def registered(entry: Probe) -> Iterator[Probe]:
    """Add ``entry`` to the registry for the block (tests; a plug-in's own scan)."""
    if entry.name in names():
        raise ValueError(f"probe {entry.name!r} is registered already")
    REGISTRY.append(entry)
    try:
        yield entry
    finally:
        REGISTRY.remove(entry)


def describe() -> list[Mapping[str, Any]]:
    """The registry as rows (docs, `--help`)."""
    return [
        {
            "name": p.name,
            "transport": p.transport,
            "ports": list(p.ports),
            "evidence": [k.key for k in p.evidence],
            "when": p.when,
            "cost": p.cost,
            "default": p.default,
        }
        for p in REGISTRY
    ]
