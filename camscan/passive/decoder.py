"""Packets -> per-host observations, with the probe names and raw shapes of the active probes.

What a device announces or answers on the wire is recorded exactly as an active probe
would record its reply (camscan/probes), so the same evidence document and fingerprint
engine identify it:

======================  ==========================================  ======================
what is read            when it is kept                             observation
======================  ==========================================  ======================
ARP (RFC 826)           any request or reply with a sender address  ``arp`` meta ``mac``
DHCP (RFC 2131/2132)    a client's options, tied to its MAC         ``dhcp`` raw options
WS-Discovery (3702)     Hello, Bye, ProbeMatches, ResolveMatches    ``wsdiscovery`` raw
SADP (37020)            ProbeMatch and Hello XML, not inquiries     ``sadp`` raw
DHIP (37810)            replies carrying ``deviceInfo``             ``dahua_discovery``
SSDP (1900)             NOTIFY and M-SEARCH replies, not searches   ``ssdp`` raw
mDNS (5353)             responses with service records              ``mdns`` meta records
HTTP (mirror port)      a server's replies, with the client's path  ``http`` raw
RTSP (mirror port)      a server's replies, with the method         ``rtsp`` raw
TLS (mirror port)       the certificate of a TLS <= 1.2 handshake   ``tls`` meta ``pem``
TCP                     a SYN answered, or a server that spoke      ``tcp`` (open port)
======================  ==========================================  ======================

WS-Discovery Hello/Bye: http://docs.oasis-open.org/ws-dd/discovery/1.1/os/wsdd-discovery-1.1-spec-os.html
sections 4.1-4.2, and the 2005/04 namespace cameras use
(andreikop/python-ws-discovery:wsdiscovery/actions/); SADP's ProbeMatch/Hello roots
(Haicam/Haicam:golang/libs/onvif/haicam_test/discoverytest.go@e7c5c18;
julienblitte/UniversalScanner:UniversalScanner/Hikvision.cs@fb7ae67); DHIP's
``client.notifyDevInfo`` replies (mcw0/DahuaConsole:net.py@5f8f35b); SSDP NOTIFY and
M-SEARCH (UPnP Device Architecture 2.0, section 1, https://openconnectivity.org/upnp-specs/UPnP-arch-DeviceArchitecture-v2.0-20200417.pdf);
mDNS responses (RFC 6762 section 6; the QR bit, RFC 1035 section 4.1.1).

Bounded: per host at most :attr:`Limits.per_probe` distinct observations of each probe and
:attr:`Limits.host_bytes` bytes, :attr:`Limits.total_bytes` for all hosts; at most
:attr:`Limits.max_hosts` hosts (later ones counted, not kept); TCP flows by
:class:`~camscan.passive.streams.FlowTable`.  Every malformed frame is counted by reason
and skipped.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from camscan.config import MAX_OBSERVATION_BYTES
from camscan.imports import ImportedHost
from camscan.observations import Observation
from camscan.passive import dhcp as dhcp_mod
from camscan.passive import tls as tls_mod
from camscan.passive.packets import PROTO_TCP, PROTO_UDP, TCP_ACK, TCP_SYN, Malformed, decode
from camscan.passive.streams import Flow, FlowTable, Half
from camscan.protocols.dhcp import MAX_OPTIONS

WSD_PORT = 3702
SADP_PORT = 37020
DHIP_PORT = 37810
SSDP_PORT = 1900
MDNS_PORT = 5353
DHCP_PORTS = frozenset({67, 68})
PENDING_DHCP = 4  # a client's messages kept until its address is known (DISCOVER, REQUEST...)
_WSD_KEEP = re.compile(rb"discovery/(Hello|Bye|ProbeMatches|ResolveMatches)\b")
_SADP_KEEP = re.compile(rb"<(ProbeMatch|Hello)[\s>]")
_REQUEST = re.compile(rb"^([A-Z_]{3,20}) (\S{1,2048}) (?:HTTP|RTSP)/\d\.\d\r?$", re.M)
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_CONTENT_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*(\d{1,10})[ \t]*\r?$", re.I | re.M)
MAX_REPLIES = 8  # per flow: replies on one kept-alive connection
# The path camscan's own scan asks to tell catch-all servers (camscan/discovery/plan.py
# canary_path): in a capture of a scan, the reply to it is marked as the scan marks it.
CANARY = re.compile(r"^/camscan-canary-[0-9a-f]{8}$")


@dataclass(frozen=True)
class Limits:
    """The memory bounds of one listening session or capture file."""

    max_hosts: int = 65536
    per_probe: int = 16  # distinct observations per probe per host
    host_bytes: int = 512 << 10  # raw bytes kept per host
    total_bytes: int = 256 << 20  # raw bytes kept for all hosts together
    max_flows: int = 2048
    server_bytes: int = 16 << 10  # the first bytes of a server's side of a flow
    client_bytes: int = 2 << 10  # the first bytes of a client's side (its request lines)
    flow_bytes: int = 32 << 20  # all flows together
    max_bytes: int = MAX_OBSERVATION_BYTES  # one observation's raw


@dataclass
class HostRecord:
    """What was seen of one address."""

    ip: str
    mac: str | None = None
    first_seen: float | None = None
    last_seen: float | None = None
    observations: list[Observation] = field(default_factory=list)
    seen: set[bytes] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)
    size: int = 0
    hostname: str | None = None
    changed: bool = True

    def imported(self) -> ImportedHost:
        return ImportedHost(
            ip=self.ip,
            mac=self.mac,
            observations=tuple(self.observations),
            hostname=self.hostname,
            seen_at=(
                datetime.fromtimestamp(self.last_seen, UTC) if self.last_seen is not None else None
            ),
            where=f"host {self.ip}",
        )


InScope = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class DhcpSeen:
    """One client message's options (verbatim) and what they say, until its address is known."""

    raw: bytes
    record: dict[str, str]


