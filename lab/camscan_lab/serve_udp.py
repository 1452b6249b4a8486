"""UDP services of a simulated host: WS-Discovery, SADP, DHIP, SSDP, mDNS and SNMP.

Each function takes the host and one datagram and returns what to send, as
``(payload, destination, delay)`` triples; :class:`UdpService` runs one of them on a socket,
never lets a bad datagram escape as an exception, and bounds how much it answers per second
(a simulated host must not become a reflector).  Replies to a multicast group are only ever
produced for hosts inside a lab namespace (``Host.netns``), never on the machine's own
interfaces.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import socket
import struct
import time
from collections.abc import Callable
from typing import cast
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from zeroconf import (  # type: ignore[attr-defined]  # re-exported at runtime
    DNSAddress,
    DNSIncoming,
    DNSOutgoing,
    DNSPointer,
    DNSQuestion,
    DNSService,
    DNSText,
)

from camscan_lab import snmp_ber
from camscan_lab.personalities.encode import fill, to_bytes
from camscan_lab.serve_host import Host
from camscan_lab.serve_onvif import probe_matches

Addr = tuple[str, int]
Reply = tuple[bytes, Addr, float]
Handler = Callable[[Host, bytes, Addr], list[Reply]]

WSD_PORT, SADP_PORT, DHIP_PORT, SSDP_PORT, MDNS_PORT, SNMP_PORT = (
    3702,
    37020,
    37810,
    1900,
    5353,
    161,
)
SADP_GROUP, DHIP_GROUP, MDNS_GROUP, SSDP_GROUP = (
    "239.255.255.250",
    "239.255.255.251",
    "224.0.0.251",
    "239.255.255.250",
)
SSDP_MAX_AGE = 1800  # CACHE-CONTROL max-age: at least 1800 s (UPnP Device Architecture §1.2.2)
MAX_DATAGRAM_IN = 16 * 1024  # discovery requests are a few hundred bytes; bigger is garbage
REPLIES_PER_SECOND = 50
JITTER = 0.25  # WS-Discovery/SSDP answer after a random delay (APP_MAX_DELAY, MX)
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"


def _garbage(host: Host) -> bytes:
    """A short junk datagram (malformed-udp hosts send one after their real reply)."""
    rng = random.Random(f"{host.id}{time.monotonic_ns()}")
    return bytes(rng.randrange(256) for _ in range(rng.randrange(7, 300)))


def wsdiscovery(host: Host, data: bytes, addr: Addr) -> list[Reply]:
    reply = probe_matches(host, data)
    return [(reply, addr, random.uniform(0, JITTER))] if reply else []


def _xml_root(data: bytes) -> Element | None:
    try:
        root: Element = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError, UnicodeError):
        return None
    return root


def sadp(host: Host, data: bytes, addr: Addr) -> list[Reply]:
    """Inquiry -> ProbeMatch to the sender and, inside a lab namespace, to the group.

    Only a ``<Probe>`` document is an inquiry: the ProbeMatch copies other devices send to
    the group (and our own, looped back) carry ``<Types>inquiry</Types>`` too, and answering
    them would start a reply storm between the simulated hosts.
    """
    template = host.personality.sadp
    root = _xml_root(data) if template is not None and addr[0] != host.ip else None
    if template is None or root is None or root.tag != "Probe":
        return []
    types = (root.findtext("Types") or "").strip().lower()
    if types not in ("inquiry", "inquiry_v32"):
        return []  # every other Types value is a write operation: never act on it
    uuid_req = (root.findtext("Uuid") or "").strip()[:64]
    payload = to_bytes(host.xml(template, uuid_req=uuid_req))
    out: list[Reply] = [(payload, addr, 0.0)]
    if host.netns:
        out.append((payload, (SADP_GROUP, SADP_PORT), 0.0))
    if "malformed-udp" in host.hostile:
        out.append((_garbage(host), addr, 0.0))
    return out


def dhip_header(body_len: int, declared: int | None = None) -> bytes:
    """The 32-byte DHIP header: size, magic, session, id,
    JSON length, 0, JSON length again, 0."""
    n = body_len if declared is None else declared
    return struct.pack("<I4sIIIIII", 0x20, b"DHIP", 0, 0, n, 0, n, 0)


def dhip(host: Host, data: bytes, addr: Addr) -> list[Reply]:
    template = host.personality.dahua_discovery
    if template is None or len(data) < 32 or data[4:8] != b"DHIP":
        return []
    if b"DHDiscover.search" not in data[32:]:
        return []
    body = to_bytes(fill(template, host.json_fields))
    if "malformed-udp" in host.hostile:
        # header lengths that disagree with the body, then a junk datagram
        return [
            (dhip_header(len(body), len(body) + 4099) + body, addr, 0.0),
            (_garbage(host), addr, 0.0),
        ]
    return [(dhip_header(len(body)) + body, addr, 0.0)]


def ssdp(host: Host, data: bytes, addr: Addr) -> list[Reply]:
    """M-SEARCH -> one 200 OK per matching search target, unicast to the sender."""
    p = host.personality
    lines = data.decode("latin-1").split("\r\n")
    if p.ssdp_server is None or not lines[0].upper().startswith("M-SEARCH "):
        return []
    headers = {}
    for line in lines[1:32]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    if "ssdp:discover" not in headers.get("man", "").lower():
        return []
    st = headers.get("st", "")
    targets = [
        (target, target_usn)
        for target, target_usn in _ssdp_targets(host)
        if st == "ssdp:all" or st == target
    ]
    date = email.utils.formatdate(usegmt=True)
    out: list[Reply] = []
    for target, target_usn in targets:
        text = (
            f"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age={SSDP_MAX_AGE}\r\n"
            f"DATE: {date}\r\nEXT:\r\nLOCATION: {host.text(p.ssdp_location)}\r\n"
            f"SERVER: {host.text(p.ssdp_server)}\r\nST: {target}\r\nUSN: {target_usn}\r\n\r\n"
        )
        out.append((_ssdp_bytes(host, text), addr, random.uniform(0, JITTER)))
    return out


def _ssdp_targets(host: Host) -> list[tuple[str, str]]:
    """(search target / notification type, USN) pairs the host answers and announces:
    upnp:rootdevice and its own device type (M-SEARCH ST); NOTIFY adds uuid:UDN."""
    p = host.personality
    usn = host.text(p.ssdp_usn)
    own_st = host.text(p.ssdp_st)
    out = [("upnp:rootdevice", usn.split("::", 1)[0] + "::upnp:rootdevice")]
    if own_st != "upnp:rootdevice":
        out.append((own_st, usn))
    return out


def _ssdp_bytes(host: Host, text: str) -> bytes:
    if "lf-only" in host.personality.quirks:
        text = text.replace("\r\n", "\n")  # as the firmware writes its HTTP too
    return to_bytes(text)


def ssdp_notify(host: Host, nts: str) -> list[bytes]:
    """The NOTIFY set a UPnP root device multicasts (UDA 2.0 §1.2.2, §1.2.3): one message
    each for upnp:rootdevice, uuid:UDN and the device type; ``ssdp:alive`` with
    CACHE-CONTROL, LOCATION and SERVER, ``ssdp:byebye`` without them."""
    p = host.personality
    if p.ssdp_server is None:
        return []
    udn = host.text(p.ssdp_usn).split("::", 1)[0]
    pairs = _ssdp_targets(host)
    pairs.insert(1, (udn, udn))
    out = []
    for nt, usn in pairs:
        if nts == "ssdp:alive":
            text = (
                f"NOTIFY * HTTP/1.1\r\nHOST: {SSDP_GROUP}:{SSDP_PORT}\r\n"
                f"CACHE-CONTROL: max-age={SSDP_MAX_AGE}\r\n"
                f"LOCATION: {host.text(p.ssdp_location)}\r\nNT: {nt}\r\nNTS: ssdp:alive\r\n"
                f"SERVER: {host.text(p.ssdp_server)}\r\nUSN: {usn}\r\n\r\n"
            )
        else:
            text = (
                f"NOTIFY * HTTP/1.1\r\nHOST: {SSDP_GROUP}:{SSDP_PORT}\r\n"
                f"NT: {nt}\r\nNTS: ssdp:byebye\r\nUSN: {usn}\r\n\r\n"
            )
        out.append(_ssdp_bytes(host, text))
    return out


# --- mDNS --------------------------------------------------------------------------------

_TYPE_A, _TYPE_PTR, _TYPE_TXT, _TYPE_SRV, _TYPE_ANY = 1, 12, 16, 33, 255
_CLASS_IN, _CLASS_UNIQUE = 1, 0x8000
_FLAGS_RESPONSE_AA = 0x8400
_SERVICES_META = "_services._dns-sd._udp.local"
_SRV_PORTS = {"_ipp": 631, "_ipps": 631, "_printer": 515, "_pdl-datastream": 9100, "_ssh": 22}


def _srv_port(host: Host, service_type: str) -> int:
    p = host.personality
    prefix = service_type.split(".", 1)[0]
    if prefix == "_rtsp" and p.rtsp is not None:
        return p.rtsp.port
    if prefix in _SRV_PORTS:
        return _SRV_PORTS[prefix]
    plain = sorted(port for port in p.http if port not in p.https_ports)
    return plain[0] if plain else 80


def _txt(props: dict[str, str], host: Host) -> bytes:
    out = b""
    for key, value in props.items():
        item = to_bytes(f"{key}={host.text(value)}")[:255]
        out += bytes([len(item)]) + item
    return out or b"\x00"


def mdns(host: Host, data: bytes, addr: Addr) -> list[Reply]:
    """PTR queries for the host's service types -> PTR + SRV + TXT + A.

    A query from a port other than 5353 is a legacy unicast query (RFC 6762 §6.7): answered
    unicast to it with the query ID and questions echoed.  A query from 5353 is answered on
    the group, from inside a lab namespace only (unicast to the sender otherwise).
    """
    services = {
        stype.lower().rstrip("."): (stype, inst, txt) for stype, inst, txt in host.personality.mdns
    }
    if not services:
        return []
    msg = DNSIncoming(data)
    if not msg.valid or not msg.is_query():
        return []
    wanted: list[str] = []
    meta = False
    questions = []
    for q in msg.questions:
        name = q.name.lower().rstrip(".")
        if q.type not in (_TYPE_PTR, _TYPE_ANY):
            continue
        if name == _SERVICES_META:
            meta = True
            questions.append(q)
        elif name in services:
            wanted.append(name)
            questions.append(q)
    if not wanted and not meta:
        return []
    legacy = addr[1] != MDNS_PORT
    out = _mdns_response(host, wanted, meta, legacy, msg.id if legacy else 0, questions)
    dest = (
        (MDNS_GROUP, MDNS_PORT) if not legacy and host.netns and not msg.has_qu_question() else addr
    )
    return [(bytes(packet), dest, 0.0) for packet in out.packets()]


def _mdns_response(
    host: Host,
    wanted: list[str],
    meta: bool,
    legacy: bool,
    msg_id: int,
    questions: list[DNSQuestion],
) -> DNSOutgoing:
    """The answer for service types ``wanted`` (PTR, SRV, TXT and the A record; with
    ``meta`` the service-type enumeration too)."""
    services = {
        stype.lower().rstrip("."): (stype, inst, txt) for stype, inst, txt in host.personality.mdns
    }
    out = DNSOutgoing(_FLAGS_RESPONSE_AA, not legacy, msg_id)
    if legacy:
        for q in questions:
            out.add_question(q)
    if meta:
        for stype, _inst, _props in services.values():
            out.add_answer_at_time(
                DNSPointer(
                    _SERVICES_META + ".", _TYPE_PTR, _CLASS_IN, 4500, stype.rstrip(".") + "."
                ),
                0,
            )
    target = f"{host.fields['hostname']}.local."
    ttl_short = 10 if legacy else 120
    for name in wanted:
        stype, inst, txt = services[name]
        full_type = stype.rstrip(".") + "."
        instance = f"{host.text(inst)}.{full_type}"
        unique = _CLASS_IN | _CLASS_UNIQUE
        out.add_answer_at_time(DNSPointer(full_type, _TYPE_PTR, _CLASS_IN, 4500, instance), 0)
        out.add_answer_at_time(
            DNSService(
                instance, _TYPE_SRV, unique, ttl_short, 0, 0, _srv_port(host, stype), target
            ),
            0,
        )
        out.add_answer_at_time(DNSText(instance, _TYPE_TXT, unique, 4500, _txt(txt, host)), 0)
    if wanted:
        out.add_answer_at_time(
            DNSAddress(
                target, _TYPE_A, _CLASS_IN | _CLASS_UNIQUE, ttl_short, socket.inet_aton(host.ip)
            ),
            0,
        )
    return out


def mdns_announcement(host: Host) -> list[bytes]:
    """The unsolicited response announcing every service of the host (RFC 6762 §8.3: all
    its records in the Answer Section, to the group, message ID 0)."""
    names = [stype.lower().rstrip(".") for stype, _inst, _txt in host.personality.mdns]
    if not names:
        return []
    return [bytes(p) for p in _mdns_response(host, names, False, False, 0, []).packets()]


def snmp(host: Host, data: bytes, addr: Addr) -> list[Reply]:
    """v1/v2c GET/GETNEXT with the lab community; wrong community or garbage: silence."""
    try:
        req = snmp_ber.decode_request(data)
    except snmp_ber.BerError:
        return []
    if req.community != host.creds.snmp_community.encode():
        return []
    values = {oid: to_bytes(host.text(v)) for oid, v in host.personality.snmp.items()}
    reply = snmp_ber.encode_response(req, values, frozenset({SYS_OBJECT_ID}))
    return [(reply, addr, 0.0)]


class UdpService(asyncio.DatagramProtocol):
    """Runs one handler on one socket of one host."""

    def __init__(self, host: Host, name: str, handler: Handler) -> None:
        self.host, self.name, self.handler = host, name, handler
        self.transport: asyncio.DatagramTransport | None = None
        self._window = 0.0
        self._sent = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # selector datagram transports are not DatagramTransport subclasses at runtime
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if len(data) > MAX_DATAGRAM_IN or self.transport is None:
            return
        try:
            replies = self.handler(self.host, data, (str(addr[0]), int(addr[1])))
        except Exception as err:
            self.host.log(f"udp/{self.name}", err)
            return
        loop = asyncio.get_running_loop()
        for payload, dest, delay in replies:
            if not self._allow():
                return
            if delay > 0:
                loop.call_later(delay, self._send, payload, dest)
            else:
                self._send(payload, dest)

    def _allow(self) -> bool:
        now = time.monotonic()
        if now - self._window >= 1.0:
            self._window, self._sent = now, 0
        self._sent += 1
        return self._sent <= REPLIES_PER_SECOND

    def _send(self, payload: bytes, dest: Addr) -> None:
        if self.transport is not None and not self.transport.is_closing():
            try:
                self.transport.sendto(payload, dest)
            except OSError as err:
                self.host.log(f"udp/{self.name} send", err)

    def error_received(self, exc: Exception) -> None:
        pass  # ICMP port unreachable from a client that went away: nothing to do


def udp_services(host: Host) -> list[tuple[int, str, Handler, str | None]]:
    """(port, name, handler, multicast group to join in a namespace) for the host."""
    p = host.personality
    out: list[tuple[int, str, Handler, str | None]] = []
    if p.onvif is not None:
        out.append((WSD_PORT, "wsdiscovery", wsdiscovery, SSDP_GROUP))
    if p.sadp is not None:
        out.append((SADP_PORT, "sadp", sadp, SADP_GROUP))
    if p.dahua_discovery is not None:
        out.append((DHIP_PORT, "dhip", dhip, DHIP_GROUP))
    if p.ssdp_server is not None:
        out.append((SSDP_PORT, "ssdp", ssdp, SSDP_GROUP))
    if p.mdns:
        out.append((MDNS_PORT, "mdns", mdns, MDNS_GROUP))
    if p.snmp:
        out.append((SNMP_PORT, "snmp", snmp, None))
    return out
