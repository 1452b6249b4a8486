"""What simulated hosts announce, byte for byte, read back with camscan's own parsers (pure:
no namespaces): WS-Discovery Hello/Bye, SADP Hello, DHIP notify, SSDP NOTIFY, mDNS, DHCP
and ARP frames, and the cited schedule."""

from __future__ import annotations

import socket
import struct
import uuid
from pathlib import Path

import pytest
from zeroconf import DNSIncoming

from camscan.protocols.dhip import parse_dhip
from camscan.protocols.sadp import parse_sadp
from camscan.protocols.wsdiscovery import parse_wsdiscovery
from camscan_lab import announce
from camscan_lab.personalities import ALL
from camscan_lab.serve_host import Host, LabCredentials, host_from_state
from camscan_lab.serve_onvif import wsd_announcement
from camscan_lab.serve_udp import mdns_announcement, ssdp_notify

CREDS = LabCredentials("camscan-lab", "pw", "public")


def hosts() -> list[Host]:
    """One host of every personality, at a local address."""
    out = []
    for i, p in enumerate(ALL):
        oui = p.ouis[0] if p.ouis else "02:00:00"
        entry = {
            "id": f"h{i:04d}",
            "ip": f"10.77.0.{10 + i % 240}",
            "mac": f"{oui}:00:{i // 256:02x}:{i % 256:02x}",
            "personality": p.name,
            "model": p.models[0],
            "firmware": p.firmwares[0],
            "serial": f"SN{i:08d}",
            "uuid": str(uuid.UUID(int=i + 1, version=4)),
            "hostname": f"main-1{i:02d}-01",
        }
        out.append(host_from_state(entry, CREDS))
    return out


HOSTS = hosts()


def test_every_rate_cites_its_source() -> None:
    assert {r.protocol for r in announce.RATES} == {
        "ARP",
        "DHCP",
        "WS-Discovery",
        "SADP",
        "DHIP",
        "mDNS",
        "SSDP",
    }
    for rate in announce.RATES:
        assert rate.source and rate.at_start and rate.repeats, rate


@pytest.mark.parametrize("kind", ["Hello", "Bye"])
def test_wsdiscovery_hello_and_bye_read_as_the_devices_probe_match(kind: str) -> None:
    onvif_hosts = [h for h in HOSTS if h.personality.onvif is not None]
    assert len(onvif_hosts) > 20
    for h in onvif_hosts:
        msg = parse_wsdiscovery(wsd_announcement(h, kind, 1, instance=7))
        assert msg.action == kind and not msg.notes, (h.personality.name, msg)
        (match,) = msg.matches
        assert match.address == h.text(h.personality.onvif.endpoint_reference)  # type: ignore[union-attr]
        if kind == "Hello":
            assert match.xaddrs and h.ip in match.xaddrs[0]
            assert match.types and match.scopes == tuple(
                h.text(s)
                for s in h.personality.onvif.scopes  # type: ignore[union-attr]
            )
        else:
            assert match.xaddrs == () and match.scopes == ()


def test_sadp_hello_carries_the_probe_match_elements() -> None:
    sadp_hosts = [h for h in HOSTS if h.personality.sadp is not None and not h.hostile]
    assert sadp_hosts
    for h in sadp_hosts:
        raw = announce.sadp_hello(h)
        assert raw is not None
        reply = parse_sadp(raw)
        assert reply.kind == "Hello" and reply.values["Types"] == "hello"
        assert "Uuid" not in reply.values
        assert reply.values["DeviceSN"] == h.fields["serial"]


def test_dhip_notify_is_a_framed_notify_dev_info() -> None:
    dhip_hosts = [h for h in HOSTS if h.personality.dahua_discovery is not None and not h.hostile]
    assert dhip_hosts
    for h in dhip_hosts:
        raw = announce.dhip_notify(h)
        assert raw is not None and raw[4:8] == b"DHIP"
        assert struct.unpack_from("<I", raw, 16)[0] == len(raw) - 32
        reply = parse_dhip(raw)
        assert reply.framed and reply.method == "client.notifyDevInfo"


def test_ssdp_notify_sets() -> None:
    upnp = [h for h in HOSTS if h.personality.ssdp_server is not None]
    assert upnp
    for h in upnp:
        alive = [m.decode("latin-1") for m in ssdp_notify(h, "ssdp:alive")]
        bye = [m.decode("latin-1") for m in ssdp_notify(h, "ssdp:byebye")]
        assert len(alive) == len(bye) >= 2
        for text in alive:
            assert text.startswith("NOTIFY * HTTP/1.1")
            assert "NTS: ssdp:alive" in text and "CACHE-CONTROL: max-age=1800" in text
            assert "LOCATION: http://" + h.ip in text
        assert any("NT: upnp:rootdevice" in t for t in alive)
        assert any("NT: uuid:" in t and "USN: uuid:" in t for t in alive)
        assert all("NTS: ssdp:byebye" in t and "LOCATION" not in t for t in bye)