@dataclass
class Stats:
    """Counters of one session: what was read, kept and skipped."""

    packets: int = 0
    decoded: int = 0
    malformed: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)  # observations by probe
    out_of_scope: int = 0
    hosts_dropped: int = 0  # addresses past max_hosts
    capped: int = 0  # observations not kept: a host's per-probe or byte cap
    tls13: int = 0  # TLS 1.3 handshakes (certificate encrypted)
    conflicts: int = 0  # an address claimed by a second MAC

    def summary(self) -> str:
        bad = sum(self.malformed.values())
        top = ", ".join(f"{k} {v}" for k, v in self.malformed.most_common(3))
        return (
            f"{self.packets:,} packets, {bad:,} malformed"
            + (f" ({top})" if top else "")
            + f", {self.out_of_scope:,} out of scope"
        )


class PassiveDecoder:
    """Feed it frames; read back one :class:`HostRecord` per in-scope address."""

    def __init__(self, in_scope: InScope, limits: Limits | None = None) -> None:
        self.in_scope = in_scope
        self.limits = limits or Limits()
        self.hosts: dict[str, HostRecord] = {}
        self.stats = Stats()
        self.dhcp: dict[str, list[DhcpSeen]] = {}  # MAC -> its client messages, not yet tied
        self.dhcp_ip: dict[str, str] = {}  # MAC -> the address DHCP tied it to
        self.mac_ip: dict[str, str] = {}  # MAC -> the address its ARP claimed first
        self._scope_cache: dict[str, bool] = {}
        self.flows = FlowTable(
            self._flow_finished,
            max_flows=self.limits.max_flows,
            server_bytes=self.limits.server_bytes,
            client_bytes=self.limits.client_bytes,
            max_bytes=self.limits.flow_bytes,
        )
        self._now: float | None = None
        self.kept_bytes = 0
        self.pending_bytes = 0  # options of DHCP clients whose address is not known yet

    # -- input -------------------------------------------------------------------------------

    def feed(self, linktype: int, frame: bytes, ts: float | None = None) -> None:
        """One captured frame; never raises for what the frame holds."""
        self.stats.packets += 1
        self._now = ts
        try:
            pkt = decode(linktype, frame)
            if pkt is None:
                return
            self.stats.decoded += 1
            if pkt.arp is not None:
                a = pkt.arp
                if a.sender_ip != "0.0.0.0":  # an ARP probe (RFC 5227) claims no address yet
                    self._arp(a.sender_ip, a.sender_mac)
            elif pkt.proto == PROTO_UDP:
                self._udp(pkt.src, pkt.sport, pkt.dport, pkt.payload)
            elif pkt.proto == PROTO_TCP:
                if pkt.flags & TCP_SYN and pkt.flags & TCP_ACK and self._scoped(pkt.src):
                    self._add(Observation("tcp", pkt.src, port=pkt.sport))
                if pkt.payload or pkt.flags:
                    self.flows.add(pkt)
        except Malformed as err:
            self.stats.malformed[str(err)] += 1
        except (ValueError, IndexError, OverflowError, UnicodeError) as err:
            # A layout this decoder did not foresee: counted like any malformed frame.
            self.stats.malformed[f"unreadable ({type(err).__name__})"] += 1

    def finish(self) -> None:
        """The end of the capture: read every flow still open."""
        self.flows.flush()
        for host in self.hosts.values():
            self._descriptions(host)

    # -- output ------------------------------------------------------------------------------

    def records(self) -> Iterator[HostRecord]:
        """Every host seen in scope."""
        yield from self.hosts.values()

    def imported(self) -> Iterator[ImportedHost]:
        for host in self.records():
            if host.observations:
                yield host.imported()

    def changed(self) -> list[HostRecord]:
        """Hosts with something new since the last call (for a live progress line)."""
        out = [h for h in self.hosts.values() if h.changed and h.observations]
        for h in out:
            h.changed = False
        return out

    # -- hosts -------------------------------------------------------------------------------

    def _scoped(self, ip: str) -> bool:
        hit = self._scope_cache.get(ip)
        if hit is None:
            hit = self.in_scope(ip)
            if len(self._scope_cache) < 4 * self.limits.max_hosts:
                self._scope_cache[ip] = hit
        if not hit:
            self.stats.out_of_scope += 1
        return hit

    def _host(self, ip: str) -> HostRecord | None:
        host = self.hosts.get(ip)
        if host is None:
            if len(self.hosts) >= self.limits.max_hosts:
                self.stats.hosts_dropped += 1
                return None
            host = self.hosts[ip] = HostRecord(ip)
            host.first_seen = self._now
        if self._now is not None:
            host.last_seen = self._now
        return host

    def _add(self, obs: Observation) -> bool:
        host = self._host(obs.ip)
        if host is None:
            return False
        meta = json.dumps(dict(obs.meta), sort_keys=True, default=str).encode()
        digest = hashlib.blake2b(
            obs.probe.encode() + b"\0" + str(obs.port).encode() + b"\0" + obs.raw + b"\0" + meta,
            digest_size=16,
        ).digest()
        if digest in host.seen:
            return False
        size = len(obs.raw) + len(meta)
        if (
            host.counts[obs.probe] >= self.limits.per_probe
            or host.size + size > self.limits.host_bytes
            or self.kept_bytes + size > self.limits.total_bytes
        ):
            self.stats.capped += 1
            return False
        host.seen.add(digest)
        host.counts[obs.probe] += 1
        host.size += size
        self.kept_bytes += size
        host.observations.append(obs)
        host.changed = True
        self.stats.kept[obs.probe] += 1
        return True

    def _arp(self, ip: str, mac: str) -> None:
        if not self._scoped(ip):
            return
        host = self._host(ip)
        if host is None:
            return
        if host.mac is None:
            host.mac = mac
        elif host.mac != mac:
            self.stats.conflicts += 1  # proxy ARP, a moved address: the first MAC is kept
            return
        if len(self.mac_ip) < self.limits.max_hosts:
            self.mac_ip.setdefault(mac, ip)
        self._add(Observation("arp", ip, meta={"mac": mac}))
        self._tie_dhcp(ip, mac)  # the client asked DHCP before it spoke ARP

    # -- UDP ---------------------------------------------------------------------------------

    def _udp(self, src: str, sport: int, dport: int, data: bytes) -> None:
        ports = (sport, dport)
        if sport in DHCP_PORTS and dport in DHCP_PORTS:
            self._dhcp(data)
            return
        key: str | None = None
        if WSD_PORT in ports:
            key = "wsdiscovery" if _WSD_KEEP.search(data[:4096]) else None
        elif SADP_PORT in ports:
            key = "sadp" if _SADP_KEEP.search(data[:4096]) else None
        elif DHIP_PORT in ports:
            key = "dahua_discovery" if b"deviceInfo" in data else None
        elif SSDP_PORT in ports:
            key = "ssdp" if data.startswith((b"NOTIFY ", b"HTTP/1.")) else None
        elif MDNS_PORT in ports:
            self._mdns(src, data)
            return
        if key is None or not self._scoped(src):
            return
        port = next(p for p in (WSD_PORT, SADP_PORT, DHIP_PORT, SSDP_PORT) if p in ports)
        self._add(Observation.capped(key, src, data, port=port, limit=self.limits.max_bytes))

    def _mdns(self, src: str, data: bytes) -> None:
        # Only responses (QR bit, RFC 1035 4.1.1) carry records a device says of itself.
        if len(data) < 12 or not data[2] & 0x80 or not self._scoped(src):
            return
        from camscan.discovery.mdns import records

        for rec in records(data[: self.limits.max_bytes])[: self.limits.per_probe]:
            self._add(Observation("mdns", src, port=MDNS_PORT, meta=rec))

    def _dhcp(self, data: bytes) -> None:
        msg = dhcp_mod.parse_dhcp(data)
        if msg.mac is None:
            return
        for note in msg.options.notes:
            self.stats.malformed[f"DHCP {note.split(' (')[0]}"] += 1
        if msg.op == 1 and msg.record():
            pending = self.dhcp.get(msg.mac)
            if pending is None and len(self.dhcp) < self.limits.max_hosts:
                pending = self.dhcp[msg.mac] = []
            raw = msg.options_raw[: min(self.limits.max_bytes, MAX_OPTIONS)]
            if (
                pending is not None
                and len(pending) < PENDING_DHCP
                and self.pending_bytes + len(raw) <= self.limits.total_bytes // 8
            ):
                pending.append(DhcpSeen(raw, msg.record()))
                self.pending_bytes += len(raw)
        ip = msg.client_ip
        if ip and len(self.dhcp_ip) < self.limits.max_hosts:
            self.dhcp_ip[msg.mac] = ip
        ip = ip or self.dhcp_ip.get(msg.mac) or self.mac_ip.get(msg.mac)
        if ip and (msg.mac in self.dhcp or msg.op == 2):
            self._arp(ip, msg.mac)

    def _tie_dhcp(self, ip: str, mac: str) -> None:
        """The ``dhcp`` observations of a client whose address is now known: its own options,
        verbatim, with what they say decoded (docs/evidence.md)."""
        host = self.hosts.get(ip)
        if host is None or host.mac != mac:
            return
        for seen in self.dhcp.pop(mac, []):
            self.pending_bytes -= len(seen.raw)
            meta: dict[str, object] = {**seen.record, "source": "capture"}
            self._add(Observation("dhcp", ip, raw=seen.raw, meta=meta))
            if seen.record.get("hostname") and host.hostname is None:
                host.hostname = seen.record["hostname"]

    # -- TCP ---------------------------------------------------------------------------------

    def _flow_finished(self, flow: Flow) -> None:
        for (ip, port), server, _client, client in flow.ends():
            if not server.data:
                continue
            if self._server(ip, port, server, client):
                return

    def _server(self, ip: str, port: int, server: Half, client: Half) -> bool:
        data = bytes(server.data)
        kind = (
            "http"
            if data.startswith(b"HTTP/1.")
            else "rtsp"
            if data.startswith(b"RTSP/1.")
            else "tls"
            if tls_mod.looks_like_server_hello(data)
            else None
        )
        if kind is None:
            return False
        if not self._scoped(ip):
            return True
        self._add(Observation("tcp", ip, port=port))
        if kind == "tls":
            hs = tls_mod.read_server_handshake(data)
            if hs.pem:
                self._add(Observation("tls", ip, port=port, meta={"pem": hs.pem}))
            elif hs.encrypted_certificate:
                self.stats.tls13 += 1
            return True
        # The client's request lines, in order, name what each reply answers.
        requests = [
            (m.decode("latin-1"), t.decode("latin-1"))
            for m, t in _REQUEST.findall(bytes(client.data))
        ]
        client_data = bytes(client.data)
        for i, reply in enumerate(split_replies(data)):
            method, target = requests[i] if i < len(requests) else (None, None)
            if kind == "http" and method == "POST" and _onvif_reply(reply):
                self._onvif(ip, port, target or "/", reply, b"UsernameToken" in client_data)
                continue
            meta: dict[str, object]
            if kind == "http":
                path = _path(target) if target else "/"
                meta = {"path": path, "tls": False}
                if CANARY.match(path):
                    meta["canary"] = True
            else:
                meta = {"method": method} if method else {}
            self._add(
                Observation.capped(
                    kind, ip, reply, port=port, meta=meta, limit=self.limits.max_bytes
                )
            )
        return True

    def _onvif(self, ip: str, port: int, path: str, reply: bytes, authenticated: bool) -> None:
        """An ONVIF device-service reply, recorded as the ONVIF probe records its own
        (camscan/discovery/onvif.py): ``onvif`` with the outcome, the information apart."""
        from camscan.discovery.onvif import parse_device_information
        from camscan.protocols import ParseError
        from camscan.protocols._message import parse_message
        from camscan.protocols.http import decode_body

        try:
            message = parse_message(reply, expect=("HTTP",), what="ONVIF reply")
            body, _notes = decode_body(message)
        except ParseError:
            return
        info = parse_device_information(body) if message.status == 200 else None
        if info is None and b"GetDeviceInformation" not in body:
            return  # another operation (the time, the interfaces): nothing recorded for it
        meta: dict[str, object] = {
            "url": f"http://{ip}:{port}{path}",
            "authenticated": authenticated and info is not None,
            "device_information_status": message.status,
            "device_information": "obtained" if info is not None else "refused",
        }
        self._add(Observation.capped("onvif", ip, body, port=port, meta=meta))
        if info is not None:
            self._add(Observation("onvif_device_information", ip, port=port, meta=info))

    def _descriptions(self, host: HostRecord) -> None:
        """A UPnP description someone fetched from the LOCATION a host's own SSDP message
        named goes with that message, as the active scan keeps it (meta ``description``)."""
        from camscan.protocols import ParseError
        from camscan.protocols.http import parse_http_response

        wanted: dict[tuple[int, str], int] = {}
        for i, o in enumerate(host.observations):
            target = description_target(host.ip, o) if "description" not in o.meta else None
            if target is not None and not target[2]:  # over TLS nothing could be read
                wanted.setdefault((target[0], target[1]), i)
        if not wanted:
            return
        bodies: dict[int, str] = {}  # ssdp observation index -> its description
        drop: set[int] = set()  # the http replies that carried one
        for j, o in enumerate(host.observations):
            at = wanted.get((o.port or 0, str(o.meta.get("path")))) if o.probe == "http" else None
            if at is None or at in bodies:
                continue
            try:
                bodies[at] = parse_http_response(o.raw).message.body
            except ParseError:
                continue
            drop.add(j)
        host.observations[:] = [
            replace(o, meta={**o.meta, "description": bodies[i]}) if i in bodies else o
            for i, o in enumerate(host.observations)
            if i not in drop
        ]


