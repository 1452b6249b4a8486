"""The passive decoder on hand-built frames: each protocol read into the active probes'
observations, the same engine naming the maker; hostile frames counted, never fatal."""

from __future__ import annotations

import datetime as dt
import random
import struct

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from passive_frames import (
    ACK,
    DEV_MAC,
    PSH,
    SYN,
    arp,
    ether,
    ipv4,
    ipv6,
    tcp_conversation,
    tcp_frame,
    udp,
    udp_frame,
)
from passive_samples import (
    DAHUA_HELLO,
    DHIP_REPLY,
    HIK_HTTP,
    HIK_RTSP,
    HIK_SADP,
    MSEARCH,
    SADP_INQUIRY,
    SSDP_NOTIFY,
    WSD_PROBE,
)
from zeroconf import DNSOutgoing, DNSPointer, DNSText, const

from camscan.app.identify import identify_document
from camscan.fingerprint import load_engine
from camscan.observations import evidence_document
from camscan.passive import dhcp
from camscan.passive.decoder import Limits, PassiveDecoder, split_replies
from camscan.passive.packets import Malformed, decode
from camscan.passive.scope import recording_scope
from camscan.protocols.tls import parse_certificate

DEV = "10.0.0.80"
CLIENT = "10.0.0.5"


@pytest.fixture(scope="module")
def engine():  # type: ignore[no-untyped-def]
    return load_engine()


def run(frames: list[bytes], limits: Limits | None = None, **scope: list[str]) -> PassiveDecoder:
    dec = PassiveDecoder(recording_scope(**scope), limits)
    for i, f in enumerate(frames):
        dec.feed(1, f, 1_700_000_000.0 + i)
    dec.finish()
    return dec


def verdict_of(dec: PassiveDecoder, ip: str, engine):  # type: ignore[no-untyped-def]
    host = dec.hosts[ip]
    doc = evidence_document(ip, host.observations, mac=host.mac)
    return doc, identify_document(engine, doc)


def test_arp_gives_ip_and_mac_and_arp_probes_are_not_hosts() -> None:
    dec = run([arp(DEV), arp("0.0.0.0", target_ip="10.0.0.99")])
    assert list(dec.hosts) == [DEV]
    assert dec.hosts[DEV].mac == "9c:8e:cd:01:02:03"
    assert dec.hosts[DEV].observations[0].probe == "arp"


def test_dhcp_options_tied_to_the_address_the_server_acknowledged() -> None:
    discover = dhcp.build(
        mac=DEV_MAC,
        hostname="axis-accc8e3a0a8f",
        vendor_class="udhcp 1.19.4",
        client_id=b"\x01" + DEV_MAC,
    )
    ack = dhcp.build(mac=DEV_MAC, message_type=5, op=2, yiaddr=DEV)
    dec = run(
        [
            udp_frame("0.0.0.0", "255.255.255.255", 68, 67, discover),
            udp_frame("10.0.0.1", "255.255.255.255", 67, 68, ack, mac=b"\x02" * 6),
        ]
    )
    host = dec.hosts[DEV]
    assert host.mac == "9c:8e:cd:01:02:03" and host.hostname == "axis-accc8e3a0a8f"
    (obs,) = [o for o in host.observations if o.probe == "dhcp"]
    assert obs.raw == discover[240:]  # the options as sent, verbatim
    assert dict(obs.meta) == {
        "hostname": "axis-accc8e3a0a8f",
        "vendor_class": "udhcp 1.19.4",
        "param_list": "1,3,6,12,15,28,42",
        "client_id": "019c8ecd010203",
        "source": "capture",
    }
    assert "dhcp" not in host.observations[0].meta  # the ARP record carries the MAC only
    assert host.imported().hostname == "axis-accc8e3a0a8f"


@pytest.mark.parametrize("arp_first", [True, False])
def test_dhcp_options_tied_by_the_mac_arp_gave_an_address(arp_first: bool) -> None:
    discover = udp_frame(
        "0.0.0.0", "255.255.255.255", 68, 67, dhcp.build(mac=DEV_MAC, hostname="IPC-HFW2228M")
    )
    frames = [arp(DEV), discover] if arp_first else [discover, arp(DEV)]
    host = run(frames).hosts[DEV]
    assert host.hostname == "IPC-HFW2228M"
    assert [o.meta.get("hostname") for o in host.observations if o.probe == "dhcp"] == [
        "IPC-HFW2228M"
    ]