def test_mdns_announcement_is_an_unsolicited_response_with_every_service() -> None:
    mdns_hosts = [h for h in HOSTS if h.personality.mdns]
    assert mdns_hosts
    for h in mdns_hosts:
        packets = mdns_announcement(h)
        assert packets
        msg = DNSIncoming(packets[0])
        assert msg.valid and not msg.is_query() and msg.id == 0 and not msg.questions
        names = {a.name.lower().rstrip(".") for a in msg.answers()}
        for stype, _inst, _txt in h.personality.mdns:
            assert stype.lower().rstrip(".") in names
        assert f"{h.fields['hostname']}.local".lower() in names


def _dhcp_options(frame: bytes) -> dict[int, bytes]:
    udp = frame[14 + 20 :]
    payload = udp[8:]
    assert payload[236:240] == bytes([99, 130, 83, 99])
    out: dict[int, bytes] = {}
    i = 240
    while i < len(payload) and payload[i] != 255:
        if payload[i] == 0:
            i += 1
            continue
        code, length = payload[i], payload[i + 1]
        out[code] = payload[i + 2 : i + 2 + length]
        i += 2 + length
    return out


def _checksum_ok(data: bytes) -> bool:
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total == 0xFFFF


@pytest.mark.parametrize("message", [1, 3])
def test_dhcp_frames_are_valid_broadcasts_with_the_clients_options(message: int) -> None:
    for h in HOSTS:
        frame = announce.dhcp_frame(h, message, 0x12345678, "10.77.0.1")
        assert frame[:6] == b"\xff" * 6 and frame[6:12] == announce.mac_bytes(h.fields["mac"])
        ip = frame[14:34]
        assert _checksum_ok(ip)
        assert ip[12:16] == socket.inet_aton("0.0.0.0") and ip[16:20] == b"\xff" * 4
        udp = frame[34:]
        pseudo = ip[12:20] + struct.pack("!BBH", 0, 17, len(udp))
        assert struct.unpack("!HH", udp[:4]) == (68, 67) and _checksum_ok(pseudo + udp)
        opts = _dhcp_options(frame)
        client, hostname, vendor = announce.dhcp_client(h)
        assert opts[53] == bytes([message])
        assert opts[12].decode() == hostname
        assert opts[55] == bytes(client.parameters)
        assert opts.get(60, b"").decode() == (vendor or "")
        assert (61 in opts) == client.client_id
        assert opts[50] == socket.inet_aton(h.ip)
        assert (54 in opts) == (message == 3)


def test_dhcp_client_shapes_follow_the_maker() -> None:
    by = {h.personality.name: announce.dhcp_client(h) for h in HOSTS}
    axis = [v for k, v in by.items() if k.startswith("axis-") and "camera" in k]
    assert axis and all(v[2] and v[2].startswith("AXIS,Network Camera,") for v in axis)
    assert all(v[1].startswith("axis-") for v in axis)
    assert by["windows-pc-dell"][0] is announce.WINDOWS
    assert by["linux-nginx"][0] is announce.DHCLIENT and by["linux-nginx"][2] is None
    hik = [v for k, v in by.items() if k.startswith("hikvision-")]
    assert hik and all(v[0] is announce.UDHCPC and v[2] == "udhcp 1.31.1" for v in hik)
    # about half of the cameras are set to DHCP, every ordinary host is
    cams = [h for h in HOSTS if h.personality.is_camera]
    share = sum(announce.uses_dhcp(h) for h in cams) / len(cams)
    assert 0.3 < share < 0.7
    assert all(announce.uses_dhcp(h) for h in HOSTS if not h.personality.is_camera)


def test_arp_probe_and_announcement() -> None:
    probe = announce.arp_frame("00:11:22:33:44:55", "0.0.0.0", "10.77.0.9")
    announcement = announce.arp_frame("00:11:22:33:44:55", "10.77.0.9", "10.77.0.9")
    for frame in (probe, announcement):
        assert len(frame) == 60 and frame[12:14] == b"\x08\x06" and frame[:6] == b"\xff" * 6
        assert frame[20:22] == b"\x00\x01"  # request
        assert frame[38:42] == socket.inet_aton("10.77.0.9")
    assert probe[28:32] == b"\x00" * 4 and announcement[28:32] == socket.inet_aton("10.77.0.9")
    unicast = announce.arp_frame(
        "00:11:22:33:44:55", "10.77.0.9", "10.77.0.1", dst_mac=b"\x02\x00\x0a\x4d\x00\x01"
    )
    assert unicast[:6] == b"\x02\x00\x0a\x4d\x00\x01"


def test_docs_lab_md_shows_the_schedule_in_force() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "lab.md").read_text(encoding="utf-8")
    assert announce.rates_markdown() in docs