def _onvif_reply(reply: bytes) -> bool:
    return b"soap-envelope" in reply[:8192] and b"onvif.org/ver10/device/wsdl" in reply[:8192]


def description_target(ip: str, obs: Observation) -> tuple[int, str, bool] | None:
    """(port, path, tls) of the UPnP description an SSDP message names, when its LOCATION
    (UPnP Device Architecture 2.0, 1.2.2) is on the sender itself; None otherwise (never an
    address elsewhere)."""
    if obs.probe != "ssdp":
        return None
    location = None
    for line in obs.raw.replace(b"\r\n", b"\n").split(b"\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"location":
            location = value.strip().decode("latin-1")
            break
    if not location:
        return None
    parts = urlsplit(location)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    if parts.hostname != ip or parts.scheme not in ("http", "https"):
        return None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return port, path, parts.scheme == "https"


def _path(target: str) -> str:
    """A request target as a path (an absolute-form ``http://host/x`` becomes ``/x``)."""
    if "://" in target:
        rest = target.split("://", 1)[1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return target[:2048]


def split_replies(data: bytes) -> list[bytes]:
    """The replies in a server's first bytes: each head, plus its Content-Length of body
    (RFC 9112 section 6.3; RTSP 1.0 RFC 2326 section 12.14); the rest when the length is
    not given (chunked, or until close)."""
    out: list[bytes] = []
    i = 0
    while i < len(data) and len(out) < MAX_REPLIES:
        m = _HEAD_END.search(data, i)
        if m is None:
            out.append(data[i:])
            break
        head = data[i : m.start()]
        status = head[9:12]
        n = _CONTENT_LENGTH.search(head)
        if status[:1] == b"1" or status in (b"204", b"304"):
            length = 0
        elif n is not None:
            length = int(n.group(1))
        else:
            out.append(data[i:])
            break
        end = m.end() + length
        out.append(data[i:end])
        i = end
        while data[i : i + 2] == b"\r\n":
            i += 2
        if not data[i:].startswith((b"HTTP/1.", b"RTSP/1.")):
            break
    return out