def test_dhcp_requested_address_and_cut_options() -> None:
    req = dhcp.build(mac=DEV_MAC, message_type=3, hostname="cam1", requested_ip=DEV)
    dec = run([udp_frame("0.0.0.0", "255.255.255.255", 68, 67, req)])
    assert dec.hosts[DEV].hostname == "cam1"
    cut = req[: req.index(b"cam1") + 2]  # option 12 says 4 octets, 2 arrive
    dec = run([udp_frame("0.0.0.0", "255.255.255.255", 68, 67, cut)])
    # read up to the cut (53, 50): nothing the client says of itself, so nothing recorded
    assert not dec.hosts and dec.stats.malformed["DHCP option 12 cut off"] == 1
    with pytest.raises(Malformed):
        dhcp.parse_dhcp(b"\x01" * 300)  # no magic cookie


def test_wsdiscovery_hello_names_dahua_and_probes_are_not_kept(engine) -> None:  # type: ignore[no-untyped-def]
    dec = run(
        [
            udp_frame(DEV, "239.255.255.250", 3702, 3702, DAHUA_HELLO),
            udp_frame(CLIENT, "239.255.255.250", 50000, 3702, WSD_PROBE),
        ]
    )
    assert list(dec.hosts) == [DEV]
    doc, verdict = verdict_of(dec, DEV, engine)
    assert doc["wsdiscovery"][0]["raw"] == DAHUA_HELLO.decode()
    assert verdict.manufacturer == "Dahua" and verdict.is_camera


def test_sadp_dhip_ssdp_announcements(engine) -> None:  # type: ignore[no-untyped-def]
    hik, dh = "10.0.0.64", DEV
    dec = run(
        [
            udp_frame(hik, "239.255.255.250", 37020, 37020, HIK_SADP),
            udp_frame(CLIENT, "239.255.255.250", 37020, 37020, SADP_INQUIRY),
            udp_frame(dh, "10.0.0.5", 37810, 5050, DHIP_REPLY),
            udp_frame(dh, "239.255.255.250", 1900, 1900, SSDP_NOTIFY),
            udp_frame(dh, "239.255.255.250", 1900, 1900, SSDP_NOTIFY),  # repeats: kept once
            udp_frame(CLIENT, "239.255.255.250", 1901, 1900, MSEARCH),
        ]
    )
    assert sorted(dec.hosts) == [hik, dh]
    _, v = verdict_of(dec, hik, engine)
    assert v.manufacturer == "Hikvision" and v.model == "DS-2CD2385G1-I"
    doc, v = verdict_of(dec, dh, engine)
    assert v.manufacturer == "Dahua"
    assert len(doc["ssdp"]) == 1 and "upnp_device_desc.xml" in doc["ssdp"][0]["raw"]
    assert doc["dahua_discovery"]


def test_mdns_announcement_read_into_service_records(engine) -> None:  # type: ignore[no-untyped-def]
    out = DNSOutgoing(const._FLAGS_QR_RESPONSE | const._FLAGS_AA)
    inst = "AXIS M1065-LW - ACCC8E3A0A8F._axis-video._tcp.local."
    out.add_answer_at_time(
        DNSPointer("_axis-video._tcp.local.", const._TYPE_PTR, const._CLASS_IN, 4500, inst), 0
    )
    out.add_answer_at_time(
        DNSText(inst, const._TYPE_TXT, const._CLASS_IN, 4500, b"\x17macaddress=ACCC8E3A0A8F"), 0
    )
    query = DNSOutgoing(0)
    dec = run(
        [
            udp_frame("10.0.0.90", "224.0.0.251", 5353, 5353, out.packets()[0]),
            udp_frame(CLIENT, "224.0.0.251", 5353, 5353, query.packets()[0]),
        ]
    )
    assert list(dec.hosts) == ["10.0.0.90"]
    doc, v = verdict_of(dec, "10.0.0.90", engine)
    assert doc["mdns"][0]["properties"] == {"macaddress": "ACCC8E3A0A8F"}
    assert v.manufacturer == "Axis"


