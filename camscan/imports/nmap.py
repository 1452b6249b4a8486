"""nmap's ``-oX`` XML: one record per host that was up, and the observations it implies.

The file is read as a stream (defusedxml's iterparse; each ``<host>`` is dropped once read),
so its size does not matter.  nmap writes ``<!DOCTYPE nmaprun>`` and nothing more
(nmap/nmap:docs/nmap.dtd is never referenced); any other document type, an entity
declaration or an external reference is refused in one line.  A file cut short (nmap
stopped early) keeps the hosts it had finished and counts one record error.

What becomes an observation the engine reads (every one marked ``meta["reconstructed"]``,
since it is nmap's rendering of the reply, not the device's bytes):

* an open port -> ``tcp`` (the port is open), with nmap's -sV reading (service, product,
  version, extrainfo, devicetype, ostype, CPE) in its meta;
* its ``<service>`` element -> ``nmap``: the element as nmap wrote it (re-serialised, without
  ``servicefp``, each attribute cut at 1 KiB), its attributes in meta; the engine reads the
  product fields only of a ``method="probed"`` reading (camscan/protocols/nmapservice.py);
* ``servicefp`` (the replies nmap could not match, nmap/nmap:service_scan.cc
  ``addToServiceFingerprint`` @db4aefdd: ``%r(Probe,hexlen,"escaped bytes")``, lines
  wrapped with ``\\nSF:``) -> the HTTP or RTSP reply itself, byte for byte as far as nmap kept it;
* ``http-server-header`` and ``http-title`` (nmap/nmap:scripts/http-server-header.nse,
  scripts/http-title.nse @db4aefdd: the Server values; the title, or "Did not follow
  redirect to URL") -> one ``http`` reply with that Server header, title or Location;
* ``rtsp-methods`` (scripts/rtsp-methods.nse: the OPTIONS reply's Public methods) -> an
  ``rtsp`` OPTIONS reply with that Public header;
* ``ssl-cert`` (scripts/ssl-cert.nse: ``<elem key="pem">`` and the subject/issuer tables)
  -> a ``tls`` certificate;
* ``upnp-info`` / ``broadcast-upnp-info`` (nselib/upnp.lua: "Server:", "Location:",
  "Manufacturer:", "Model Name:" ... lines before f43878f0, the structured keys since
  74b2b6fc) -> an ``ssdp`` reply and a UPnP description with those fields;
* ``wsdd-discover`` / ``broadcast-wsdd-discover`` (nselib/wsdd.lua @b35a88ac: "Message id:",
  "Address:" (the XAddrs), "Type:") -> a ``wsdiscovery`` ProbeMatch with those values.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser

from camscan.imports import Format, ImportedHost, ImportFormatError, ReadContext, RecordError
from camscan.observations import Observation

__all__ = [
    "FORMAT",
    "NmapHost",
    "NmapRun",
    "NmapService",
    "by_sender",
    "host_observations",
    "iter_nmap",
    "parse_nmap_xml",
    "split_by_ip",
]


@dataclass
class NmapService:
    """One port of one host as nmap reported it."""

    port: int
    proto: str
    state: str
    name: str = ""
    product: str = ""
    version: str = ""
    extrainfo: str = ""
    devicetype: str = ""
    ostype: str = ""
    servicefp: str = ""
    cpes: list[str] = field(default_factory=list)
    # The <service> element re-serialised (no servicefp, attributes cut), and its attributes.
    service_xml: bytes = b""
    service_attrs: dict[str, str] = field(default_factory=dict)
    scripts: dict[str, str] = field(default_factory=dict)
    # Structured script output (<elem key=...>), flattened: "pem", "subject.commonName" ...
    script_elems: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class NmapHost:
    """One host that nmap reported up, with every string it learnt about it."""

    ip: str
    mac: str | None = None
    mac_vendor: str = ""
    hostname: str = ""
    services: list[NmapService] = field(default_factory=list)
    host_scripts: dict[str, str] = field(default_factory=dict)
    # Output of broadcast pre-scripts (broadcast-upnp-info, broadcast-wsdd-discover) about
    # this host, keyed by script id.
    broadcast: dict[str, str] = field(default_factory=dict)
    # nmap gave up on the host (--host-timeout): it is listed up, without any port.
    timed_out: bool = False
    # False: no <host> of the file; only a broadcast script's output named it.
    listed: bool = True

    @property
    def open_services(self) -> list[NmapService]:
        """Services on open (or open|filtered UDP) ports."""
        return [s for s in self.services if s.state.startswith("open")]


@dataclass
class NmapRun:
    """A whole nmap run: hosts up by IP, pre-script outputs, parse errors."""

    hosts: dict[str, NmapHost] = field(default_factory=dict)
    prescripts: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


_IPV4_LINE = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3}){3})\s*$")


def split_by_ip(output: str) -> dict[str, str]:
    """Split a broadcast script's text output into the block about each IP.

    broadcast-upnp-info and broadcast-wsdd-discover print an address alone on a line and
    then, indented deeper, what that address said; everything until the next address line
    at the same or a shallower indent belongs to it.
    """
    blocks: dict[str, list[str]] = {}
    current: str | None = None
    indent = 0
    for line in output.splitlines():
        m = _IPV4_LINE.match(line)
        if m and _is_ip(m.group(1)):
            current = m.group(1)
            indent = len(line) - len(line.lstrip())
            blocks.setdefault(current, [])
            continue
        if current is None:
            continue
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            current = None
            continue
        blocks[current].append(line.strip())
    return {ip: "\n".join(lines) for ip, lines in blocks.items()}


_URL_HOST = re.compile(
    r"^(?:Address|Location|XAddrs):\s*https?://\[?([0-9A-Fa-f.:]+?)\]?(?::\d+)?/", re.I
)
_ENTRY_START = re.compile(r"^(?:Message id|Server):", re.I)


def by_sender(output: str) -> dict[str, str]:
    """A broadcast script's blocks by the unicast address of the device that answered.

    nmap keys each block by the reply's source address; a reply sent from the multicast
    group's address (seen from simulated responders) holds several devices' entries under
    one key, so such a block is split at each entry ("Message id:" for WS-Discovery,
    "Server:" for UPnP) and each entry filed under the host its own Address/Location URL
    names; an entry naming no unicast host is dropped."""
    out: dict[str, str] = {}
    for ip, block in split_by_ip(output).items():
        if _unicast(ip):
            out[ip] = block
            continue
        entries: list[list[str]] = []
        for line in block.splitlines():
            if _ENTRY_START.match(line) or not entries:
                entries.append([])
            entries[-1].append(line)
        for entry in entries:
            hosts = [m.group(1) for line in entry if (m := _URL_HOST.match(line))]
            host = next((h for h in hosts if _unicast(h)), None)
            if host is not None:
                out[host] = "\n".join([*filter(None, [out.get(host)]), *entry])
    return out


def _unicast(text: str) -> bool:
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return False
    return not (addr.is_multicast or addr.is_unspecified or str(addr) == "255.255.255.255")


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# --- reading the XML --------------------------------------------------------------------


class _NmapParser(DefusedXMLParser):  # type: ignore[misc]
    """defusedxml's parser (no entities, no external references) that accepts nmap's own
    bare ``<!DOCTYPE nmaprun>`` and refuses any other document type."""

    def __init__(self) -> None:
        super().__init__(forbid_dtd=False, forbid_entities=True, forbid_external=True)
        self.parser.StartDoctypeDeclHandler = self._check_doctype

    def _check_doctype(
        self, name: str, sysid: str | None, pubid: str | None, has_internal_subset: bool
    ) -> None:
        if name != "nmaprun" or sysid or pubid or has_internal_subset:
            raise DTDForbidden(name, sysid, pubid)


def _elems(script: Element) -> dict[str, str]:
    """A script's structured output flattened to dotted keys (``subject.commonName``)."""
    out: dict[str, str] = {}

    def walk(el: Element, prefix: str) -> None:
        for i, child in enumerate(el):
            key = child.get("key") or str(i)
            name = f"{prefix}{key}"
            if child.tag == "elem":
                out[name] = (child.text or "")[:20000]
            elif child.tag == "table":
                walk(child, f"{name}.")

    walk(script, "")
    return out


