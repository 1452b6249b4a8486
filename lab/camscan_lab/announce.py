"""What simulated hosts say on their own, as real ones do: the lab's announcements.

With ``camscan-lab up --announce`` (or ``--announce-speed N``) every host, after it
"powers on" at a random moment of the first ``BOOT_SPREAD`` simulated seconds, sends what
its kind of device sends when it joins a network, and afterwards what it repeats; at
``down`` it says goodbye where its protocol has a goodbye.  The schedule is :data:`RATES`
(also the table in docs/lab.md), every entry with its source.  ``speed`` compresses time:
with speed 60 one real second is one simulated minute, so 1, 5 and 15 simulated minutes
take 1, 5 and 15 real seconds.

Bounded by construction: the start-up burst is a fixed number of messages per host, each
periodic loop stops after :data:`MAX_PERIODIC` rounds or when the lab goes down, and every
message leaves only through the host's own lab interface (multicast with TTL 1 from the
host's UDP service sockets, DHCP and ARP as frames on its ``eth0``).

The payloads are built here from the host's personality: a WS-Discovery Hello/Bye with the
EndpointReference, Types, Scopes and XAddrs its ProbeMatches carries; the SADP ``<Hello>``
of its ProbeMatch template; its DHIP ``client.notifyDevInfo``; SSDP ``NOTIFY`` with its
SERVER, LOCATION and USN; the mDNS records it answers queries with; DHCP DISCOVER and
REQUEST in the shape of the host's DHCP client (:func:`dhcp_client`); RFC 5227 ARP probes
and announcements, and ordinary hosts' ARP for their gateway.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import random
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from camscan_lab import population
from camscan_lab.personalities.encode import fill, to_bytes
from camscan_lab.serve_host import Host
from camscan_lab.serve_onvif import wsd_announcement
from camscan_lab.serve_udp import (
    DHIP_GROUP,
    DHIP_PORT,
    MDNS_GROUP,
    MDNS_PORT,
    SADP_GROUP,
    SADP_PORT,
    SSDP_GROUP,
    SSDP_MAX_AGE,
    SSDP_PORT,
    WSD_PORT,
    dhip_header,
    mdns_announcement,
    ssdp_notify,
)

# ---------------------------------------------------------------------------- the schedule

BOOT_SPREAD = 60.0  # simulated seconds over which the hosts power on (the lab's choice)
MAX_PERIODIC = 500  # rounds of any periodic announcement per host before it stops
WSD_GROUP = "239.255.255.250"

WSDD_SPEC = "http://docs.oasis-open.org/ws-dd/discovery/1.1/os/wsdd-discovery-1.1-spec-os.html"
SOAP_UDP_SPEC = (
    "http://docs.oasis-open.org/ws-dd/soapoverudp/1.1/os/wsdd-soapoverudp-1.1-spec-os.html"
)
ONVIF_CORE = "https://www.onvif.org/specs/core/ONVIF-Core-Specification.pdf"
UDA_20 = "https://openconnectivity.org/upnp-specs/UPnP-arch-DeviceArchitecture-v2.0-20200417.pdf"


@dataclass(frozen=True)
class Rate:
    """One row of the schedule: what is sent, by whom, when, how often, from what source."""

    protocol: str
    who: str
    at_start: str
    repeats: str
    source: str


RATES: tuple[Rate, ...] = (
    Rate(
        "ARP",
        "every host",
        "3 probes (sender 0.0.0.0) 1-2 s apart after 0-1 s, then 2 announcements 2 s apart "
        "after 2 s",
        "-",
        "RFC 5227 §2.1.1, §2.3 (PROBE_WAIT 1, PROBE_NUM 3, PROBE_MIN 1, PROBE_MAX 2, "
        "ANNOUNCE_WAIT 2, ANNOUNCE_NUM 2, ANNOUNCE_INTERVAL 2 s)",
    ),
    Rate(
        "ARP",
        "ordinary hosts",
        "-",
        "an ARP request for the gateway, unicast to its MAC, every 15-45 s (a STALE entry "
        "revalidated after reachable time)",
        "Linux ip-sysctl docs: neigh base_reachable_time 30 s, reachable time random in "
        "[base/2, 3*base/2]; ucast_solicit 3 (docs.kernel.org/networking/ip-sysctl.html)",
    ),
    Rate(
        "DHCP",
        "ordinary hosts; cameras/NVRs/DVRs set to DHCP (half of them, the lab's choice)",
        "DHCPDISCOVER at power-on, DHCPREQUEST 1 s later (selecting state: options 50 and "
        "54); broadcast from 0.0.0.0:68",
        "- (renewal at T1 = half the lease is unicast to the server, 12 h for a 1-day lease)",
        "RFC 2131 §3.1, §4.4.1; RFC 2132 §3.14 (12 host name), §9.1 (50), §9.7 (54), "
        "§9.8 (55), §9.10 (57), §9.13 (60), §9.14 (61); the client shapes below",
    ),
    Rate(
        "WS-Discovery",
        "ONVIF devices",
        "Hello (multicast 239.255.255.250:3702) after 0-500 ms (APP_MAX_DELAY), sent twice "
        "50-250 ms apart (MULTICAST_UDP_REPEAT 1)",
        "- ; Bye (also sent twice) when the lab goes down",
        f"WS-Discovery 1.1 §4.1 Hello, §4.2 Bye, §3.1.3 APP_MAX_DELAY ({WSDD_SPEC}); "
        f"SOAP-over-UDP 1.1 Appendix I ({SOAP_UDP_SPEC}); ONVIF Core §7.3: a discoverable "
        f"device sends Hello once connected to the network ({ONVIF_CORE})",
    ),
    Rate(
        "SADP",
        "Hikvision-firmware devices",
        "one <Hello> (<Types>hello</Types>, the ProbeMatch's elements) to 239.255.255.250:37020",
        "-",
        "group and port: MatrixEditor/hiktools hiktools/sadp; one Hello at power-on, as a "
        "public device-side SADP implementation (the 'HIK TSC' source quoted in the code "
        "index, repository unnamed) sends it",
    ),
    Rate(
        "DHIP",
        "Dahua-firmware devices",
        "one client.notifyDevInfo (32-byte DHIP header + its search-reply JSON) to "
        "239.255.255.251:37810",
        "-",
        "group, port, header and method: mcw0/DahuaConsole net.py, "
        "julienblitte/UniversalScanner Dahua2.cs; once at start is the lab's choice",
    ),
    Rate(
        "mDNS",
        "hosts with mDNS services (Axis, printers, NAS, ...)",
        "2 unsolicited responses (PTR, SRV, TXT, A) 1 s apart to 224.0.0.251:5353",
        "-",
        "RFC 6762 §8.3 Announcing (at least two, one second apart)",
    ),
    Rate(
        "SSDP",
        "UPnP devices",
        "NOTIFY ssdp:alive for upnp:rootdevice, uuid:UDN and the device type, the set sent "
        "twice 300 ms apart, CACHE-CONTROL max-age=1800",
        "the set again every 450-900 s (a random time under half of max-age); ssdp:byebye "
        "when the lab goes down",
        f"UPnP Device Architecture 2.0 §1.2.2, §1.2.3 ({UDA_20})",
    ),
)


def rates_markdown() -> str:
    """The schedule as the table in docs/lab.md (a test keeps the two the same)."""
    rows = ["| protocol | who | at power-on | afterwards | source |", "|---|---|---|---|---|"]
    rows += [f"| {r.protocol} | {r.who} | {r.at_start} | {r.repeats} | {r.source} |" for r in RATES]
    return "\n".join(rows) + "\n"


# RFC 5227 §1.1 constants (seconds)
PROBE_WAIT, PROBE_NUM, PROBE_MIN, PROBE_MAX = 1.0, 3, 1.0, 2.0
ANNOUNCE_WAIT, ANNOUNCE_NUM, ANNOUNCE_INTERVAL = 2.0, 2, 2.0
# Linux neighbour revalidation (base_reachable_time 30 s -> [15, 45] s)
REACHABLE = (15.0, 45.0)
# WS-Discovery / SOAP-over-UDP
APP_MAX_DELAY, UDP_MIN_DELAY, UDP_MAX_DELAY, MULTICAST_UDP_REPEAT = 0.5, 0.05, 0.25, 1
SSDP_REPEAT_GAP = 0.3
SSDP_REFRESH = (SSDP_MAX_AGE / 4, SSDP_MAX_AGE / 2)
MDNS_ANNOUNCEMENTS, MDNS_GAP = 2, 1.0
DHCP_REQUEST_AFTER = 1.0
ADDRESS_READY = 3.0  # services announce once the address is configured (after DHCP/ARP)

# ---------------------------------------------------------------------------- frames

ETH_BROADCAST = b"\xff" * 6
ETH_P_IP, ETH_P_ARP = 0x0800, 0x0806


def mac_bytes(mac: str) -> bytes:
    return bytes.fromhex(mac.replace(":", "").replace("-", ""))


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\x00"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def arp_frame(
    src_mac: str, sender_ip: str, target_ip: str, *, dst_mac: bytes = ETH_BROADCAST
) -> bytes:
    """An ARP request (RFC 826): a probe has sender 0.0.0.0, an announcement sender =
    target = the host's own address (RFC 5227 §2.1.1, §2.3)."""
    sha = mac_bytes(src_mac)
    arp = struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, 1) + sha + socket.inet_aton(sender_ip)
    arp += b"\x00" * 6 + socket.inet_aton(target_ip)
    return dst_mac + sha + struct.pack("!H", ETH_P_ARP) + arp + b"\x00" * 18  # 60-byte min


