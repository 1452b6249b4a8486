"""Milesight IP cameras and NVR.

Sources: ``SOURCES`` (OUIs 1C:C3:16 and 24:E1:24 from nmap-mac-prefixes; ONVIF
manufacturer ``Milesight Technology Co.,Ltd.`` from evercam/ex_nvr#272).  No Milesight HTTP or
RTSP banner is in the research (``SOURCES`` lists Milesight among the missing
WS-Discovery captures): web page, realm and scope strings are the lab's choice.
"""

from __future__ import annotations

from dataclasses import replace

from camscan_lab.personalities._wire import html_page, reply, rtsp_auth, scopes, unit
from camscan_lab.personalities.base import OnvifService, Personality
from camscan_lab.personalities.cites import NMAP_MACS, gh

SOURCES = (NMAP_MACS, gh("evercam/ex_nvr/issues/272") + " (ONVIF manufacturer string)")
HTML = ("Content-Type", "text/html")

CAMERA = unit(
    name="milesight-camera",
    brand="Milesight",
    manufacturer="Milesight",
    device_type="camera",
    ouis=("1c:c3:16", "24:e1:24"),
    models=("MS-C2964-PB", "MS-C5376-PA", "MS-C8165-PB", "MS-C2972-FIPB"),
    firmwares=("45.7.0.79", "51.8.0.2", "63.8.0.4-r4"),
    serial_format="6{num:09d}{num:06X}",
    sources=SOURCES,
    http={
        80: {
            "/": reply(200, html_page("Milesight Network Camera", '<div id="login"></div>'), HTML),
            "/cgi-bin/operator/operator.cgi": reply(
                401, "", ("WWW-Authenticate", 'Digest realm="Milesight", nonce="{uuid}"')
            ),
            "*": reply(404, html_page("404 Not Found", "Not Found"), HTML),
        }
    },
    rtsp=rtsp_auth('Digest realm="Milesight", nonce="{uuid}"'),
    onvif=OnvifService(
        scopes=scopes(
            "type/video_encoder",
            "Profile/Streaming",
            "Profile/T",
            "hardware/{model}",
            "name/Milesight%20{model}",
            "location/country/china",
        ),
        manufacturer="Milesight Technology Co.,Ltd.",
        hardware_id="{model}",
    ),
    weight=0.8,
)

NVR = replace(
    CAMERA,
    name="milesight-nvr",
    device_type="nvr",
    models=("MS-N1009-UPT", "MS-N5016-UPT", "MS-N7032-UH"),
    firmwares=("71.9.0.5", "73.9.0.9"),
    weight=0.3,
)

PERSONALITIES: tuple[Personality, ...] = (CAMERA, NVR)