def _service(port: Element) -> NmapService:
    state = port.find("state")
    svc = port.find("service")
    try:
        number = int(port.get("portid", "0"))
    except ValueError:
        number = 0
    rec = NmapService(
        port=number,
        proto=port.get("protocol", ""),
        state=state.get("state", "") if state is not None else "",
    )
    if svc is not None:
        rec.name = svc.get("name", "")
        rec.product = svc.get("product", "")
        rec.version = svc.get("version", "")
        rec.extrainfo = svc.get("extrainfo", "")
        rec.devicetype = svc.get("devicetype", "")
        rec.ostype = svc.get("ostype", "")
        rec.servicefp = svc.get("servicefp", "")
        rec.cpes = [c.text or "" for c in svc.findall("cpe")]
        rec.service_xml, rec.service_attrs = _service_element(svc)
    for script in port.findall("script"):
        sid = script.get("id", "")
        rec.scripts[sid] = script.get("output", "")
        elems = _elems(script)
        if elems:
            rec.script_elems[sid] = elems
    return rec


_ATTR_CAP = 1024  # nmap's own fields are at most 256 bytes (camscan/protocols/nmapservice.py)


def _service_element(svc: Element) -> tuple[bytes, dict[str, str]]:
    """The <service> element as nmap wrote it, without servicefp (kept as the replies it
    holds), each attribute and CPE cut at _ATTR_CAP characters, at most 8 CPEs."""
    attrs = {k[:40]: v[:_ATTR_CAP] for k, v in list(svc.attrib.items())[:16] if k != "servicefp"}
    copy = Element("service", attrs)
    for cpe in svc.findall("cpe")[:8]:
        child = Element("cpe")
        child.text = (cpe.text or "")[:_ATTR_CAP]
        copy.append(child)
    return tostring(copy, encoding="utf-8", xml_declaration=False), attrs