@dataclass(frozen=True)
class DhcpClient:
    """The DHCP options one kind of client sends (RFC 2132 codes)."""

    name: str
    vendor_class: str | None  # option 60
    parameters: tuple[int, ...]  # option 55
    client_id: bool  # option 61 (type 1 + MAC)
    max_size: int | None  # option 57
    source: str


# BusyBox udhcpc, the client of embedded Linux firmware: options flagged OPTION_REQ in
# networking/udhcp/common.c (subnet, router, DNS, hostname, domain, broadcast, NTP), vendor
# class "udhcp <version>" and the MAC as client identifier by default (udhcpc --help in
# networking/udhcp/dhcpc.c: -V "default 'udhcp VERSION'", -C "don't send MAC as client
# identifier"), maximum message size 576.
UDHCPC = DhcpClient(
    "udhcpc",
    "udhcp 1.31.1",
    (1, 3, 6, 12, 15, 28, 42),
    True,
    576,
    "mirror/busybox networking/udhcp/common.c, dhcpc.c",
)
# ISC dhclient as Debian configures it (/etc/dhcp/dhclient.conf "request subnet-mask,
# broadcast-address, time-offset, routers, domain-name, domain-name-servers, domain-search,
# host-name, netbios-name-servers, netbios-scope, interface-mtu,
# rfc3442-classless-static-routes, ntp-servers"): no vendor class, no client identifier.
DHCLIENT = DhcpClient(
    "dhclient",
    None,
    (1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42),
    False,
    None,
    "isc-dhcp-client debian/dhclient.conf",
)
# Windows: vendor class "MSFT 5.0" (Microsoft's DHCP client; RFC 2132 §9.13 class
# identifier), its parameter list as DHCP fingerprinting databases record it.
WINDOWS = DhcpClient(
    "windows",
    "MSFT 5.0",
    (1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252),
    True,
    1500,
    "learn.microsoft.com DHCP client vendor class 'MSFT 5.0'; fingerbank option-55 lists",
)


