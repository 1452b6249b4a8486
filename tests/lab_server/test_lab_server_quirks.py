"""The field mix's wire quirks as a client meets them: real sockets to the lab server on
loopback (unicast only).  Expected bytes follow base.QUIRKS and the sources it cites; each
test would fail if the server sent the family's ordinary reply instead."""

from __future__ import annotations

import gzip
import socket
import ssl

import pytest
from cryptography import x509
from defusedxml import ElementTree

from camscan.discovery import messages
from tests.lab_server.conftest import Server
from tests.lab_server.test_lab_server import tcp_exchange, udp_ask

pytestmark = pytest.mark.timeout(120)

GZIP, LF, SLOW_TLS, WSD_CUT, WSD_ODD, PORTAL, SPACE, UPNP_LF = (
    f"127.0.77.{n}" for n in range(11, 19)
)


def get(ip: str, path: str, port: int = 80, extra: bytes = b"") -> bytes:
    return tcp_exchange(
        ip, port, b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n" + extra + b"\r\n"
    )


def test_gzip_is_sent_even_when_the_client_asks_identity(server: Server) -> None:
    raw = get(GZIP, "/doc/page/login.asp", extra=b"Accept-Encoding: identity\r\n")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200 OK") and b"\r\nContent-Encoding: gzip" in head
    assert b"g_szCacheTime" in gzip.decompress(body)  # the Hikvision login page, compressed


def test_lf_only_dahua_on_the_wire(server: Server) -> None:
    raw = get(LF, "/RPC2_Login")
    head, sep, body = raw.partition(b"\n\n")
    assert sep and b"\r" not in head and b"\nCONTENT-TYPE: application/json" in head
    assert b'"realm":"Login to 6C0ABCDEF04PAG7"' in body


def test_server_with_a_space_before_the_colon(server: Server) -> None:
    raw = get(SPACE, "/")
    assert b"\r\nServer : uc-httpd 1.0.0\r\n" in raw and b"NETSurveillance WEB" in raw


def test_slow_tls_still_presents_the_certificate_and_serves(server: Server) -> None:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((SLOW_TLS, 443), timeout=10) as raw,
        ctx.wrap_socket(raw) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
        tls.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = tls.recv(4096)
    assert der is not None
    assert x509.load_der_x509_certificate(der).subject.rfc4514_string() == "CN=IPC,O=Reolink,C=CN"
    assert reply.startswith(b"HTTP/1.1 200 OK")


def test_wsdiscovery_reply_cut_mid_document(server: Server) -> None:
    replies = udp_ask(WSD_CUT, 3702, messages.wsdiscovery_probe())
    assert [src for _, src in replies] == [WSD_CUT]
    data = replies[0][0]
    with pytest.raises(ElementTree.ParseError):
        ElementTree.fromstring(data)
    assert data.endswith(b"XAddrs>http://")
    assert b"onvif://www.onvif.org/hardware/DS-7608NI-K2" in data


def test_wsdiscovery_with_gsoap_prefixes(server: Server) -> None:
    probe = messages.wsdiscovery_probe()
    replies = udp_ask(WSD_ODD, 3702, probe)
    assert [src for _, src in replies] == [WSD_ODD]
    root = ElementTree.fromstring(replies[0][0])  # well-formed, only unusual
    assert root.tag == "{http://www.w3.org/2003/05/soap-envelope}Envelope"
    assert b"<SOAP-ENV:Body><wsdd:ProbeMatches>" in replies[0][0]
    xaddrs = [el.text for el in root.iter() if str(el.tag).endswith("}XAddrs")]
    assert xaddrs == [f"http://{WSD_ODD}:8899/onvif/device_service"]


def test_catch_all_portal_answers_a_path_that_cannot_exist(server: Server) -> None:
    root = get(PORTAL, "/")
    canary = get(PORTAL, "/camscan-canary-3f9a1c")
    vendor = get(PORTAL, "/cgi-bin/magicBox.cgi?action=getSystemInfo")
    assert root.startswith(b"HTTP/1.1 200 OK") and b"Server: lighttpd/1.4.16" in root
    assert root == canary == vendor


def test_ssdp_reply_with_lf_line_ends_and_its_description(server: Server) -> None:
    replies = udp_ask(UPNP_LF, 1900, messages.ssdp_msearch(f"{UPNP_LF}:1900"))
    assert replies and all(b"\r" not in data for data, _ in replies)
    head = replies[0][0].decode()
    assert head.startswith("HTTP/1.1 200 OK\n") and head.endswith("\n\n")
    assert "\nSERVER: SDK 4.3.0.0 UPnP/1.1 MiniUPnPd/1.6\n" in head
    location = next(
        ln.split(":", 1)[1].strip() for ln in head.split("\n") if ln.startswith("LOCATION")
    )
    port = int(location.rsplit(":", 1)[1].split("/", 1)[0])
    desc = get(UPNP_LF, "/rootDesc.xml", port=port)
    assert desc.startswith(b"HTTP/1.1 200 OK\n") and b"\r" not in desc.split(b"\n\n", 1)[0]
    assert b"<modelName>MiniUPnPd</modelName>" in desc