def _host(el: Element) -> NmapHost | None:
    status = el.find("status")
    if status is None or status.get("state") != "up":
        return None
    ip = mac = None
    vendor = ""
    for addr in el.findall("address"):
        kind = addr.get("addrtype")
        if kind in ("ipv4", "ipv6") and ip is None:
            ip = addr.get("addr")
        elif kind == "mac":
            mac = (addr.get("addr") or "").lower() or None
            vendor = addr.get("vendor", "")
    if not ip or not _is_ip(ip):
        return None
    host = NmapHost(ip=ip, mac=mac, mac_vendor=vendor, timed_out=el.get("timedout") == "true")
    names = el.find("hostnames")
    if names is not None:
        first = names.find("hostname")
        if first is not None:
            host.hostname = first.get("name", "")[:255]
    ports = el.find("ports")
    if ports is not None:
        host.services = [_service(p) for p in ports.findall("port")]
    hostscript = el.find("hostscript")
    if hostscript is not None:
        for script in hostscript.findall("script"):
            host.host_scripts[script.get("id", "")] = script.get("output", "")
    return host


def _refusal(filename: str, exc: BaseException) -> ImportFormatError:
    if isinstance(exc, DTDForbidden):
        what = "a document type other than nmap's own <!DOCTYPE nmaprun>"
    else:
        what = "an entity declaration or external reference"
    return ImportFormatError(
        f"{filename}: nmap XML with {what} refused (nmap never writes one; "
        "re-run nmap with -oX or remove it)"
    )


# nmap writes every byte under 0x20 of a string as a character reference (nmap/nmap:xml.cc
# escape() @db4aefdd: "&#x%x;"), so a script output carrying an ESC is written "&#x1b;", which
# XML 1.0 forbids and expat refuses, ending the whole file there.  Such references (and those
# to surrogates, U+FFFE/U+FFFF or beyond U+10FFFF) are read as U+FFFD instead.
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_REF_TAIL = 16  # longer than any reference _CHAR_REF reads


def _bad_ref(m: re.Match[bytes]) -> bytes:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    ok = (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )
    return m.group(0) if ok else b"&#xFFFD;"


