"""Hanwha Vision (Samsung Techwin / Wisenet) cameras and a Wisenet NVR.

Sources: ``SOURCES`` (SNMP enterprise 36849 with sysObjectID
``1.3.6.1.4.1.36849.1.2.<n>`` and sysDescr ``SAMSUNG iPolis H.264 Premium Level IP Camera``
from librenms ipolis snmprec; RTSP 401 ``Digest realm="iPOLiS"`` with ``Date``/``Expires``/
``Cache-Control: must-revalidate`` from cameradar#199; URL ``/profile<n>/media.smp``; title
``Hanwha Techwin`` from recog; OUIs 00:09:18 Samsung Techwin, 44:B4:23 and E4:30:22 Hanwha
Vision Vietnam); ``SOURCES`` (Hanwha puts manufacturer, model and
location in its ONVIF scopes, Onvif.Core#55; exact list not captured, so the scope names below
are the lab's),  The SUNAPI path ``/stw-cgi/`` is the lab's choice (no capture in the
research).
"""

from __future__ import annotations

from camscan_lab.personalities._wire import (
    html_page,
    redirect,
    reply,
    rtsp_auth,
    scopes,
    snmp_system,
    unit,
)
from camscan_lab.personalities.base import OnvifService, Personality
from camscan_lab.personalities.cites import CAMIO, NMAP_MACS, gh, librenms, recog

SOURCES = (
    librenms("ipolis"),
    gh("Ullaakut/cameradar/issues/199") + " (RTSP 401 Digest realm iPOLiS, Date/Expires)",
    recog("html_title") + " (Hanwha Techwin)",
    NMAP_MACS,
    CAMIO,
    gh("Jazea/Onvif.Core/issues/55") + " (Hanwha ONVIF scopes carry maker, model, location)",
)
OUIS = ("00:09:18", "44:b4:23", "e4:30:22")
RTSP_HEADERS = (
    "Date: Tue, 05 Mar 2024 10:21:07 GMT",
    "Expires: Tue, 05 Mar 2024 10:21:07 GMT",
    "Cache-Control: must-revalidate",
)
AUTH = ("WWW-Authenticate", 'Digest realm="iPOLiS", nonce="{uuid}", qop="auth"')
HTML = ("Content-Type", "text/html")


def _hanwha(
    name: str, device_type: str, models: tuple[str, ...], oid_tail: int, weight: float
) -> Personality:
    denied = html_page("401 Unauthorized", "<h1>401 Unauthorized</h1>")
    return unit(
        name=name,
        brand="Hanwha",
        manufacturer="Hanwha",
        device_type=device_type,
        ouis=OUIS,
        models=models,
        firmwares=("2.21.02_20230718_R", "1.41.03_20210115_R", "2.10.05_20220302_R"),
        serial_format="ZN7{num:09d}W",
        sources=SOURCES,
        http={
            80: {
                "/": redirect("/home/monitoring.cgi"),
                "/home/monitoring.cgi": reply(
                    200, html_page("Hanwha Techwin", '<div id="wn"></div>'), HTML
                ),
                "/stw-cgi/system.cgi": reply(401, denied, AUTH, HTML),
                "*": reply(404, html_page("404 Not Found", "<h1>Not Found</h1>"), HTML),
            }
        },
        rtsp=rtsp_auth('Digest realm="iPOLiS", nonce="{mac_plain}{uuid:.8}"', *RTSP_HEADERS),
        onvif=OnvifService(
            scopes=scopes(
                "type/video_encoder",
                "Profile/Streaming",
                "Profile/T",
                "hardware/{model}",
                "name/{model}",
                "manufacturer/Hanwha%20Vision",
                "location/country/korea",
            ),
            manufacturer="Hanwha Vision",
            hardware_id="{model}",
        ),
        # The captured sysDescr is a camera's; recorders get none rather than a guess.
        snmp=snmp_system(
            "SAMSUNG iPolis H.264 Premium Level IP Camera", f"1.3.6.1.4.1.36849.1.2.{oid_tail}"
        )
        if device_type == "camera"
        else {},
        weight=weight,
    )


CAMERA = _hanwha(
    "hanwha-camera",
    "camera",
    ("XNV-6080R", "XND-8080RV", "QNV-6012R", "XNO-6120R", "PNM-9080VQ"),
    3,
    2.0,
)
NVR = _hanwha("hanwha-nvr", "nvr", ("XRN-820S", "QRN-810S", "XRN-1620SB1"), 12, 0.6)

PERSONALITIES: tuple[Personality, ...] = (CAMERA, NVR)
