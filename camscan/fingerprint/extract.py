"""Evidence document -> the (field, value, source) triples rules read, plus per-field errors.

Every protocol entry goes through the parsers of :mod:`camscan.protocols`; a malformed entry
becomes an error record and the rest of the document is still read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from camscan.protocols import ParseError
from camscan.protocols._common import b64decode, normalise_mac, to_text
from camscan.protocols.dhcp import MAX_OPTIONS, parse_options
from camscan.protocols.dhip import parse_dhip
from camscan.protocols.http import favicon_of, parse_http_response
from camscan.protocols.nmapservice import parse_nmap_service
from camscan.protocols.records import parse_mdns, parse_onvif_device_information, parse_snmp
from camscan.protocols.rtsp import parse_rtsp_response
from camscan.protocols.sadp import parse_sadp
from camscan.protocols.ssdp import parse_ssdp
from camscan.protocols.tls import parse_certificate
from camscan.protocols.wsdiscovery import parse_wsdiscovery

MAX_ENTRIES = 64  # per protocol; more is noise or an attack


@dataclass(frozen=True, slots=True)
class Observed:
    """One value a rule may read; ``discounted`` when the value says nothing about the path
    it came from (a catch-all server's page), so it may only count as weak evidence."""

    field: str
    value: str
    source: str
    discounted: bool = False


# HTTP fields that depend on which path was asked (docs/fingerprints.md "Catch-all servers");
# headers, realms, cookies and redirect targets describe the server whatever the path.
PATH_FIELDS = frozenset({"http.status", "http.title", "http.body", "http.favicon_mmh3"})
PATH_PREFIXES = ("http.kv.", "isapi.")


def _path_dependent(fld: str) -> bool:
    return fld in PATH_FIELDS or fld.startswith(PATH_PREFIXES)


@dataclass
class _Page:
    """One HTTP reply as the catch-all check needs it: where it came from and what it said."""

    port: int | None
    tls: bool
    path: str
    canary: bool
    status: int | None
    body: str
    first: int  # its observations are ex.observed[first:last]
    last: int


@dataclass
class Extracted:
    """What a document holds, ready for matching and for the exposure summary."""

    observed: list[Observed] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. a catch-all port, for the verdict
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
    pages: list[_Page] = []
    for _, entry in _entries(doc, "http", ex):
        port = _port(entry)
        path = str(entry.get("path") if isinstance(entry.get("path"), str) else "/")
        src = f"http:{port}{path}"
        try:
            raw = _raw(entry, "http")
            resp = parse_http_response(raw)
        except ParseError as err:
            ex.error("http", err, port=port, path=path)
            continue
        first = len(ex.observed)
        ex.add(src, resp.fields(path=path[:200]))
        if path.split("?", 1)[0].endswith("favicon.ico"):
            digest = favicon_of(raw)
            if digest is not None:
                ex.add(src, [("http.favicon_mmh3", str(digest))])
        pages.append(
            _Page(
                port,
                entry.get("tls") is True,
                path,
                entry.get("canary") is True,
                resp.status,
                resp.message.body,
                first,
                len(ex.observed),
            )
        )
        if entry.get("tls") is True:
            ex.http_tls = True
        else:
            ex.http_plain = True
        mac = normalise_mac(resp.isapi.get("macAddress"))
        if mac:
            ex.macs.append((mac, src))
    _catch_all(pages, ex)


def _top(path: str) -> str:
    """A path's first segment (``/cgi-bin/magicBox.cgi?x`` -> ``cgi-bin``)."""
    return path.split("?", 1)[0].strip("/").split("/", 1)[0].lower()


def _catch_all(pages: list[_Page], ex: Extracted) -> None:
    """Discount path evidence from ports that answer every path alike.

    The probe asks each web port once for a path that cannot exist (``"canary": true``).  A
    2xx or 3xx there means the port is catch-all: a vendor path answering the same status, and
    any page, title, key=value line or ISAPI field the canary's reply also carried, says
    nothing about the maker.  A 401/403 there means "401 everywhere": that status on a vendor
    path says nothing, but realms, headers and bodies still count.  Without a canary (old
    stored evidence, offline captures), vendor paths under different top-level segments
    answering 2xx with one and the same body mark the port catch-all too.
    """
    by_port: dict[tuple[int | None, bool], list[_Page]] = {}
    for page in pages:
        by_port.setdefault((page.port, page.tls), []).append(page)
    for (port, _tls), group in by_port.items():
        canary = next((p for p in group if p.canary), None)
        if canary is not None:
            if canary.status is None or not 200 <= canary.status < 500:
                continue
            if canary.status in (401, 403):
                _discount(group, ex, statuses={canary.status}, bodies=set(), values=set())
                ex.notes.append(
                    f"http:{port} answers {canary.status} to a path that cannot exist "
                    f"({canary.status} everywhere): a {canary.status} on a vendor path names "
                    "no maker; realms, headers and bodies still count"
                )
                continue
            if canary.status >= 400:
                continue
            values = {
                (o.field, o.value)
                for o in ex.observed[canary.first : canary.last]
                if _path_dependent(o.field) and o.field != "http.status"
            }
            _discount(group, ex, statuses={canary.status}, bodies={canary.body}, values=values)
            ex.notes.append(
                f"http:{port} answers every path alike (catch-all: {canary.status} to a path "
                "that cannot exist): path evidence discounted"
            )
            continue
        tops: dict[str, set[str]] = {}
        for p in group:
            if p.status is not None and 200 <= p.status < 300 and _top(p.path):
                tops.setdefault(p.body, set()).add(_top(p.path))
        shared = {body for body, segs in tops.items() if len(segs) >= 2}
        if shared:
            _discount(group, ex, statuses=set(), bodies=shared, values=set())
            ex.notes.append(
                f"http:{port} answers vendor paths of different makers with one page "
                "(catch-all; no canary was asked): path evidence discounted"
            )


def _discount(
    group: list[_Page],
    ex: Extracted,
    *,
    statuses: set[int],
    bodies: set[str],
    values: set[tuple[str, str]],
) -> None:
    for page in group:
        same_page = page.body in bodies
        for i in range(page.first, page.last):
            o = ex.observed[i]
            if not _path_dependent(o.field):
                continue
            if o.field == "http.status":
                hit = same_page or (page.status in statuses and not page.canary)
            else:
                hit = same_page or (o.field, o.value) in values
            if hit:
                ex.observed[i] = replace(o, discounted=True)


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
        for note in msg.notes:  # cut off or malformed: read what was readable, say so
            ex.error("wsdiscovery", note)
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
        for note in reply.notes:
            ex.error("sadp", note)
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


DHCP_TEXT = ("hostname", "vendor_class", "param_list", "client_id")


def _dhcp(doc: dict[str, Any], ex: Extracted) -> None:
    """A DHCP client's options: decoded from ``raw_b64`` (the options as seen) when present,
    else the entry's own values (a lease import carries only the hostname)."""
    for i, entry in _entries(doc, "dhcp", ex):
        values: dict[str, str] = {}
        if entry.get("raw_b64") is not None:
            try:
                raw = b64decode(entry["raw_b64"], what="dhcp.raw_b64")
            except ParseError as err:
                ex.error("dhcp", err)
            else:
                opts = parse_options(raw[:MAX_OPTIONS])
                values = opts.record()
                for note in opts.notes:
                    ex.error("dhcp", note)
        for key in DHCP_TEXT:
            value = entry.get(key)
            if key in values or value is None:
                continue
            if not isinstance(value, str):
                ex.error("dhcp", f"{key}: expected text, got {type(value).__name__}")
                continue
            values[key] = to_text(value[:1024], what=f"dhcp.{key}")
        ex.add(f"dhcp[{i}]", [(f"dhcp.{k}", v) for k, v in values.items()])


def _nmap(doc: dict[str, Any], ex: Extracted) -> None:
    """nmap's -sV reading of each port, from an import (the product fields only when nmap
    probed the port: camscan/protocols/nmapservice.py)."""
    for _, entry in _entries(doc, "nmap", ex):
        port = _port(entry)
        try:
            svc = parse_nmap_service(_raw(entry, "nmap"))
        except ParseError as err:
            ex.error("nmap", err, port=port)
            continue
        ex.add(f"nmap:{port}", svc.fields())


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
    for step in (_ports, _http, _rtsp, _wsd, _sadp, _dhip, _ssdp, _tls, _mdns, _onvif, _dhcp):
        try:
            step(doc, ex)
        except (ParseError, RecursionError, MemoryError) as err:  # last-resort guard
            ex.error(step.__name__.strip("_"), err)
    _single(doc, "onvif_device_information", parse_onvif_device_information, ex)
    _single(doc, "snmp", parse_snmp, ex)
    _nmap(doc, ex)
    return ex