class _CharRefs:
    """A stream whose character references XML forbids read as U+FFFD (see _CHAR_REF)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._held = b""

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size if size and size > 0 else 1 << 16)
        data = self._held + chunk
        self._held = b""
        if chunk:
            amp = data.rfind(b"&", max(0, len(data) - _REF_TAIL))
            if amp != -1 and b";" not in data[amp:]:
                data, self._held = data[:amp], data[amp:]
        out = _CHAR_REF.sub(_bad_ref, data)
        return out if out or not self._held else self.read(size)


def iter_nmap(stream: BinaryIO, filename: str = "nmap XML") -> Iterator[NmapHost | RecordError]:
    """Each host that was up, as soon as its ``</host>`` is read; broadcast pre-script
    findings attached by IP (a host only a broadcast script saw is yielded on its own at
    the end).  A refused DTD or entity raises ImportFormatError; a file that is not nmap
    XML at all raises it too; a file cut short ends with a RecordError."""
    broadcast: dict[str, dict[str, str]] = {}
    seen: set[str] = set()
    started = False
    hosts = 0
    root: Element | None = None
    try:
        for event, el in SafeET.iterparse(
            _CharRefs(stream), events=("start", "end"), parser=_NmapParser()
        ):
            if event == "start":
                if root is None:
                    root = el
                    if el.tag != "nmaprun":
                        raise ImportFormatError(
                            f"{filename}: XML whose root is <{el.tag[:40]}>, not nmap's <nmaprun>"
                        )
                    started = True
                continue
            if el.tag in ("prescript", "postscript"):
                for script in el.findall("script"):
                    sid = script.get("id", "")
                    for ip, block in by_sender(script.get("output", "")).items():
                        broadcast.setdefault(ip, {})[sid] = block
                el.clear()
            elif el.tag == "host":
                host = _host(el)
                el.clear()
                if root is not None:
                    for child in list(root):
                        if child.tag == "host":
                            root.remove(child)
                if host is None:
                    continue
                host.broadcast.update(broadcast.get(host.ip, {}))
                seen.add(host.ip)
                hosts += 1
                yield host
    except (DefusedXmlException, DTDForbidden) as exc:
        raise _refusal(filename, exc) from None
    except SafeET.ParseError as exc:
        if not started:
            raise ImportFormatError(
                f"{filename}: not readable as nmap XML ({str(exc)[:120]}); expected nmap -oX output"
            ) from None
        yield RecordError(
            "end of file",
            f"nmap XML cut short (nmap stopped early?): kept the {hosts} finished hosts "
            f"({str(exc)[:80]})",
        )
    for ip, scripts in broadcast.items():
        if ip not in seen:
            yield NmapHost(ip=ip, broadcast=dict(scripts), listed=False)


def parse_nmap_xml(data: bytes) -> NmapRun:
    """Hosts that were up, with services, scripts and broadcast findings attached by IP
    (the bench's reading of a whole file in memory; errors as text, never raised)."""
    import io

    run = NmapRun()
    try:
        for item in iter_nmap(io.BytesIO(data)):
            if isinstance(item, RecordError):
                run.errors.append(f"{item.message}")
            elif item.listed:
                run.hosts[item.ip] = item
    except ImportFormatError as err:
        run.errors.append(f"nmap XML unreadable: {err}")
    return run


# --- what nmap's strings say, as observations -------------------------------------------


_FP_WRAP = re.compile(r"\nSF:")
_FP_RESPONSE = re.compile(r'%r\(([A-Za-z0-9_-]+),([0-9A-Fa-f]+),"((?:[^"\\]|\\.)*)"\)', re.S)
_FP_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|.)", re.S)
_SIMPLE = {"0": b"\0", "r": b"\r", "n": b"\n", "t": b"\t"}


