"""Evidence document -> the (field, value, source) triples rules read, plus per-field errors.

Every protocol entry goes through the parsers of :mod:`camscan.protocols`; a malformed entry
becomes an error record and the rest of the document is still read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from camscan.protocols import ParseError
from camscan.protocols._common import b64decode, normalise_mac, to_text
from camscan.protocols.dhip import parse_dhip
from camscan.protocols.http import favicon_of, parse_http_response
from camscan.protocols.records import parse_mdns, parse_onvif_device_information, parse_snmp
from camscan.protocols.rtsp import parse_rtsp_response
from camscan.protocols.sadp import parse_sadp
from camscan.protocols.ssdp import parse_ssdp
from camscan.protocols.tls import parse_certificate
from camscan.protocols.wsdiscovery import parse_wsdiscovery

MAX_ENTRIES = 64  # per protocol; more is noise or an attack


@dataclass(frozen=True, slots=True)
class Observed:
    """One value a rule may read."""

    field: str
    value: str
    source: str


@dataclass
class Extracted:
    """What a document holds, ready for matching and for the exposure summary."""

    observed: list[Observed] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    macs: list[tuple[str, str]] = field(default_factory=list)  # (mac, source)
    endpoint_reference: str | None = None
    activated: bool | None = None
    open_ports: list[int] = field(default_factory=list)
    http_plain: bool = False
    http_tls: bool = False
    rtsp_200_describe: bool = False
    upnp: bool = False
    onvif_no_auth: bool = False

    def add(self, source: str, pairs: list[tuple[str, str]]) -> None:
        self.observed.extend(Observed(f, v, source) for f, v in pairs if isinstance(v, str))

    def error(self, probe: str, err: object, **extra: Any) -> None:
        self.errors.append({"probe": probe, **extra, "error": str(err)[:300]})


def _raw(entry: dict[str, Any], what: str) -> bytes | str:
    """The reply of an entry: ``raw`` text or ``raw_b64`` bytes."""
    if "raw_b64" in entry and entry["raw_b64"] is not None:
        return b64decode(entry["raw_b64"], what=f"{what}.raw_b64")
    raw = entry.get("raw")
    if raw is None:
        raise ParseError(f"{what}: no raw or raw_b64")
    if not isinstance(raw, str):
        raise ParseError(f"{what}.raw: expected text, got {type(raw).__name__}")
    return raw


def _entries(doc: dict[str, Any], key: str, ex: Extracted) -> list[tuple[int, dict[str, Any]]]:
    value = doc.get(key)
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        ex.error(key, f"expected a list, got {type(value).__name__}")
        return []
    out = []
    for i, entry in enumerate(value[:MAX_ENTRIES]):
        if isinstance(entry, dict):
            out.append((i, entry))
        else:
            ex.error(key, f"entry {i}: expected an object, got {type(entry).__name__}")
    if len(value) > MAX_ENTRIES:
        ex.error(key, f"{len(value)} entries; only the first {MAX_ENTRIES} read")
    return out


def _port(entry: dict[str, Any]) -> int | None:
    p = entry.get("port")
    return p if isinstance(p, int) and not isinstance(p, bool) and 0 < p < 65536 else None


def _http(doc: dict[str, Any], ex: Extracted) -> None:
    for _, entry in _entries(doc, "http", ex):
        port = _port(entry)
        path = entry.get("path") if isinstance(entry.get("path"), str) else "/"
        src = f"http:{port}{path}"
        try:
            raw = _raw(entry, "http")
            resp = parse_http_response(raw)
        except ParseError as err:
            ex.error("http", err, port=port, path=path)
            continue
        ex.add(src, resp.fields(path=str(path)[:200]))
        if str(path).split("?", 1)[0].endswith("favicon.ico"):
            digest = favicon_of(raw)
            if digest is not None:
                ex.add(src, [("http.favicon_mmh3", str(digest))])
        if entry.get("tls") is True:
            ex.http_tls = True
        else:
            ex.http_plain = True
        mac = normalise_mac(resp.isapi.get("macAddress"))
        if mac:
            ex.macs.append((mac, src))


def _rtsp(doc: dict[str, Any], ex: Extracted) -> None:
    for _, entry in _entries(doc, "rtsp", ex):
        port = _port(entry)
        try:
            resp = parse_rtsp_response(_raw(entry, "rtsp"))
        except ParseError as err:
            ex.error("rtsp", err, port=port)
            continue
        ex.add(f"rtsp:{port}", resp.fields())
        # An SDP body means DESCRIBE answered 200: the stream is open without credentials.
        if resp.status == 200 and "application/sdp" in (resp.message.get("Content-Type") or ""):
            ex.rtsp_200_describe = True
        elif resp.status == 200 and resp.message.body.lstrip().startswith("v=0"):
            ex.rtsp_200_describe = True


def _wsd(doc: dict[str, Any], ex: Extracted) -> None:
    for i, entry in _entries(doc, "wsdiscovery", ex):
        try:
            msg = parse_wsdiscovery(_raw(entry, "wsdiscovery"))
        except ParseError as err:
            ex.error("wsdiscovery", err)
            continue
        ex.add(f"wsdiscovery[{i}]", msg.fields())
        if msg.endpoint_reference and ex.endpoint_reference is None:
            ex.endpoint_reference = msg.endpoint_reference[:300]
        if msg.mac:
            ex.macs.append((msg.mac, f"wsdiscovery[{i}]"))


def _sadp(doc: dict[str, Any], ex: Extracted) -> None:
    for i, entry in _entries(doc, "sadp", ex):
        try:
            reply = parse_sadp(_raw(entry, "sadp"))
        except ParseError as err:
            ex.error("sadp", err)
            continue
        ex.add(f"sadp[{i}]", reply.fields())
        if reply.mac:
            ex.macs.append((reply.mac, f"sadp[{i}]"))
        if reply.activated is not None:
            ex.activated = reply.activated


def _dhip(doc: dict[str, Any], ex: Extracted) -> None:
    for i, entry in _entries(doc, "dahua_discovery", ex):
        try:
            reply = parse_dhip(_raw(entry, "dahua_discovery"))
        except ParseError as err:
            ex.error("dahua_discovery", err)
            continue
        ex.add(f"dahua_discovery[{i}]", reply.fields())
        if reply.mac:
            ex.macs.append((reply.mac, f"dahua_discovery[{i}]"))


def _ssdp(doc: dict[str, Any], ex: Extracted) -> None:
    for i, entry in _entries(doc, "ssdp", ex):
        ex.upnp = True
        desc = entry.get("description")
        try:
            raw = _raw(entry, "ssdp") if ("raw" in entry or "raw_b64" in entry) else None
            if desc is not None and not isinstance(desc, str):
                raise ParseError("ssdp.description: expected text")
            reply = parse_ssdp(raw, None)
            ex.add(f"ssdp[{i}]", reply.fields())
        except ParseError as err:
            ex.error("ssdp", err)
        if desc:
            try:
                ex.add(f"ssdp[{i}].description", parse_ssdp(None, desc).fields())
            except ParseError as err:
                ex.error("ssdp", err, field="description")


def _tls(doc: dict[str, Any], ex: Extracted) -> None:
    for _, entry in _entries(doc, "tls", ex):
        port = _port(entry)
        try:
            cert = parse_certificate(
                entry.get("pem"), subject=entry.get("subject"), issuer=entry.get("issuer")
            )
        except ParseError as err:
            ex.error("tls", err, port=port)
            continue
        ex.add(f"tls:{port}", cert.fields())


def _single(doc: dict[str, Any], key: str, parse: Callable[[Any], Any], ex: Extracted) -> None:
    value = doc.get(key)
    if value is None:
        return
    try:
        ex.add(key, parse(value).fields())
    except ParseError as err:
        ex.error(key, err)


def _mdns(doc: dict[str, Any], ex: Extracted) -> None:
    for i, entry in _entries(doc, "mdns", ex):
        try:
            ex.add(f"mdns[{i}]", parse_mdns(entry).fields())
        except ParseError as err:
            ex.error("mdns", err)


def _onvif(doc: dict[str, Any], ex: Extracted) -> None:
    info = doc.get("onvif_device_information")
    for _, entry in _entries(doc, "onvif", ex):
        if entry.get("authenticated") is False and (info or entry.get("Manufacturer")):
            ex.onvif_no_auth = True
        if info is None and any(k in entry for k in ("Manufacturer", "Model")):
            _single({"onvif": entry}, "onvif", parse_onvif_device_information, ex)


def _ports(doc: dict[str, Any], ex: Extracted) -> None:
    ports = doc.get("open_ports")
    if ports is None:
        return
    if not isinstance(ports, list):
        ex.error("open_ports", f"expected a list, got {type(ports).__name__}")
        return
    good = sorted({p for p in ports[:70000] if isinstance(p, int) and 0 < p < 65536})
    if len(good) != len(ports):
        ex.error("open_ports", "some entries were not port numbers")
    ex.open_ports = good
    ex.add("open_ports", [("ports.open", " " + " ".join(map(str, good)) + " ")])


def extract(doc: dict[str, Any]) -> Extracted:
    """Parse every protocol entry of an evidence document; never raises on bad input."""
    ex = Extracted()
    mac = doc.get("mac")
    if mac is not None:
        norm = normalise_mac(mac)
        if norm:
            ex.macs.append((norm, "mac"))
        else:
            ex.error("mac", f"not a MAC address: {to_text(str(mac))[:40]!r}", field="mac")
    for step in (_ports, _http, _rtsp, _wsd, _sadp, _dhip, _ssdp, _tls, _mdns, _onvif):
        try:
            step(doc, ex)
        except (ParseError, RecursionError, MemoryError) as err:  # last-resort guard
            ex.error(step.__name__.strip("_"), err)
    _single(doc, "onvif_device_information", parse_onvif_device_information, ex)
    _single(doc, "snmp", parse_snmp, ex)
    return ex