def test_http_and_rtsp_server_sides_reassembled(engine) -> None:  # type: ignore[no-untyped-def]
    page = HIK_HTTP
    frames = tcp_conversation(
        DEV, CLIENT, 80, b"GET /doc/page/login.asp HTTP/1.1\r\n\r\n", page, segment=7
    )
    frames[3], frames[4] = frames[4], frames[3]  # two segments out of order
    frames.insert(6, frames[5])  # a retransmission
    frames += tcp_conversation(
        DEV, CLIENT, 554, b"DESCRIBE rtsp://x/ RTSP/1.0\r\n\r\n", HIK_RTSP, cport=40001
    )
    dec = run(frames)
    doc, v = verdict_of(dec, DEV, engine)
    assert doc["http"] == [
        {"port": 80, "tls": False, "path": "/doc/page/login.asp", "raw": page.decode()}
    ]
    assert doc["rtsp"] == [{"port": 554, "raw": HIK_RTSP.decode()}]
    assert doc["open_ports"] == [80, 554]
    assert CLIENT not in dec.hosts  # a client is not a server
    assert v.manufacturer == "Hikvision"


def test_pipelined_replies_split_by_content_length() -> None:
    one = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    two = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    three = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nworld\r\n0\r\n\r\n"
    assert split_replies(one + two + three) == [one, two, three]
    reqs = b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET http://h/c HTTP/1.1\r\n\r\n"
    dec = run(tcp_conversation(DEV, CLIENT, 8080, reqs, one + two + three))
    paths = [o.meta["path"] for o in dec.hosts[DEV].observations if o.probe == "http"]
    assert paths == ["/a", "/b", "/c"]


def _tls_server_flight(cert_der: bytes, version13: bool = False) -> bytes:
    ext = struct.pack("!HHH", 43, 2, 0x0304) if version13 else b""
    hello = b"\x03\x03" + b"\x11" * 32 + b"\x00" + b"\xc0\x2f" + b"\x00"
    hello += struct.pack("!H", len(ext)) + ext
    msgs = b"\x02" + len(hello).to_bytes(3, "big") + hello
    if not version13:
        certs = len(cert_der).to_bytes(3, "big") + cert_der
        body = len(certs).to_bytes(3, "big") + certs
        msgs += b"\x0b" + len(body).to_bytes(3, "big") + body
    # split over two records, as servers do when the chain is long (RFC 5246 6.2.1)
    half = len(msgs) // 2
    recs = b""
    for part in (msgs[:half], msgs[half:]):
        recs += b"\x16\x03\x03" + struct.pack("!H", len(part)) + part
    return recs