def _unescape(text: str) -> bytes:
    """nmap's servicefp escaping undone (service_scan.cc addToServiceFingerprint)."""
    out = bytearray()
    pos = 0
    for m in _FP_ESCAPE.finditer(text):
        out += text[pos : m.start()].encode("latin-1", "replace")
        code = m.group(1)
        if code.startswith("x") and len(code) == 3:
            out.append(int(code[1:], 16))
        else:
            out += _SIMPLE.get(code, code.encode("latin-1", "replace"))
        pos = m.end()
    out += text[pos:].encode("latin-1", "replace")
    return bytes(out)


def servicefp_replies(servicefp: str) -> list[tuple[str, bytes, bool]]:
    """(probe name, reply bytes, truncated) for each response in a service fingerprint."""
    joined = _FP_WRAP.sub("", servicefp)
    out = []
    for m in _FP_RESPONSE.finditer(joined):
        raw = _unescape(m.group(3))
        try:
            total = int(m.group(2), 16)
        except ValueError:
            total = len(raw)
        out.append((m.group(1), raw, total > len(raw)))
    return out


def _crlf(*lines: str) -> bytes:
    clean = [" ".join(line.split()) for line in lines if line]
    return ("\r\n".join(clean) + "\r\n\r\n").encode("utf-8", "replace")


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _http_from_scripts(ip: str, svc: NmapService) -> Observation | None:
    servers: list[str] = []
    elems = svc.script_elems.get("http-server-header", {})
    servers = [v for k, v in sorted(elems.items()) if v]
    if not servers and svc.scripts.get("http-server-header"):
        servers = [svc.scripts["http-server-header"].strip()]
    title_out = svc.scripts.get("http-title")
    title = svc.script_elems.get("http-title", {}).get("title")
    redirect = svc.script_elems.get("http-title", {}).get("redirect_url")
    if title_out is not None and title is None and redirect is None:
        m = re.match(r"\s*Did not follow redirect to (\S+)", title_out)
        if m:
            redirect = m.group(1)
        elif not title_out.startswith("Site doesn't have a title"):
            title = title_out.strip()
    if not servers and title is None and redirect is None:
        return None
    status = "HTTP/1.1 302 Found" if redirect else "HTTP/1.1 200 OK"
    head = [status, *(f"Server: {s}" for s in servers[:4])]
    if redirect:
        head.append(f"Location: {redirect}")
    raw = _crlf(*head)
    if title is not None:
        raw += f"<html><head><title>{_xml_text(title)}</title></head></html>".encode(
            "utf-8", "replace"
        )
    scripts = [s for s in ("http-server-header", "http-title") if s in svc.scripts]
    meta: dict[str, Any] = {
        "path": "/",
        "tls": svc.name in ("https", "ssl/http") or "ssl-cert" in svc.scripts,
        "reconstructed": "nmap " + " + ".join(scripts),
    }
    return Observation.capped("http", ip, raw, port=svc.port, meta=meta)


def _rtsp_from_scripts(ip: str, svc: NmapService) -> Observation | None:
    out = svc.scripts.get("rtsp-methods")
    if out is None:
        return None
    methods = ", ".join(part.strip() for part in out.replace("\n", ",").split(",") if part.strip())
    if not methods:
        return None
    raw = _crlf("RTSP/1.0 200 OK", "CSeq: 1", f"Public: {methods}")
    meta = {"reconstructed": "nmap rtsp-methods"}
    return Observation.capped("rtsp", ip, raw, port=svc.port, meta=meta)


def _rdn(table: dict[str, str], prefix: str) -> str:
    parts = [
        f"{k[len(prefix) :]}={v}" for k, v in sorted(table.items()) if k.startswith(prefix) and v
    ]
    return ",".join(
        p.replace("commonName=", "CN=").replace("organizationName=", "O=") for p in parts
    )


def _tls_from_scripts(ip: str, svc: NmapService) -> Observation | None:
    elems = svc.script_elems.get("ssl-cert")
    out = svc.scripts.get("ssl-cert")
    meta: dict[str, Any] = {"reconstructed": "nmap ssl-cert"}
    if elems and elems.get("pem", "").startswith("-----BEGIN CERTIFICATE"):
        meta["pem"] = elems["pem"]
    elif elems and (_rdn(elems, "subject.") or _rdn(elems, "issuer.")):
        meta["subject"] = _rdn(elems, "subject.")
        meta["issuer"] = _rdn(elems, "issuer.")
    elif out:
        subj = re.search(r"Subject:\s*(.+)", out)
        iss = re.search(r"Issuer:\s*(.+)", out)
        if not subj and not iss:
            return None
        meta["subject"] = subj.group(1).strip().replace("/", ",") if subj else ""
        meta["issuer"] = iss.group(1).strip().replace("/", ",") if iss else ""
    else:
        return None
    return Observation(probe="tls", ip=ip, port=svc.port, meta=meta)