def dhcp_client(host: Host) -> tuple[DhcpClient, str, str | None]:
    """(client shape, hostname for option 12, vendor class for option 60) of a host.

    Axis cameras send ``AXIS,Network Camera,<model>,<firmware>`` (rapid7/recog
    ``xml/dhcp_vendor_class.xml``) with the host name ``axis-<mac>``
    (home-assistant/core ``homeassistant/generated/dhcp.py`` matches ``axis-00408c*``);
    other embedded devices run udhcpc; PCs Windows; servers dhclient.
    """
    p = host.personality
    plain = host.fields["mac"].replace(":", "")
    if p.manufacturer == "Axis" and p.is_camera:
        vendor = f"AXIS,Network Camera,{host.fields['model']},{host.fields['firmware']}"
        return UDHCPC, f"axis-{plain}", vendor
    if not p.is_camera and p.name.startswith("windows-"):
        return WINDOWS, host.fields["hostname"], WINDOWS.vendor_class
    if not p.is_camera and p.name.startswith("linux-"):
        return DHCLIENT, host.fields["hostname"], None
    return UDHCPC, host.fields["hostname"], UDHCPC.vendor_class


def uses_dhcp(host: Host) -> bool:
    """Ordinary hosts take their address by DHCP; of the cameras/NVRs/DVRs, half (a stable
    choice per host; the lab's choice: factory defaults are static addresses, installers
    often switch them to DHCP)."""
    if not host.personality.is_camera:
        return True
    return hashlib.sha256(host.id.encode()).digest()[0] % 2 == 0


