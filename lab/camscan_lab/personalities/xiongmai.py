"""Xiongmai (XMeye / NetSurveillance / "Sofia") cameras and DVRs, sold unbranded.

Sources: ``SOURCES`` (``Server: uc-httpd 1.0.0`` from recog and nmap 10782; title
``NETSurveillance WEB`` from recog and Ingram; ``/Login.htm``, ``/webcapture.jpg``, ONVIF on
port 8899 from Ingram pocs; DVR-IP on TCP 34567 from go2rtc dvrip README; RTSP ``Server:
H264DVR 1.0`` from nmap 11579/12378; brand unknown from these signals), ``SOURCES`` (DVR-IP
framing: head 0xff, version, session, sequence, message id at offset 14, length at offset 16,
JSON body; message 1530/1531 search on UDP 34569). The TCP 34567 answer is the login refusal a
real camera gave an unauthenticated DVRIP login in a public capture write-up: message 1001 with
``{ "Name" : "", "Ret" : 205, "SessionID" : "0x00000000" }``. Firmware and model strings are
the lab's choice.
"""

from __future__ import annotations

import struct

from camscan_lab.personalities._wire import html_page, reply, rtsp_auth, scopes, unit
from camscan_lab.personalities.base import HttpReply, OnvifService, Personality
from camscan_lab.personalities.cites import GO2RTC_DVRIP, INGRAM, nmap_probes, recog

SOURCES = (
    recog("http_servers") + " (uc-httpd 1.0.0)",
    recog("html_title") + " (NETSurveillance WEB)",
    nmap_probes("10782, 11579, 12378"),
    INGRAM + " (xiongmai pocs: /Login.htm, /webcapture.jpg, ONVIF 8899)",
    GO2RTC_DVRIP,
    "OpenIPC/python-dvr:DeviceManager.py (DVR-IP framing, search on UDP 34569)",
    "sol-vin/xiongmai-investigational-journey (network.cr: DVR-IP header layout)",
)
# The research names no Xiongmai OUI; these boards ship with Wi-Fi/NIC module makers' blocks,
# e.g. Shenzhen Bilian 20:F4:1B / 08:EA:40 seen on Wi-Fi cameras.
OUIS = ("20:f4:1b", "08:ea:40")
SERVER = ("Server", "uc-httpd 1.0.0")
HTML = ("Content-Type", "text/html")


def _dvrip_login_refusal() -> bytes:
    body = b'{ "Name" : "", "Ret" : 205, "SessionID" : "0x00000000" }\n'
    # head, version, reserved x2, session, sequence, total, current, message id, length
    header = struct.pack("<BBBBIIBBHI", 0xFF, 0x01, 0, 0, 0, 0, 0, 0, 1001, len(body))
    return header + body


def _http() -> dict[str, HttpReply]:
    login = html_page(
        "NETSurveillance WEB",
        '<form action="/Login.htm" method="post">',
        '<input name="username"><input name="password" type="password">',
        "</form>",
    )
    return {
        "/": reply(200, login, SERVER, HTML),
        "/Login.htm": reply(200, login, SERVER, HTML),
        "*": reply(404, html_page("404 Not Found", "Not Found"), SERVER, HTML),
    }


def _xm(name: str, device_type: str, models: tuple[str, ...], weight: float) -> Personality:
    return unit(
        name=name,
        brand="Xiongmai",
        manufacturer="Xiongmai",
        device_type=device_type,
        ouis=OUIS,
        models=models,
        firmwares=(
            "V4.02.R11.00000532.10010.140000.0000000",
            "V5.00.R02.000807D8.10010.346832.S.ONVIF 21.06",
        ),
        serial_format="{num:08x}c{num:07x}",
        sources=SOURCES,
        http={80: _http()},
        rtsp=rtsp_auth('Digest realm="H264DVR", nonce="{uuid}"', "Server: H264DVR 1.0"),
        onvif=OnvifService(
            port=8899,
            path="/onvif/device_service",
            scopes=scopes(
                "type/video_encoder",
                "Profile/Streaming",
                "hardware/{model}",
                "name/NVT",
                "location/country/china",
            ),
            manufacturer="H264",
            hardware_id="00001",
        ),
        tcp_replies={34567: _dvrip_login_refusal()},
        weight=weight,
    )


CAMERA = _xm(
    "xiongmai-camera",
    "camera",
    ("HI3516EV300_85H50AI", "XM530_R80X20-PQ", "IPG-53H20PL-S", "NBD80S10S-KL"),
    1.5,
)
# Board names of Xiongmai DVRs (AHB7xxx: https://www.cve.org/CVERecord?id=CVE-2026-34005).
DVR = _xm("xiongmai-dvr", "dvr", ("AHB7008T-LM", "AHB7804R-MH", "AHB7008T-MH-V2"), 1.0)

PERSONALITIES: tuple[Personality, ...] = (CAMERA, DVR)