def test_tls_certificate_read_from_a_tls12_handshake_not_from_13(engine) -> None:  # type: ignore[no-untyped-def]
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Axis Communications AB"),
            x509.NameAttribute(NameOID.COMMON_NAME, "axis-accc8e3a0a8f"),
        ]
    )
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=9))
        .sign(key, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    hello = b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"  # a (short) ClientHello record
    frames = tcp_conversation("10.0.0.90", CLIENT, 443, hello, _tls_server_flight(der))
    frames += tcp_conversation(
        "10.0.0.91", CLIENT, 443, hello, _tls_server_flight(der, version13=True)
    )
    dec = run(frames)
    doc, v = verdict_of(dec, "10.0.0.90", engine)
    subject = parse_certificate(doc["tls"][0]["pem"]).subject
    assert subject == "CN=axis-accc8e3a0a8f,O=Axis Communications AB"
    assert v.manufacturer == "Axis"
    assert [o.probe for o in dec.hosts["10.0.0.91"].observations] == ["tcp"]
    assert dec.stats.tls13 == 1


def test_scope_filters_what_is_recorded() -> None:
    frames = [arp(DEV), arp("10.0.1.7", b"\x02" * 6), arp("8.8.8.8", b"\x04" * 6)]
    assert sorted(run(frames).hosts) == [DEV, "10.0.1.7"]  # public space: not by default
    assert list(run(frames, only=["10.0.1.0/24"]).hosts) == ["10.0.1.7"]
    assert list(run(frames, exclude=["10.0.1.0/24"]).hosts) == [DEV]
    assert "8.8.8.8" in run(frames, only=["0.0.0.0/0"]).hosts  # named explicitly
    with pytest.raises(ValueError, match="--only"):
        recording_scope(only=["10.0.0.0/33"])


def test_vlan_tags_ipv6_extension_headers_and_other_link_types() -> None:
    body = ipv4(DEV, "239.255.255.250", 17, udp(3702, 3702, DAHUA_HELLO))
    dec = run([ether(body, 0x0800, vlan=20)])
    assert DEV in dec.hosts
    v6 = "fd00::80"
    frame = ether(ipv6(v6, "ff02::c", 17, udp(3702, 3702, DAHUA_HELLO), hop_by_hop=True), 0x86DD)
    assert v6 in run([frame]).hosts
    pkt = decode(101, body)  # raw IP
    assert pkt is not None and pkt.src == DEV and pkt.dport == 3702
    sll = struct.pack("!HHH8sH", 0, 1, 6, DEV_MAC + b"\0\0", 0x0800) + body
    pkt = decode(113, sll)
    assert pkt is not None and pkt.src_mac == "9c:8e:cd:01:02:03"
    later_fragment = ipv4(DEV, CLIENT, 17, udp(3702, 3702, DAHUA_HELLO), frag=0x0010)
    assert decode(101, later_fragment) is None


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (b"\x00" * 10, "short Ethernet header"),
        (ether(b"\x45" + b"\0" * 5, 0x0800), "short IPv4 header"),
        (ether(b"\x4f" + b"\0" * 19, 0x0800), "bad IPv4 header length"),
        (ether(b"\x75" + b"\0" * 30, 0x0800), "IP version 7"),
        (ether(ipv4(DEV, CLIENT, 17, b"\0\0\0"), 0x0800), "short UDP header"),
        (
            ether(ipv4(DEV, CLIENT, 6, b"\0" * 12 + b"\x20" + b"\0" * 7), 0x0800),
            "bad TCP data offset",
        ),
        (ether(b"\x00\x14\x81\x00" * 3 + b"\x00\x14\x08\x00", 0x8100), "too many VLAN tags"),
        (ether(b"\x60" + b"\0" * 10, 0x86DD), "short IPv6 header"),
    ],
)
def test_malformed_frames_are_counted_by_reason(frame: bytes, reason: str) -> None:
    dec = run([frame, arp(DEV)])
    assert dec.stats.malformed == {reason: 1}
    assert DEV in dec.hosts  # what came after is still read


def test_random_and_mutated_frames_never_raise() -> None:
    rnd = random.Random(13)
    good = [
        udp_frame(DEV, "239.255.255.250", 3702, 3702, DAHUA_HELLO),
        udp_frame(DEV, "10.0.0.5", 37810, 5050, DHIP_REPLY),
        arp(DEV),
        *tcp_conversation(DEV, CLIENT, 80, b"GET / HTTP/1.1\r\n\r\n", HIK_HTTP),
    ]
    frames = []
    for _ in range(3000):
        f = bytearray(rnd.choice(good))
        for _ in range(rnd.randint(1, 8)):
            f[rnd.randrange(len(f))] = rnd.randrange(256)
        frames.append(bytes(f[: rnd.randint(0, len(f))]))
        frames.append(rnd.randbytes(rnd.randint(0, 200)))
    dec = PassiveDecoder(recording_scope(only=["0.0.0.0/0", "::/0"]))
    for lt in (1, 101, 113, 276, 0):
        for f in frames[:1200]:
            dec.feed(lt, f)
    dec.finish()
    assert dec.stats.packets == 6000 and sum(dec.stats.malformed.values()) > 100


