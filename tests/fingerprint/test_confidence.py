"""Confidence that means something (issue 10, docs/fingerprints.md "Confidence"): the same
evidence repeated across paths or ports counts once; independent channels agreeing raise it;
a maker known only from a MAC block stays a lead, under 0.6."""

from __future__ import annotations

import copy
from typing import Any

from camscan.fingerprint import load_engine
from tests.fingerprint import documents as d

ENGINE = load_engine()
# The sixteen paths a web probe asks (vendor identification paths, favicon, common pages).
PATHS = (
    "/",
    "/favicon.ico",
    "/doc/page/login.asp",
    "/ISAPI/System/deviceInfo",
    "/cgi-bin/magicBox.cgi?action=getDeviceType",
    "/RPC2_Login",
    "/axis-cgi/basicdeviceinfo.cgi",
    "/stw-cgi/system.cgi?msubmenu=deviceinfo&action=view",
    "/LAPI/V1.0/System/DeviceInfo",
    "/index.html",
    "/login.htm",
    "/cgi-bin/main-cgi",
    "/onvif/device_service",
    "/PSIA/System/deviceInfo",
    "/web/index.html",
    "/robots.txt",
)
# An Axis camera's Apache answer (the Server value of d.axis_camera, GuilhermeC18/node-onvif#40).
AXIS_404 = (
    "HTTP/1.1 404 Not Found\r\nServer: Apache/2.4.27 (Unix) OpenSSL/1.0.2k\r\n"
    "Content-Length: 0\r\n\r\n"
)
# A WS-Discovery ProbeMatch that says "ONVIF video transmitter" and nothing about its maker.
WSD_ANONYMOUS = (
    '<?xml version="1.0" encoding="UTF-8"?><env:Envelope '
    'xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
    'xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><env:Header><wsadis:Action>'
    "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsadis:Action></env:Header>"
    "<env:Body><d:ProbeMatches><d:ProbeMatch><wsadis:EndpointReference><wsadis:Address>"
    "urn:uuid:a9c1d2e3-0b4f-4c5d-8e6f-7a8b9c0d1e2f</wsadis:Address></wsadis:EndpointReference>"
    "<d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>"
    "onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/type/NetworkVideoTransmitter"
    "</d:Scopes><d:XAddrs>http://10.0.0.64/onvif/device_service</d:XAddrs>"
    "<d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></env:Body>"
    "</env:Envelope>"
)


def identify(doc: dict[str, Any]) -> dict[str, Any]:
    v: dict[str, Any] = ENGINE.identify(doc).to_dict()
    return v


def axis_on_16_paths() -> dict[str, Any]:
    doc = d.axis_camera()
    doc["http"] += [{"port": 80, "tls": False, "path": p, "raw": AXIS_404} for p in PATHS]
    return doc


def test_one_header_on_16_paths_is_one_vote() -> None:
    once, many = identify(d.axis_camera()), identify(axis_on_16_paths())
    assert (many["manufacturer"], many["is_camera"]) == ("Axis", True)
    # Before: the Apache header counted 17 times for "not a camera" (noisy-or 0.99) and the
    # demo's Axis cameras showed 0.51.  Repeating it changes nothing now.
    assert many["confidence"] == once["confidence"] >= 0.9
    rejected = [c for c in many["conflicts"] if c["rejected"] == "not_camera"]
    assert rejected and rejected[0]["score"] <= 0.25


def test_hikvision_isapi_sadp_rtsp_reach_0_9() -> None:
    doc = d.hikvision_camera()
    doc["http"].append(
        {
            "port": 80,
            "tls": False,
            "path": "/ISAPI/System/deviceInfo",
            "raw": d.isapi("http://www.hikvision.com/ver20/XMLSchema", "DS-2CD2385G1-I"),
        }
    )
    v = identify(doc)
    assert (v["manufacturer"], v["device_type"]) == ("Hikvision", "camera")
    assert v["confidence"] >= 0.9


def test_mac_oui_only_maker_stays_below_0_6() -> None:
    doc = {"ip": "10.0.0.64", "mac": "58:50:ed:1f:e3:85", "wsdiscovery": [{"raw": WSD_ANONYMOUS}]}
    v = identify(doc)
    assert v["is_camera"] is True and v["manufacturer"] == "Hikvision"
    assert v["confidence"] < 0.6


def test_same_reply_on_two_ports_counts_once() -> None:
    doc = d.hikvision_camera()
    twice = copy.deepcopy(doc)
    twice["rtsp"].append({**twice["rtsp"][0], "port": 8554})
    assert identify(twice)["confidence"] == identify(doc)["confidence"]


def test_a_second_independent_channel_raises_confidence() -> None:
    mac_only = identify(
        {"ip": "10.0.0.64", "mac": "58:50:ed:1f:e3:85", "wsdiscovery": [{"raw": WSD_ANONYMOUS}]}
    )
    with_rtsp = identify(
        {
            "ip": "10.0.0.64",
            "mac": "58:50:ed:1f:e3:85",
            "wsdiscovery": [{"raw": WSD_ANONYMOUS}],
            "rtsp": [{"port": 554, "raw": d.HIK_RTSP_401}],
        }
    )
    assert with_rtsp["manufacturer"] == "Hikvision"
    assert with_rtsp["confidence"] > mac_only["confidence"]
