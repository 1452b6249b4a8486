"""The lab server on the wire: real sockets against a server subprocess on loopback.

Expected values come from the public sources the personalities cite (Server tokens, realms,
protocol layouts) and the state file the test wrote, not from the server's code; unicast only
(multicast is exercised inside lab namespaces by the lab and end-to-end tests).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import socket
import ssl
import struct
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import Element

import httpx
import pytest
from cryptography import x509
from defusedxml import ElementTree
from zeroconf import DNSIncoming, DNSPointer, DNSService, DNSText

from camscan.config import DEFAULT_PORTS
from camscan.discovery import messages, snmp
from tests.lab_server.conftest import (
    HOSTS,
    PASSWORD,
    Server,
    start_server,
    state_document,
    stop_server,
)

pytestmark = pytest.mark.timeout(120)

HIK, DAHUA, AXIS = "127.0.77.2", "127.0.77.3", "127.0.77.4"
TARPIT, ENDLESS, SLOW, ALLPORTS = "127.0.77.5", "127.0.77.6", "127.0.77.7", "127.0.77.8"
BAD_DHIP, SCRIPT = "127.0.77.9", "127.0.77.10"
TDS = "http://www.onvif.org/ver10/device/wsdl"


def udp_ask(ip: str, port: int, payload: bytes, wait: float = 3.0) -> list[tuple[bytes, str]]:
    """Send one datagram; every (reply, source ip) that arrives within ``wait`` seconds of
    the last one (the first may take ``wait``)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.sendto(payload, (ip, port))
        sock.settimeout(wait)
        out: list[tuple[bytes, str]] = []
        try:
            while True:
                data, addr = sock.recvfrom(65535)
                out.append((data, addr[0]))
                sock.settimeout(0.5)
        except TimeoutError:
            pass
        return out