def dhcp_frame(host: Host, message: int, xid: int, server: str) -> bytes:
    """A DHCPDISCOVER (1) or DHCPREQUEST (3, selecting state) as a broadcast Ethernet frame
    from 0.0.0.0:68 to 255.255.255.255:67 (RFC 2131 §4.1, §4.4.1)."""
    client, hostname, vendor = dhcp_client(host)
    mac = mac_bytes(host.fields["mac"])
    bootp = struct.pack("!BBBBIHH", 1, 1, 6, 0, xid, 0, 0) + b"\x00" * 16
    bootp += mac + b"\x00" * 10 + b"\x00" * 192 + bytes([99, 130, 83, 99])
    opts = bytes([53, 1, message])
    if client.client_id:
        opts += bytes([61, 7, 1]) + mac
    opts += bytes([50, 4]) + socket.inet_aton(host.ip)  # the address it had before
    if message == 3:
        opts += bytes([54, 4]) + socket.inet_aton(server)
    if client.max_size:
        opts += bytes([57, 2]) + struct.pack("!H", client.max_size)
    name = hostname.encode("ascii", "replace")[:63]
    opts += bytes([12, len(name)]) + name
    if vendor:
        v = vendor.encode("utf-8", "replace")[:255]
        opts += bytes([60, len(v)]) + v
    opts += bytes([55, len(client.parameters), *client.parameters]) + b"\xff"
    payload = bootp + opts
    payload += b"\x00" * max(0, 300 - len(payload))  # BOOTP minimum (RFC 1542 §2.1)
    udp_len = 8 + len(payload)
    src, dst = socket.inet_aton("0.0.0.0"), socket.inet_aton("255.255.255.255")
    pseudo = src + dst + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", 68, 67, udp_len, 0) + payload
    udp = udp[:6] + struct.pack("!H", _checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0x10, 20 + udp_len, 0, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", _checksum(ip)) + ip[12:]
    return ETH_BROADCAST + mac + struct.pack("!H", ETH_P_IP) + ip + udp


def gateway_of(ip: str) -> str:
    routed = ipaddress.ip_address(ip) in population.ROUTED_NET
    return population.ROUTED_GATEWAY if routed else population.LOCAL_GATEWAY


# ---------------------------------------------------------------------------- payloads


def sadp_hello(host: Host) -> bytes | None:
    """The SADP ``<Hello>``: the ProbeMatch's elements under ``<Hello>``, ``<Types>hello``,
    no ``<Uuid>`` (nothing to echo)."""
    template = host.personality.sadp
    if template is None:
        return None
    text = host.xml(template, uuid_req="")
    text = text.replace("<Uuid></Uuid>\n", "").replace("<Uuid></Uuid>", "")
    text = text.replace("<ProbeMatch>", "<Hello>").replace("</ProbeMatch>", "</Hello>")
    text = text.replace("<Types>inquiry</Types>", "<Types>hello</Types>")
    return to_bytes(text)


def dhip_notify(host: Host) -> bytes | None:
    """The DHIP ``client.notifyDevInfo`` the host answers a search with, unsolicited."""
    template = host.personality.dahua_discovery
    if template is None:
        return None
    body = to_bytes(fill(template, host.json_fields))
    return dhip_header(len(body)) + body


# ---------------------------------------------------------------------------- sending


@dataclass
class Outlets:
    """Where one host's announcements leave: its UDP service transports by service name
    and a send-only packet socket on its eth0 (None in the machine's own namespace)."""

    udp: dict[str, asyncio.DatagramTransport] = field(default_factory=dict)
    frames: socket.socket | None = None
    sent: dict[str, int] = field(default_factory=dict)

    def datagram(self, service: str, payload: bytes, dest: tuple[str, int], host: Host) -> None:
        t = self.udp.get(service)
        if t is None or t.is_closing():
            return
        try:
            t.sendto(payload, dest)
            self.sent[service] = self.sent.get(service, 0) + 1
        except OSError as err:
            host.log(f"announce {service}", err)

    def frame(self, what: str, frame: bytes, host: Host) -> None:
        if self.frames is None:
            return
        try:
            self.frames.send(frame)
            self.sent[what] = self.sent.get(what, 0) + 1
        except OSError as err:
            host.log(f"announce {what}", err)


def frame_socket() -> socket.socket:
    """A send-only AF_PACKET socket on eth0 of the current namespace (protocol 0: it
    receives nothing)."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    try:
        sock.bind(("eth0", 0))
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class Announcer:
    """Runs every host's schedule on the server's event loop until ``stop``."""

    def __init__(
        self,
        hosts: list[tuple[Host, Outlets]],
        speed: float,
        seed: int = 0,
        *,
        boot_delay: float = 0.0,
        boot_spread: float = BOOT_SPREAD,
    ) -> None:
        self.hosts = hosts
        self.speed = max(speed, 0.001)
        self.seed = seed
        self.boot_delay = max(boot_delay, 0.0)  # real seconds before the first power-on
        self.boot_spread = max(boot_spread, 0.0)  # simulated seconds the power-ons spread over
        self.tasks: list[asyncio.Task[None]] = []

    def start(self, stop: asyncio.Event) -> None:
        for host, out in self.hosts:
            if host.netns is None:
                continue  # never multicast from the machine's own namespace
            rng = random.Random(f"{self.seed}:{host.id}")
            self.tasks.append(asyncio.ensure_future(self._host(host, out, rng, stop)))

    async def _sleep(self, simulated: float, stop: asyncio.Event) -> bool:
        """Wait ``simulated`` seconds of lab time; True when the lab is going down."""
        try:
            await asyncio.wait_for(stop.wait(), timeout=max(simulated, 0.0) / self.speed)
        except TimeoutError:
            return False
        return True

    async def _timeline(
        self, steps: list[tuple[float, Callable[[], None]]], stop: asyncio.Event
    ) -> bool:
        """Run ``(simulated offset, action)`` steps in order; True when stopped early."""
        now = 0.0
        for at, action in sorted(steps, key=lambda s: s[0]):
            if await self._sleep(at - now, stop):
                return True
            now = max(now, at)
            action()
        return False

    async def _host(
        self, host: Host, out: Outlets, rng: random.Random, stop: asyncio.Event
    ) -> None:
        try:
            boot = self.boot_delay * self.speed + rng.uniform(0, self.boot_spread)
            if await self._sleep(boot, stop):
                return
            if await self._timeline(self._start_steps(host, out, rng), stop):
                return
            await self._periodic(host, out, rng, stop)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # one host's bug must not stop the others
            host.log("announce", err)

    def _start_steps(
        self, host: Host, out: Outlets, rng: random.Random
    ) -> list[tuple[float, Callable[[], None]]]:
        steps: list[tuple[float, Callable[[], None]]] = []
        mac, ip = host.fields["mac"], host.ip
        t = 0.0
        if uses_dhcp(host):
            xid = rng.getrandbits(32)
            server = gateway_of(ip)
            steps.append((t, lambda: out.frame("dhcp", dhcp_frame(host, 1, xid, server), host)))
            t += DHCP_REQUEST_AFTER
            steps.append((t, lambda: out.frame("dhcp", dhcp_frame(host, 3, xid, server), host)))
        t += rng.uniform(0, PROBE_WAIT)
        for i in range(PROBE_NUM):
            if i:
                t += rng.uniform(PROBE_MIN, PROBE_MAX)
            steps.append((t, lambda: out.frame("arp", arp_frame(mac, "0.0.0.0", ip), host)))
        t += ANNOUNCE_WAIT
        for i in range(ANNOUNCE_NUM):
            if i:
                t += ANNOUNCE_INTERVAL
            steps.append((t, lambda: out.frame("arp", arp_frame(mac, ip, ip), host)))
        ready = ADDRESS_READY
        if host.personality.onvif is not None and "wsdiscovery" in out.udp:
            hello = wsd_announcement(host, "Hello", 1, instance=self._instance(host))
            first = ready + rng.uniform(0, APP_MAX_DELAY)
            for k in range(1 + MULTICAST_UDP_REPEAT):
                at = first + k * rng.uniform(UDP_MIN_DELAY, UDP_MAX_DELAY)
                steps.append(
                    (at, lambda: out.datagram("wsdiscovery", hello, (WSD_GROUP, WSD_PORT), host))
                )
        sadp = sadp_hello(host) if "sadp" in out.udp else None
        if sadp is not None:
            steps.append((ready, lambda: out.datagram("sadp", sadp, (SADP_GROUP, SADP_PORT), host)))
        dhip = dhip_notify(host) if "dhip" in out.udp else None
        if dhip is not None:
            steps.append((ready, lambda: out.datagram("dhip", dhip, (DHIP_GROUP, DHIP_PORT), host)))
        if "mdns" in out.udp:
            packets = mdns_announcement(host)
            for k in range(MDNS_ANNOUNCEMENTS):
                steps.append((ready + k * MDNS_GAP, lambda: self._mdns(host, out, packets)))
        if "ssdp" in out.udp:
            steps.append((ready, lambda: self._ssdp(host, out, "ssdp:alive")))
            steps.append((ready + SSDP_REPEAT_GAP, lambda: self._ssdp(host, out, "ssdp:alive")))
        return steps

    @staticmethod
    def _instance(host: Host) -> int:
        """The WS-Discovery AppSequence InstanceId: constant for one power-on."""
        return int.from_bytes(hashlib.sha256(host.fields["uuid"].encode()).digest()[:3], "big")

    @staticmethod
    def _mdns(host: Host, out: Outlets, packets: list[bytes]) -> None:
        for packet in packets:
            out.datagram("mdns", packet, (MDNS_GROUP, MDNS_PORT), host)

    @staticmethod
    def _ssdp(host: Host, out: Outlets, nts: str) -> None:
        for packet in ssdp_notify(host, nts):
            out.datagram("ssdp", packet, (SSDP_GROUP, SSDP_PORT), host)

    async def _periodic(
        self, host: Host, out: Outlets, rng: random.Random, stop: asyncio.Event
    ) -> None:
        chatter = not host.personality.is_camera and out.frames is not None
        ssdp = "ssdp" in out.udp
        if not (chatter or ssdp):
            return
        gateway = gateway_of(host.ip)
        gw_mac = mac_bytes(population.ROUTER_MACS[gateway])
        next_arp = rng.uniform(*REACHABLE) if chatter else float("inf")
        next_ssdp = rng.uniform(*SSDP_REFRESH) if ssdp else float("inf")
        now = 0.0
        for _ in range(MAX_PERIODIC):
            at = min(next_arp, next_ssdp)
            if at == float("inf") or await self._sleep(at - now, stop):
                return
            now = at
            if at == next_arp:
                frame = arp_frame(host.fields["mac"], host.ip, gateway, dst_mac=gw_mac)
                out.frame("arp", frame, host)
                next_arp = now + rng.uniform(*REACHABLE)
            else:
                self._ssdp(host, out, "ssdp:alive")
                next_ssdp = now + rng.uniform(*SSDP_REFRESH)

    def goodbye(self) -> None:
        """What hosts send when they leave: WS-Discovery Bye, SSDP byebye (bounded: one set
        per host, the Bye twice as SOAP-over-UDP repeats it)."""
        for task in self.tasks:
            task.cancel()
        for host, out in self.hosts:
            if host.netns is None:
                continue
            if host.personality.onvif is not None and "wsdiscovery" in out.udp:
                bye = wsd_announcement(host, "Bye", 2, instance=self._instance(host))
                for _ in range(1 + MULTICAST_UDP_REPEAT):
                    out.datagram("wsdiscovery", bye, (WSD_GROUP, WSD_PORT), host)
            if "ssdp" in out.udp:
                self._ssdp(host, out, "ssdp:byebye")