# nmap's upnp labels (old text and new structured keys) -> UPnP description elements.
_UPNP_KEYS = {
    "name": "friendlyName",
    "friendlyname": "friendlyName",
    "manufacturer": "manufacturer",
    "model descr": "modelDescription",
    "modeldescription": "modelDescription",
    "model name": "modelName",
    "modelname": "modelName",
    "model version": "modelNumber",
    "modelnumber": "modelNumber",
    "devicetype": "deviceType",
}
_LABEL = re.compile(r"^\s*\|?\s*([A-Za-z][A-Za-z ]{1,20}):\s*(.*?)\s*$")


def _labelled(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.splitlines():
        m = _LABEL.match(line)
        if m:
            out.append((m.group(1).strip().lower(), m.group(2)))
    return out


def _ssdp_from_text(ip: str, text: str, script: str, port: int | None) -> Observation | None:
    head = ["HTTP/1.1 200 OK"]
    desc: dict[str, str] = {}
    for label, value in _labelled(text):
        if not value:
            continue
        if label in ("server", "webserver") and len(head) < 3:
            head.append(f"SERVER: {value}")
        elif label == "location":
            head.append(f"LOCATION: {value}")
        elif label in _UPNP_KEYS:
            desc.setdefault(_UPNP_KEYS[label], value)
    if len(head) == 1 and not desc:
        return None
    meta: dict[str, Any] = {"reconstructed": f"nmap {script}"}
    if desc:
        body = "".join(f"<{k}>{_xml_text(v[:1024])}</{k}>" for k, v in desc.items())
        meta["description"] = (
            '<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0">'
            f"<device>{body}</device></root>"
        )
    raw = _crlf(*head) if len(head) > 1 else b""
    return Observation.capped("ssdp", ip, raw, port=port, meta=meta)


def _wsd_from_text(ip: str, text: str, script: str) -> Observation | None:
    values: dict[str, str] = {}
    for label, value in _labelled(text):
        if label in ("message id", "address", "type") and value:
            values.setdefault(label, value)
    if not values:
        return None
    types = _xml_text(values.get("type", ""))
    xaddrs = _xml_text(values.get("address", ""))
    raw = (
        '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Body><d:ProbeMatches>'
        f"<d:ProbeMatch><d:Types>{types}</d:Types><d:XAddrs>{xaddrs}</d:XAddrs>"
        "</d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>"
    ).encode("utf-8", "replace")
    meta = {"reconstructed": f"nmap {script}", "message_id": values.get("message id", "")}
    return Observation.capped("wsdiscovery", ip, raw, port=3702, meta=meta)


# What nmap sent for each probe whose reply camscan reads, and the path the reply answers
# (nmap/nmap:nmap-service-probes@db4aefdd lines 6423, 12088, 12295, 14605): the
# FourOhFourRequest path cannot exist, so its reply is the port's catch-all canary.
_FP_PROBES: dict[str, tuple[str, str, bool]] = {
    "GetRequest": ("http", "/", False),
    "HTTPOptions": ("http", "/", False),
    "FourOhFourRequest": ("http", "/nice%20ports%2C/Tri%6Eity.txt%2ebak", True),
    "RTSPRequest": ("rtsp", "/", False),
}


def _servicefp_observations(ip: str, svc: NmapService) -> list[Observation]:
    """The HTTP and RTSP replies nmap kept in the service fingerprint, each once."""
    out: list[Observation] = []
    seen: set[tuple[str, str, bytes]] = set()
    for probe_name, raw, truncated in servicefp_replies(svc.servicefp)[:16]:
        known = _FP_PROBES.get(probe_name)
        if known is None:
            continue
        kind, path, canary = known
        if raw[:5] != {"http": b"HTTP/", "rtsp": b"RTSP/"}[kind]:
            continue  # e.g. an HTTP server's reply to nmap's RTSP OPTIONS
        if (kind, path, raw) in seen:
            continue  # OPTIONS answered like GET: one reply, not two pieces of evidence
        seen.add((kind, path, raw))
        meta: dict[str, Any] = {"reconstructed": f"nmap servicefp {probe_name}"}
        if kind == "http":
            meta.update(path=path, tls=svc.name.startswith("ssl") or svc.name == "https")
            if canary:
                meta["canary"] = True
        obs = Observation.capped(kind, ip, raw, port=svc.port, meta=meta)
        out.append(replace(obs, truncated=True) if truncated else obs)
    return out


def host_observations(host: NmapHost) -> list[Observation]:
    """Every observation nmap's strings about ``host`` stand for (module docstring)."""
    ip = host.ip
    out: list[Observation] = []
    for svc in host.open_services:
        reading = {
            k: v
            for k, v in (
                ("service", svc.name),
                ("product", svc.product),
                ("version", svc.version),
                ("extrainfo", svc.extrainfo),
                ("devicetype", svc.devicetype),
                ("ostype", svc.ostype),
            )
            if v
        }
        if svc.cpes:
            reading["cpe"] = " ".join(svc.cpes)
        if svc.proto == "tcp":
            out.append(
                Observation(
                    probe="tcp",
                    ip=ip,
                    port=svc.port,
                    meta={"nmap": reading, "reconstructed": "nmap port state"},
                )
            )
        if svc.service_xml:
            out.append(
                Observation.capped(
                    "nmap", ip, svc.service_xml, port=svc.port, meta=dict(svc.service_attrs)
                )
            )
        if svc.proto == "tcp":
            out.extend(_servicefp_observations(ip, svc))
        for make in (_http_from_scripts, _rtsp_from_scripts, _tls_from_scripts):
            found = make(ip, svc)
            if found is not None:
                out.append(found)
        if "upnp-info" in svc.scripts:
            ssdp = _ssdp_from_text(ip, svc.scripts["upnp-info"], "upnp-info", svc.port)
            if ssdp is not None:
                out.append(ssdp)
        if "wsdd-discover" in svc.scripts:
            wsd = _wsd_from_text(ip, svc.scripts["wsdd-discover"], "wsdd-discover")
            if wsd is not None:
                out.append(wsd)
    for sid, block in host.broadcast.items():
        if "upnp" in sid:
            found = _ssdp_from_text(ip, block, sid, 1900)
        elif "wsdd" in sid:
            found = _wsd_from_text(ip, block, sid)
        else:
            found = None
        if found is not None:
            out.append(found)
    return out


# --- the format -----------------------------------------------------------------------------


def _sniff(head: bytes, filename: str) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return (text.startswith(b"<?xml") and b"<nmaprun" in head) or text.startswith(b"<nmaprun")


def _read(stream: BinaryIO, context: ReadContext) -> Iterator[ImportedHost | RecordError]:
    for item in iter_nmap(stream, context.filename):
        if isinstance(item, RecordError):
            yield item
            continue
        try:
            observations = tuple(host_observations(item))
        except (ValueError, TypeError) as err:  # one odd host must not stop the file
            yield RecordError(f"host {item.ip}", f"{type(err).__name__}: {err}"[:200])
            continue
        yield ImportedHost(
            ip=item.ip,
            mac=item.mac,
            observations=observations,
            hostname=item.hostname or None,
            where=f"host {item.ip}",
        )


FORMAT = Format(
    name="nmap-xml",
    summary="nmap -oX output (-sV services, NSE http/rtsp/ssl-cert/upnp/wsdd scripts)",
    sniff=_sniff,
    read=_read,
    scan_would_add=(
        "the devices' own replies in full (nmap keeps only its summary of HTTP, RTSP, "
        "UPnP and WS-Discovery), vendor identification paths and ONVIF device information"
    ),
)