def tcp_exchange(ip: str, port: int, request: bytes, timeout: float = 5.0) -> bytes:
    """Send ``request`` and read until the peer closes or goes quiet."""
    with socket.create_connection((ip, port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        try:
            while len(data) < 1 << 20:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
                sock.settimeout(0.5)
        except TimeoutError:
            pass
        return data


def soap(operation: str, user: str | None = None, password: str | None = None) -> bytes:
    header = ""
    if user is not None and password is not None:
        nonce = os.urandom(16)
        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        digest = base64.b64encode(
            hashlib.sha1(nonce + created.encode() + password.encode()).digest()
        ).decode()
        wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
        wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
        ptype = (
            "http://docs.oasis-open.org/wss/2004/01/"
            "oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
        )
        header = (
            f'<s:Header><wsse:Security xmlns:wsse="{wsse}" xmlns:wsu="{wsu}">'
            f"<wsse:UsernameToken><wsse:Username>{user}</wsse:Username>"
            f'<wsse:Password Type="{ptype}">{digest}</wsse:Password>'
            f"<wsse:Nonce>{base64.b64encode(nonce).decode()}</wsse:Nonce>"
            f"<wsu:Created>{created}</wsu:Created></wsse:UsernameToken></wsse:Security>"
            "</s:Header>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><s:Envelope '
        f'xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="{TDS}">{header}'
        f"<s:Body><tds:{operation}/></s:Body></s:Envelope>"
    ).encode()


def onvif_post(ip: str, body: bytes) -> httpx.Response:
    return httpx.post(
        f"http://{ip}/onvif/device_service",
        content=body,
        headers={"Content-Type": "application/soap+xml; charset=utf-8"},
        timeout=5,
    )


def xml(raw: bytes) -> Element:
    root: Element = ElementTree.fromstring(raw)
    return root


def text_of(root: Element, local: str) -> str | None:
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] == local:
            return el.text
    return None


# --- startup ------------------------------------------------------------------------------


def test_ready_line_counts_every_host(server: Server) -> None:
    word, hosts, sockets = server.ready.split()
    assert word == "READY"
    assert int(hosts) == len(HOSTS)
    # the all-ports host alone listens on every default port
    assert int(sockets) > len(DEFAULT_PORTS) + len(HOSTS)


def test_bad_state_file_reports_error(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    doc = state_document(
        {"127.0.78.2": ("no-such-personality", "m", "f", "s", "00:11:22:33:44:55")}
    )
    state.write_text(json.dumps(doc))
    proc, line = start_server(state)
    code = stop_server(proc)
    assert line.startswith("ERROR") and "no-such-personality" in line
    assert code not in (0, None)


def test_sigterm_stops_cleanly(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("binds port 80: needs root")
    state = tmp_path / "state.json"
    state.write_text(json.dumps(state_document({"127.0.78.3": HOSTS[HIK]})))
    proc, line = start_server(state)
    try:
        assert line == "READY 1 6"  # HTTP, RTSP, SDK 8000; WS-Discovery, SADP, SNMP
    finally:
        code = stop_server(proc)
    assert code == 0


# --- HTTP, HTTPS, RTSP, SDK ports -----------------------------------------------------------


def test_hikvision_web_server_header(server: Server) -> None:
    page = httpx.get(f"http://{HIK}/doc/page/login.asp", timeout=5)
    assert page.status_code == 200
    assert page.headers["server"] == "App-webs/"  # rapid7/recog http_servers.xml, older firmware
    head = httpx.head(f"http://{HIK}/doc/page/login.asp", timeout=5)
    assert head.headers["server"] == "App-webs/" and head.content == b""
    assert int(head.headers["content-length"]) == len(page.content)
    missing = httpx.get(f"http://{HIK}/no/such/page?x=1", timeout=5)
    assert missing.status_code == 404


def test_http_keep_alive_serves_several_requests(server: Server) -> None:
    # Dahua's web server answers upper-case header names and
    # closes: a fresh connection per request; two requests in a row both answer.
    with httpx.Client(timeout=5) as client:
        first = client.get(f"http://{DAHUA}/")
        second = client.get(f"http://{DAHUA}/RPC2_Login")
    assert first.status_code == 200 and "server" not in first.headers
    assert json.loads(second.content)["params"]["realm"] == f"Login to {HOSTS[DAHUA][3]}"


def test_https_certificate_from_the_personality(server: Server) -> None:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((DAHUA, 443), timeout=5) as raw,
        ctx.wrap_socket(raw) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
        tls.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = tls.recv(4096)
    assert der is not None
    cert = x509.load_der_x509_certificate(der)
    assert cert.subject.rfc4514_string() == f"CN={DAHUA},C=CN"
    assert "Dahua" in cert.issuer.rfc4514_string() and cert.issuer != cert.subject
    assert reply.startswith(b"HTTP/1.1 200")


def test_rtsp_options_echoes_cseq_and_describe_challenges(server: Server) -> None:
    with socket.create_connection((HIK, 554), timeout=5) as sock:
        sock.sendall(b"OPTIONS rtsp://127.0.77.2:554/ RTSP/1.0\r\nCSeq: 7\r\n\r\n")
        options = sock.recv(4096)
        sock.sendall(
            b"DESCRIBE rtsp://127.0.77.2:554/Streaming/Channels/101 RTSP/1.0\r\nCSeq: 8\r\n"
            b"Accept: application/sdp\r\n\r\n"
        )
        describe = sock.recv(4096)
    assert options.startswith(b"RTSP/1.0 200 OK\r\n") and b"\r\nCSeq: 7\r\n" in options
    assert describe.startswith(b"RTSP/1.0 401") and b"\r\nCSeq: 8\r\n" in describe
    assert b'realm="IP Camera(C2875)"' in describe  # hikvision.SOURCES RTSP realm


def test_sdk_port_answers_after_first_bytes(server: Server) -> None:
    reply = tcp_exchange(HIK, 8000, b"\x00" * 32)
    assert reply == bytes.fromhex("000000100000001e0000001e00000000")  # nmap line 1821


# --- ONVIF ----------------------------------------------------------------------------------


def test_onvif_time_without_auth(server: Server) -> None:
    resp = onvif_post(HIK, soap("GetSystemDateAndTime"))
    assert resp.status_code == 200
    assert text_of(xml(resp.content), "Year") == str(datetime.now(UTC).year)


def test_onvif_device_information_needs_digest(server: Server) -> None:
    refused = onvif_post(HIK, soap("GetDeviceInformation"))
    assert refused.status_code in (400, 401)
    assert "NotAuthorized" in (text_of(xml(refused.content), "Value") or "") or (
        b"ter:NotAuthorized" in refused.content
    )
    wrong = onvif_post(HIK, soap("GetDeviceInformation", "camscan-lab", "wrong-password"))
    assert wrong.status_code in (400, 401) and b"NotAuthorized" in wrong.content
    ok = onvif_post(HIK, soap("GetDeviceInformation", "camscan-lab", PASSWORD))
    assert ok.status_code == 200
    root = xml(ok.content)
    _, model, firmware, serial, _ = HOSTS[HIK]
    assert text_of(root, "Model") == model
    assert text_of(root, "SerialNumber") == serial
    assert text_of(root, "FirmwareVersion") == firmware
    assert text_of(root, "Manufacturer") == "HIKVISION"


def test_onvif_script_model_stays_data(server: Server) -> None:
    ok = onvif_post(SCRIPT, soap("GetDeviceInformation", "camscan-lab", PASSWORD))
    assert ok.status_code == 200
    assert b"<script>" not in ok.content  # escaped by the device's XML encoder
    assert text_of(xml(ok.content), "Model") == "<script>alert(1)</script>"


def test_onvif_malformed_request_is_a_fault(server: Server) -> None:
    resp = onvif_post(HIK, b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>")
    assert resp.status_code == 400 and b"Fault" in resp.content


# --- UDP discovery (unicast) ------------------------------------------------------------------


def test_wsdiscovery_unicast_probe(server: Server) -> None:
    probe = messages.wsdiscovery_probe()
    message_id = text_of(xml(probe), "MessageID")
    replies = udp_ask(HIK, 3702, probe)
    assert [src for _, src in replies] == [HIK]
    root = xml(replies[0][0])
    assert text_of(root, "RelatesTo") == message_id
    assert f"http://{HIK}/onvif/device_service" in (text_of(root, "XAddrs") or "")
    assert "hardware/DS-2CD2142FWD-I" in (text_of(root, "Scopes") or "")


def test_wsdiscovery_ignores_other_types(server: Server) -> None:
    assert udp_ask(HIK, 3702, messages.wsdiscovery_probe("dn:NoSuchType"), wait=1.0) == []


def test_sadp_inquiry(server: Server) -> None:
    inquiry = messages.sadp_inquiry()
    uuid_sent = text_of(xml(inquiry), "Uuid")
    replies = udp_ask(HIK, 37020, inquiry)
    assert [src for _, src in replies] == [HIK]  # no group copy outside a namespace
    root = xml(replies[0][0])
    assert root.tag == "ProbeMatch"
    assert text_of(root, "Uuid") == uuid_sent
    assert text_of(root, "DeviceSN") == HOSTS[HIK][3]
    assert text_of(root, "MAC") == "44-19-b6-12-34-56"


def test_sadp_probe_match_is_not_an_inquiry(server: Server) -> None:
    # Devices copy their ProbeMatch to the group, where every other device hears it; it
    # carries <Types>inquiry</Types> too, and answering it would start a reply storm.
    match = udp_ask(HIK, 37020, messages.sadp_inquiry())[0][0]
    assert udp_ask(HIK, 37020, match, wait=1.0) == []


def test_sadp_write_commands_are_ignored(server: Server) -> None:
    reset = b"<?xml version='1.0'?><Probe><Uuid>X</Uuid><Types>reset</Types></Probe>"
    assert udp_ask(HIK, 37020, reset, wait=1.0) == []


def test_dhip_search(server: Server) -> None:
    replies = udp_ask(DAHUA, 37810, messages.dhip_search())
    assert len(replies) == 1 and replies[0][1] == DAHUA
    data = replies[0][0]
    size, magic = struct.unpack_from("<I4s", data)
    (length,) = struct.unpack_from("<I", data, 0x10)
    assert (size, magic) == (0x20, b"DHIP")  # mcw0/DahuaConsole net.py framing
    assert length == len(data) - 32
    body = json.loads(data[32:])
    assert body["method"] == "client.notifyDevInfo"
    assert body["params"]["deviceInfo"]["SerialNo"] == HOSTS[DAHUA][3]
    assert body["mac"] == HOSTS[DAHUA][4]


def test_dhip_malformed_host_sends_inconsistent_lengths(server: Server) -> None:
    replies = udp_ask(BAD_DHIP, 37810, messages.dhip_search())
    assert replies, "the malformed host still answers"
    first = replies[0][0]
    (length,) = struct.unpack_from("<I", first, 0x10)
    assert length != len(first) - 32
    with pytest.raises(ValueError):
        json.loads(first[32:])


def test_ssdp_msearch_and_description(server: Server) -> None:
    replies = udp_ask(DAHUA, 1900, messages.ssdp_msearch(f"{DAHUA}:1900"))
    assert len(replies) == 1
    head = replies[0][0].decode()
    assert head.startswith("HTTP/1.1 200 OK\r\n")
    fields = dict(
        (k.strip().upper(), v.strip())
        for k, _, v in (ln.partition(":") for ln in head.split("\r\n")[1:])
        if k
    )
    assert "Dahua" in fields["SERVER"]  # home-assistant/core#46822
    assert fields["ST"] == "upnp:rootdevice"
    assert fields["USN"].startswith("uuid:www.dahuatech.com.device_3_0-")
    desc = httpx.get(fields["LOCATION"], timeout=5)
    assert desc.status_code == 200
    assert text_of(xml(desc.content), "serialNumber") == HOSTS[DAHUA][3]


def test_mdns_legacy_unicast_query(server: Server) -> None:
    replies = udp_ask(AXIS, 5353, messages.mdns_query(("_axis-video._tcp.local",)))
    assert len(replies) == 1
    msg = DNSIncoming(replies[0][0])
    records = list(msg.answers())
    ptr = [r for r in records if isinstance(r, DNSPointer)]
    assert ptr and ptr[0].name.startswith("_axis-video._tcp.local")
    assert "P3245-LVE" in ptr[0].alias
    srv = [r for r in records if isinstance(r, DNSService)]
    assert srv and srv[0].port == 80
    txt = [r for r in records if isinstance(r, DNSText)]
    assert txt and b"macaddress=" in txt[0].text


def test_snmp_get_with_community(server: Server) -> None:
    obs = asyncio.run(snmp.probe(HIK, "public", timeout=2, retries=1))
    assert obs.error is None, obs.error
    assert obs.meta["sysDescr"] == HOSTS[HIK][1]  # cameras: sysDescr = model (librenms)
    wrong = asyncio.run(snmp.probe(HIK, "not-the-community", timeout=1, retries=0))
    assert wrong.error is not None  # no answer to a wrong community


# --- robustness and hostile hosts -------------------------------------------------------------


def test_garbage_does_not_kill_the_server(server: Server) -> None:
    junk = os.urandom(60000)
    for port in (3702, 37020, 161, 1900):
        udp_ask(HIK, port, junk, wait=0.2)
        udp_ask(HIK, port, b"\xff" * 7, wait=0.2)
    udp_ask(DAHUA, 37810, b"DHIP" * 5, wait=0.2)
    udp_ask(DAHUA, 37810, struct.pack("<I4sIIIIII", 0x20, b"DHIP", 0, 0, 2**31, 0, 9, 0), wait=0.2)
    udp_ask(AXIS, 5353, b"\x00\x00\x00\x00\x00\x05" + os.urandom(40), wait=0.2)
    tcp_exchange(HIK, 80, b"GET /" + b"a" * 40000 + b" HTTP/1.1\r\n\r\n", timeout=2)
    tcp_exchange(HIK, 80, b"\x16\x03\x01garbage\r\n\r\n", timeout=2)
    tcp_exchange(
        HIK,
        80,
        b"POST /onvif/device_service HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n",
        timeout=2,
    )
    tcp_exchange(HIK, 554, b"\x00" * 5000 + b"\r\n\r\n", timeout=2)
    tcp_exchange(DAHUA, 443, b"GET / HTTP/1.1\r\n\r\n", timeout=2)  # plain text to TLS
    assert server.alive()
    replies = udp_ask(HIK, 3702, messages.wsdiscovery_probe())
    assert [src for _, src in replies] == [HIK]
    assert httpx.get(f"http://{HIK}/", timeout=5).status_code == 200


def test_tarpit_accepts_and_never_answers(server: Server) -> None:
    with socket.create_connection((TARPIT, 80), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(1.5)
        with pytest.raises(TimeoutError):
            sock.recv(1)
        # the server keeps serving other hosts while the tarpit holds this connection
        assert httpx.get(f"http://{HIK}/", timeout=5).status_code == 200


def test_endless_body_streams_until_client_leaves(server: Server) -> None:
    with socket.create_connection((ENDLESS, 80), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while len(data) < 2 << 20:
            chunk = sock.recv(65536)
            assert chunk, "the endless body ended"
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 200") and b"content-length" not in head
    assert server.alive()
    assert httpx.get(f"http://{HIK}/", timeout=5).status_code == 200


def test_slow_host_drips_one_byte_at_a_time(server: Server) -> None:
    with socket.create_connection((SLOW, 80), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        first = sock.recv(100)
        second = sock.recv(100)
    # a byte a second: each read gets a byte or two (a busy machine may bunch them), never
    # the whole reply
    assert 1 <= len(first) <= 2 and 1 <= len(second) <= 2
    assert b"HTTP/1.1 200".startswith(first + second)


def test_all_ports_host_accepts_everywhere(server: Server) -> None:
    for port in DEFAULT_PORTS:
        with socket.create_connection((ALLPORTS, port), timeout=5):
            pass
    reply = tcp_exchange(ALLPORTS, 8000, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert reply.startswith(b"HTTP/1.0 200 OK") and b"server:" not in reply.lower()


def test_server_survived_everything(server: Server) -> None:
    assert server.alive()
    assert udp_ask(DAHUA, 37810, messages.dhip_search())
