"""Mobotix cameras.

Sources: ``SOURCES`` (title ``Redirect to userimage: /control/userimage.html``
and ``Location: /control/userimage.html`` from recog and nmap 9020; realm ``MOBOTIX Camera
User``; OUI 00:03:C5).  No Mobotix RTSP or ONVIF capture is in the research: the RTSP challenge
reuses the HTTP realm and the ONVIF strings are the lab's choice.
"""

from __future__ import annotations

from camscan_lab.personalities._wire import html_page, reply, rtsp_auth, scopes, unit
from camscan_lab.personalities.base import OnvifService, Personality
from camscan_lab.personalities.cites import NMAP_MACS, SANSATART, nmap_probes, recog

SOURCES = (recog("html_title"), nmap_probes("9020"), SANSATART, NMAP_MACS)
HTML = ("Content-Type", "text/html")
REALM = "MOBOTIX Camera User"
LOCATION = "/control/userimage.html"

CAMERA = unit(
    name="mobotix-camera",
    brand="Mobotix",
    manufacturer="Mobotix",
    device_type="camera",
    ouis=("00:03:c5",),
    models=("M16B", "S16B", "M73", "Q26B", "D26B"),
    firmwares=("MX-V5.2.6.16", "MX-V4.4.2.73", "MX-V5.4.4.9"),
    serial_format="{mac_upper}",
    sources=SOURCES,
    http={
        80: {
            "/": reply(
                302,
                html_page(
                    f"Redirect to userimage: {LOCATION}", f'<a href="{LOCATION}">{LOCATION}</a>'
                ),
                ("Location", LOCATION),
                HTML,
            ),
            LOCATION: reply(
                200, html_page("MOBOTIX {model}", '<img src="/record/current.jpg">'), HTML
            ),
            "/control/setup": reply(
                401,
                html_page("401 Unauthorized", "Unauthorized"),
                HTML,
                ("WWW-Authenticate", f'Basic realm="{REALM}"'),
            ),
            "*": reply(404, html_page("404 Not Found", "Not Found"), HTML),
        }
    },
    rtsp=rtsp_auth(f'Basic realm="{REALM}"'),
    onvif=OnvifService(
        scopes=scopes(
            "Profile/Streaming",
            "Profile/S",
            "hardware/{model}",
            "name/MOBOTIX%20{model}",
            "location/country/germany",
        ),
        manufacturer="MOBOTIX AG",
        hardware_id="{model}",
    ),
    weight=0.6,
)

PERSONALITIES: tuple[Personality, ...] = (CAMERA,)
