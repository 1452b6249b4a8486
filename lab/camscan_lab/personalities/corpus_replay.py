"""Hosts that replay the repository's real-reply corpus (field mix only).

corpus/*.yaml (corpus/README.md) holds whole-device evidence documents copied from public
captures, each with the verdict its source states and its citation.  This module turns
them into lab personalities, so the field mix also holds the makers and replies the lab's
own families do not model, exactly as captured:

* camera, NVR, DVR and encoder documents of makers the family modules do not model (their
  replies there are modelled and replayed already, and many corpus captures of theirs are
  replies to authenticated requests a scan without credentials never gets) are grouped by
  (maker, brand, device type): one
  personality per group serves every reply of its documents (HTTP by port and path, RTSP,
  SNMP system group, TLS subject/issuer, SSDP reply and description, the ONVIF maker
  string), the first document winning where two answer the same thing;
* every non-camera document becomes one ordinary host.

What a capture does not show is the lab's choice and kept neutral: a path the capture does
not answer gets a bare 404 with the capture's Server header, an RTSP port asked OPTIONS by a
capture of a DESCRIBE reply answers a plain 200, a group with no TCP reply gets a web
server that answers 404, MACs use the capture's OUI or none (locally administered).
Addresses inside replies become the host's own.  Documents whose only evidence is a
discovery protocol the family modules already replay (SADP, WS-Discovery, DHIP) are left to
replays.py; documents with nothing the lab can serve are skipped.

A corpus file that does not load is skipped (the corpus tests report it); the population is
deterministic for a given repository state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from camscan.config import DEFAULT_PORTS
from camscan_lab.personalities._wire import (
    SYS_DESCR,
    SYS_NAME,
    SYS_OBJECT_ID,
    scopes,
)
from camscan_lab.personalities.base import (
    HttpReply,
    OnvifService,
    Personality,
    RtspService,
)

CAMERA_TYPES = ("camera", "nvr", "dvr", "encoder")
# Makers of the family modules (hikvision.py ... milesight.py): the lab models them itself,
# so the replay leaves them out (and the ground truth's maker names start from this list).
MODELLED = frozenset(
    {
        "Hikvision",
        "Dahua",
        "Axis",
        "Hanwha",
        "Bosch",
        "Uniview",
        "Vivotek",
        "Mobotix",
        "Ubiquiti",
        "Reolink",
        "Xiongmai",
        "Milesight",
    }
)
_SKIP_ONLY = {"sadp", "wsdiscovery", "dahua_discovery", "ip", "mac", "probe_errors"}
# What a default scan reads: SNMP needs a community the user gives, and a reply on a port
# outside the default sweep is never asked.  A camera replayed from such evidence alone
# would be a host no default scan can identify, counted as a miss in the ground truth.
_OPT_IN = {"snmp"}


def _seen_by_default_scan(body: dict[str, Any]) -> bool:
    for key in set(body) - _SKIP_ONLY - _OPT_IN:
        entries = body[key] if isinstance(body[key], list) else [body[key]]
        if key not in ("http", "rtsp", "tls"):
            return True
        if any(isinstance(e, dict) and e.get("port") in DEFAULT_PORTS for e in entries):
            return True
    return False


_IPV4_URL = re.compile(r"://\d{1,3}(?:\.\d{1,3}){3}")
_CSEQ = re.compile(r"(?im)^CSeq: *\d+")
_SNMP_NAMES = {"sysDescr": SYS_DESCR, "sysObjectID": SYS_OBJECT_ID, "sysName": SYS_NAME}
RTSP_OK = (
    "RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n"
)


def _literal(text: str) -> str:
    """``text`` as a template that formats to itself, device addresses in URLs excepted."""
    escaped = text.replace("{", "{{").replace("}", "}}")
    return _IPV4_URL.sub("://{ip}", escaped)


def http_reply(raw: str) -> HttpReply | None:
    """A captured HTTP response as a template (CRLF or LF heads), or None if it is not one."""
    crlf = raw.find("\r\n\r\n")
    lf = raw.find("\n\n")
    if crlf < 0 and lf < 0:
        head, body = raw, ""
    elif crlf >= 0 and (lf < 0 or crlf <= lf):
        head, body = raw[:crlf], raw[crlf + 4 :]
    else:
        head, body = raw[:lf], raw[lf + 2 :]
    lines = head.replace("\r\n", "\n").split("\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        return None
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip() and " " not in name.strip():
            headers.append((name.strip(), _literal(value.strip())))
    return HttpReply(
        status=int(parts[1]),
        reason=parts[2].strip() if len(parts) > 2 and parts[2].strip() else "OK",
        headers=tuple(headers),
        body=_literal(body),
        version=parts[0] if parts[0] in ("HTTP/1.0", "HTTP/1.1") else "HTTP/1.1",
    )


def _rtsp_template(raw: str) -> str:
    text = _literal(raw.replace("\r\n", "\n").replace("\n", "\r\n"))
    if not text.endswith("\r\n\r\n") and "\r\n\r\n" not in text:
        text = text.rstrip("\r\n") + "\r\n\r\n"
    if _CSEQ.search(text):
        return _CSEQ.sub("CSeq: {cseq}", text, count=1)
    status, _, rest = text.partition("\r\n")
    return f"{status}\r\nCSeq: {{cseq}}\r\n{rest}"


@dataclass
class _Group:
    """What one replayed host serves, collected from its documents."""

    sources: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    ouis: list[str] = field(default_factory=list)
    http: dict[int, dict[str, HttpReply]] = field(default_factory=dict)
    https: set[int] = field(default_factory=set)
    rtsp_options: str = ""
    rtsp_describe: str = ""
    snmp: dict[str, str] = field(default_factory=dict)
    tls_subject: str = ""
    tls_issuer: str = ""
    ssdp_server: str | None = None
    ssdp_st: str = ""
    ssdp_usn: str = ""
    ssdp_location: str = ""
    ssdp_description: str | None = None
    onvif_maker: str = ""
    http_origin: dict[tuple[int, str], str] = field(default_factory=dict)  # -> document id

    def add(
        self, source: str, expect: dict[str, Any], doc: dict[str, Any], doc_id: str = ""
    ) -> bool:
        """Take what ``doc`` shows; False when it has nothing the lab can serve."""
        served = False
        for h in doc.get("http") or ():
            reply = http_reply(str(h.get("raw", "")))
            port = int(h.get("port", 80))
            path = str(h.get("path") or "/")
            if reply is None:
                continue
            if path not in self.http.setdefault(port, {}):
                self.http[port][path] = reply
                self.http_origin[(port, path)] = doc_id
            if h.get("tls"):
                self.https.add(port)
            served = True
        for r in doc.get("rtsp") or ():
            raw = str(r.get("raw", ""))
            if not raw.startswith("RTSP/"):
                continue
            if "public:" in raw.lower() and not self.rtsp_options:
                self.rtsp_options = _rtsp_template(raw)
            elif not self.rtsp_describe:
                self.rtsp_describe = _rtsp_template(raw)
            served = True
        for name, value in (doc.get("snmp") or {}).items():
            oid = _SNMP_NAMES.get(str(name), str(name) if str(name)[:1].isdigit() else "")
            if oid and oid not in self.snmp and isinstance(value, str | int):
                self.snmp[oid] = _literal(str(value))
                served = True
        for t in doc.get("tls") or ():
            if t.get("subject") and not self.tls_subject:
                self.tls_subject = str(t["subject"]).replace("{", "").replace("}", "")
                self.tls_issuer = str(t.get("issuer") or "").replace("{", "").replace("}", "")
                self.https.add(int(t.get("port", 443)))
                served = True
        for s in doc.get("ssdp") or ():
            served = self._ssdp(s) or served
        info = doc.get("onvif_device_information") or {}
        if isinstance(info, dict) and info.get("Manufacturer") and not self.onvif_maker:
            self.onvif_maker = str(info["Manufacturer"])
            served = True
        if served:
            self.sources.append(source)
            if expect.get("model"):
                self.models.append(str(expect["model"]))
            mac = str(doc.get("mac") or "")
            if re.fullmatch(r"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}", mac):
                self.ouis.append(mac[:8].lower())
        return served

    def _ssdp(self, s: dict[str, Any]) -> bool:
        served = False
        raw = str(s.get("raw") or "")
        if raw and self.ssdp_server is None:
            fields = {}
            for line in raw.replace("\r\n", "\n").split("\n")[1:]:
                name, sep, value = line.partition(":")
                if sep:
                    fields[name.strip().upper()] = value.strip()
            if fields.get("SERVER"):
                self.ssdp_server = _literal(fields["SERVER"])
                self.ssdp_st = _literal(fields.get("ST", "upnp:rootdevice"))
                self.ssdp_usn = _literal(fields.get("USN", "uuid:{uuid}::upnp:rootdevice"))
                self.ssdp_location = _literal(fields.get("LOCATION", ""))
                served = True
        if s.get("description") and self.ssdp_description is None:
            self.ssdp_description = _literal(str(s["description"]))
            served = True
        return served

    def personality(self, name: str, brand: str, maker: str, device_type: str) -> Personality:
        http = {port: dict(paths) for port, paths in self.http.items()}
        for paths in http.values():
            if "*" not in paths:
                server = [
                    (n, v) for r in paths.values() for n, v in r.headers if n.lower() == "server"
                ]
                paths["*"] = HttpReply(404, "Not Found", tuple(server[:1]), "")
        rtsp = None
        if self.rtsp_options or self.rtsp_describe:
            rtsp = RtspService(
                options=self.rtsp_options or RTSP_OK,
                describe=self.rtsp_describe or self.rtsp_options,
            )
        https = set(self.https)
        for port in https:
            http.setdefault(port, {"*": HttpReply(404, "Not Found", (), "")})
        if not http and rtsp is None:
            http[80] = {"*": HttpReply(404, "Not Found", (), "")}  # every device has a web UI
        location = self.ssdp_location
        if self.ssdp_description is not None and not location:
            location = "http://{ip}:49152/description.xml"
        onvif = None
        if self.onvif_maker:
            onvif = OnvifService(
                scopes=scopes("type/video_encoder", "hardware/{model}", "name/{model}"),
                manufacturer=self.onvif_maker,
                hardware_id="{model}",
            )
        is_camera = device_type in CAMERA_TYPES
        return Personality(
            name=name,
            brand=brand,
            manufacturer=maker,
            device_type=device_type,
            is_camera=is_camera,
            ouis=tuple(dict.fromkeys(self.ouis)) or ("02:00:00",),
            models=tuple(dict.fromkeys(self.models)) or ("unknown",),
            firmwares=("unknown",),
            serial_format="{num:010d}",
            sources=tuple(dict.fromkeys(self.sources)),
            http=http,
            https_ports=tuple(sorted(https)),
            tls_subject=self.tls_subject or ("CN={ip}" if https else ""),
            tls_issuer=self.tls_issuer,
            rtsp=rtsp,
            onvif=onvif,
            ssdp_server=self.ssdp_server
            if self.ssdp_server is not None
            else ("Linux UPnP/1.0" if self.ssdp_description is not None else None),
            ssdp_description=self.ssdp_description,
            ssdp_location=location or "http://{ip}:49152/description.xml",
            ssdp_usn=self.ssdp_usn or "uuid:{uuid}::upnp:rootdevice",
            ssdp_st=self.ssdp_st or "upnp:rootdevice",
            snmp=dict(self.snmp),
            field=True,
            # About a third of the field mix's cameras and of its look-alikes (relative to
            # the weights of field.py + replays.py, lookalikes.py).
            weight=0.85 if is_camera else 0.6,
        )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# (personality name, port, path) -> the corpus document whose HTTP reply it serves there.
HTTP_ORIGIN: dict[tuple[str, int, str], str] = {}


def personalities(documents: Iterable[Any]) -> tuple[Personality, ...]:
    """Lab personalities from corpus documents (camscan.fingerprint.corpus.CorpusDocument);
    records in HTTP_ORIGIN which document each HTTP reply comes from."""
    groups: dict[tuple[str, str, str], _Group] = {}
    ordinary: list[Personality] = []
    for doc in documents:
        expect: dict[str, Any] = dict(doc.expect)
        body: dict[str, Any] = dict(doc.document)
        if not set(body) - _SKIP_ONLY:
            continue
        kind = str(expect.get("device_type") or "")
        maker = str(expect.get("manufacturer") or "")
        if expect.get("is_camera") is True and kind in CAMERA_TYPES and maker:
            if not _seen_by_default_scan(body):
                continue
            if maker in MODELLED:
                continue
            brand = str(expect.get("brand") or maker)
            group = groups.setdefault((maker, brand, kind), _Group())
            group.add(doc.source, expect, body, doc.id)
        elif expect.get("is_camera") is False:
            g = _Group()
            if g.add(doc.source, expect, body, doc.id):
                maker = maker or "Unknown"
                name = f"corpus-{_slug(doc.id)}"
                ordinary.append(g.personality(name, maker, maker, "not_camera"))
                HTTP_ORIGIN.update({(name, *k): v for k, v in g.http_origin.items()})
    cameras = []
    for (maker, brand, kind), g in sorted(groups.items()):
        if g.sources:
            name = f"corpus-{_slug(brand)}-{_slug(maker)}-{kind}"
            cameras.append(g.personality(name, brand, maker, kind))
            HTTP_ORIGIN.update({(name, *k): v for k, v in g.http_origin.items()})
    return (*cameras, *ordinary)


def _load() -> tuple[Personality, ...]:
    from camscan.fingerprint.corpus import CorpusError, corpus_files, load_file

    docs: list[Any] = []
    seen: set[str] = set()
    for path in corpus_files():
        try:
            for doc in load_file(path):
                if doc.id not in seen:
                    seen.add(doc.id)
                    docs.append(doc)
        except CorpusError:
            continue  # tests/corpus reports a broken file; the lab goes on without it
    return personalities(docs)


PERSONALITIES: tuple[Personality, ...] = _load()