def test_memory_is_bounded_per_host_per_flow_and_in_flows() -> None:
    limits = Limits(max_hosts=10, per_probe=3, max_flows=4, server_bytes=1024, flow_bytes=4096)
    frames = [arp(f"10.0.1.{i}", bytes([2, 0, 0, 0, 0, i])) for i in range(1, 30)]
    frames += [
        udp_frame(
            DEV, "239.255.255.250", 1900, 1900, SSDP_NOTIFY.replace(b"rootdevice", b"x%d" % i)
        )
        for i in range(20)
    ]
    dec = run(frames, limits)
    assert len(dec.hosts) == 10 and dec.stats.hosts_dropped > 0
    # the first ten addresses are kept; DEV came later
    assert DEV not in dec.hosts
    dec = run(frames[29:], limits)
    assert dec.hosts[DEV].counts["ssdp"] == 3 and dec.stats.capped == 17
    # 50 flows that never close, each sending 100 KiB: at most 4 held, 4 KiB in all
    dec = PassiveDecoder(recording_scope(), limits)
    for port in range(50):
        dec.feed(1, tcp_frame(DEV, CLIENT, 80, 30000 + port, 1, SYN | ACK))
        for k in range(100):
            dec.feed(
                1,
                tcp_frame(
                    DEV,
                    CLIENT,
                    80,
                    30000 + port,
                    2 + k * 1024,
                    ACK | PSH,
                    b"HTTP/1.1 200 OK\r\n" + b"x" * 1007,
                ),
            )
            assert len(dec.flows.flows) <= 4 and dec.flows.buffered <= 4096
    dec.finish()
    http = [o for o in dec.hosts[DEV].observations if o.probe == "http"]
    assert http and all(len(o.raw) <= 1024 for o in http)


# A GetDeviceInformationResponse as ONVIF's device service WSDL defines it
# (https://www.onvif.org/ver10/device/wsdl/devicemgmt.wsdl, tds:GetDeviceInformationResponse)
ONVIF_INFO = (
    b'<?xml version="1.0" encoding="UTF-8"?><s:Envelope '
    b'xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    b'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Body>'
    b"<tds:GetDeviceInformationResponse><tds:Manufacturer>Dahua</tds:Manufacturer>"
    b"<tds:Model>IPC-HFW2228M</tds:Model><tds:FirmwareVersion>2.800.0000000.25.R"
    b"</tds:FirmwareVersion><tds:SerialNumber>6J0B3A1PAZ12345</tds:SerialNumber>"
    b"<tds:HardwareId>1.00</tds:HardwareId></tds:GetDeviceInformationResponse>"
    b"</s:Body></s:Envelope>"
)


def test_an_onvif_reply_seen_on_the_wire_is_recorded_as_the_onvif_probe_does(engine) -> None:  # type: ignore[no-untyped-def]
    reply = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nContent-Length: "
        + str(len(ONVIF_INFO)).encode()
        + b"\r\n\r\n"
        + ONVIF_INFO
    )
    post = b"POST /onvif/device_service HTTP/1.1\r\nHost: x\r\n\r\n<s:Envelope/>"
    dec = run(tcp_conversation(DEV, CLIENT, 80, post, reply))
    doc, v = verdict_of(dec, DEV, engine)
    assert doc["onvif_device_information"]["Manufacturer"] == "Dahua"
    assert doc["onvif"][0]["authenticated"] is False and "http" not in doc
    assert v.manufacturer == "Dahua" and v.serial == "6J0B3A1PAZ12345"


def test_camscans_canary_and_a_fetched_upnp_description_keep_their_scan_shape() -> None:
    canary = b"GET /camscan-canary-0a1b2c3d HTTP/1.1\r\n\r\n"
    desc = b'<?xml version="1.0"?><root><device><manufacturer>Dahua</manufacturer></device></root>'
    page = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(desc), desc)
    frames = [
        udp_frame(
            DEV, CLIENT, 1900, 50000, SSDP_NOTIFY.replace(b"NOTIFY * HTTP/1.1", b"HTTP/1.1 200 OK")
        ),
        *tcp_conversation(DEV, CLIENT, 80, canary, HIK_HTTP),
        *tcp_conversation(
            DEV, CLIENT, 49152, b"GET /upnp_device_desc.xml HTTP/1.1\r\n\r\n", page, cport=40002
        ),
    ]
    doc = evidence_document(DEV, run(frames).hosts[DEV].observations)
    assert doc["http"][0]["canary"] is True and len(doc["http"]) == 1
    assert doc["ssdp"][0]["description"] == desc.decode()


def test_what_all_hosts_keep_together_is_bounded() -> None:
    limits = Limits(total_bytes=8 << 10)
    frames = [
        udp_frame(f"10.0.2.{i}", "239.255.255.250", 3702, 3702, DAHUA_HELLO) for i in range(1, 40)
    ]
    dec = run(frames, limits)
    assert dec.kept_bytes <= 8 << 10 and dec.stats.capped > 0
    assert sum(len(h.observations) for h in dec.hosts.values()) == dec.stats.kept["wsdiscovery"]
