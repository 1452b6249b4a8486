"""Uniview (UNV) IP cameras and NVRs.

Sources: ``SOURCES`` (logo path ``/skin/default_1/images/logo.png`` and favicon
from Ingram rules.csv; ``/cgi-bin/main-cgi`` from Ingram pocs/uniview-disclosure.py; RTSP URL
``/unicast/c<ch>/s<stream>/live``; OUIs 48:EA:63, 6C:F1:7E, 88:26:3F, C4:79:05 from
nmap-mac-prefixes).  The research states a gap: "no real Uniview HTTP/RTSP banner was found" -
so the Server header is left out, the RTSP challenge realm, LAPI path and ONVIF strings are the
lab's choice, and the identifying traits are the logo path, CGI path, URL layout and OUI.
"""

from __future__ import annotations

from camscan_lab.personalities._wire import (
    html_page,
    json_template,
    reply,
    rtsp_auth,
    scopes,
    unit,
)
from camscan_lab.personalities.base import HttpReply, OnvifService, Personality
from camscan_lab.personalities.cites import CAMIO, INGRAM, NMAP_MACS, SANSATART

SOURCES = (INGRAM + " (logo path, favicon, /cgi-bin/main-cgi)", CAMIO, SANSATART, NMAP_MACS)
OUIS = ("48:ea:63", "6c:f1:7e", "88:26:3f", "c4:79:05")
HTML = ("Content-Type", "text/html")


def _http() -> dict[str, HttpReply]:
    page = html_page(
        "",
        '<div id="logo"><img src="/skin/default_1/images/logo.png" /></div>',
        '<script src="/script/login.js"></script>',
    )
    denied = json_template({"ErrNo": 60006, "ErrMsg": "Unauthorized"})
    return {
        "/": reply(200, page, HTML),
        "/skin/default_1/images/logo.png": reply(200, "", ("Content-Type", "image/png")),
        "/cgi-bin/main-cgi": reply(200, denied, ("Content-Type", "application/json")),
        "/LAPI/V1.0/System/DeviceInfo": reply(
            401, "", ("WWW-Authenticate", 'Digest realm="{mac_plain}", nonce="{uuid}", qop="auth"')
        ),
        "*": reply(404, html_page("404 Not Found", "Not Found"), HTML),
    }


def _uniview(
    name: str, device_type: str, models: tuple[str, ...], fw: tuple[str, ...], weight: float
) -> Personality:
    return unit(
        name=name,
        brand="Uniview",
        manufacturer="Uniview",
        device_type=device_type,
        ouis=OUIS,
        models=models,
        firmwares=fw,
        serial_format="210235C{num:09d}",
        sources=SOURCES,
        http={80: _http()},
        rtsp=rtsp_auth('Digest realm="{mac_plain}", nonce="{uuid}"'),
        onvif=OnvifService(
            scopes=scopes(
                "type/video_encoder",
                "Profile/Streaming",
                "Profile/T",
                "hardware/{model}",
                "name/UNV%20{model}",
                "location/country/china",
            ),
            manufacturer="UNIVIEW",
            hardware_id="{model}",
        ),
        weight=weight,
    )


CAMERA = _uniview(
    "uniview-camera",
    "camera",
    ("IPC2124LB-SF28KM-G", "IPC3614SR3-ADPF28-F", "IPC2322LB-ADZK-G", "IPC322LB-DSF28K-G"),
    ("IPC_G6103-B0003P60D1907", "IPC_D1201-B0002P61D2003"),
    2.0,
)
NVR = _uniview(
    "uniview-nvr",
    "nvr",
    ("NVR301-08S3-P8", "NVR302-16S2", "NVR304-32S"),
    ("NVR-B3801.20.10.200708", "NVR-B3601.16.6.190911"),
    0.6,
)

PERSONALITIES: tuple[Personality, ...] = (CAMERA, NVR)
