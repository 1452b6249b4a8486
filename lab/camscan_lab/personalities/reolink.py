"""Reolink cameras and NVR.

Sources: ``SOURCES`` (title ``Reolink``; RTSP realm ``LIVE555 Streaming
Media`` on older and ``BC Streaming Media`` on newer firmware from go2rtc#214 and AlexxIT/Blog#5;
stream paths ``h264Preview_01_main``; OUI EC:71:DB, B0:41:1D observed), (ONVIF device
service on port 8000, go2rtc onvif README); ``SOURCES`` (no blind LAN
discovery; "Baichuan" media/control protocol on TCP 9000, neolink).  The ``/api.cgi`` error
body and ONVIF strings are the lab's choice (no capture in the research).
"""

from __future__ import annotations

from dataclasses import replace

from camscan_lab.personalities._wire import html_page, json_template, reply, rtsp_auth, scopes, unit
from camscan_lab.personalities.base import HttpReply, OnvifService, Personality
from camscan_lab.personalities.cites import CAMIO, GO2RTC_ONVIF, SANSATART, gh

SOURCES = (
    SANSATART,
    gh("AlexxIT/go2rtc/issues/214") + " (RTSP realms LIVE555 / BC Streaming Media)",
    "https://github.com/AlexxIT/Blog/issues/5",
    gh("Ullaakut/cameradar/issues/213"),
    CAMIO,
    GO2RTC_ONVIF + " (ONVIF on port 8000)",
    "thirtythreeforty/neolink:README.md, src/bc_protocol/discovery.rs (Baichuan on TCP 9000)",
)
HTML = ("Content-Type", "text/html")


def _http() -> dict[str, HttpReply]:
    login_first = json_template(
        [{"cmd": "GetDevInfo", "code": 1, "error": {"detail": "please login first", "rspCode": -6}}]
    )
    return {
        "/": reply(
            200,
            html_page("Reolink", '<div id="root"></div>', '<script src="/js/main.js"></script>'),
            HTML,
        ),
        "/api.cgi": reply(200, login_first, ("Content-Type", "application/json")),
        "*": reply(404, html_page("404 Not Found", "Not Found"), HTML),
    }


def _onvif() -> OnvifService:
    return OnvifService(
        port=8000,
        scopes=scopes(
            "type/NetworkVideoTransmitter",
            "Profile/Streaming",
            "hardware/{model}",
            "name/{model}",
            "location/",
        ),
        manufacturer="Reolink",
        hardware_id="IPC_51516M5M",
    )


CAMERA = unit(
    name="reolink-camera",
    brand="Reolink",
    manufacturer="Reolink",
    device_type="camera",
    ouis=("ec:71:db", "b0:41:1d"),
    models=("RLC-810A", "RLC-520A", "RLC-811A", "RLC-842A", "Duo-2-PoE"),
    firmwares=("v3.1.0.2368_23062508", "v3.0.0.1388_22100601", "v3.1.0.764_21110500"),
    serial_format="00{num:012d}",
    sources=SOURCES,
    http={80: _http(), 443: _http()},
    https_ports=(443,),
    tls_subject="CN=IPC,O=Reolink,C=CN",
    rtsp=rtsp_auth('Digest realm="BC Streaming Media", nonce="{uuid}"'),
    onvif=_onvif(),
    tcp_silent=(9000,),
    weight=1.5,
)

# Older firmware: the LIVE555-derived RTSP server and realm.
CAMERA_OLD = replace(
    CAMERA,
    name="reolink-camera-live555",
    models=("RLC-410", "RLC-420", "RLC-510A"),
    firmwares=("v2.0.0.1389_19052900", "v3.0.0.136_20121100"),
    rtsp=rtsp_auth(
        'Digest realm="LIVE555 Streaming Media", nonce="{uuid}"',
        "Server: LIVE555 Streaming Media v2013.04.08",
    ),
    weight=0.7,
)

NVR = replace(
    CAMERA,
    name="reolink-nvr",
    device_type="nvr",
    models=("RLN8-410", "RLN16-410", "RLN36"),
    firmwares=("v3.3.0.226_23031644",),
    weight=0.5,
)

PERSONALITIES: tuple[Personality, ...] = (CAMERA, CAMERA_OLD, NVR)
