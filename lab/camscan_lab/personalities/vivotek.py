"""Vivotek network cameras.

Sources: ``SOURCES`` (SNMP enterprise 23465 with sysDescr ``Mega-Pixel Network
Camera`` from librenms vivotek snmprec; ``Server: Network Camera`` with ``Basic realm="Network
Camera"`` from nmap 8020; ``Server: VVTK-HTTP-Server`` and certificate ``O=Vivotek.Inc`` from
sansatart CSV; RTSP replies carrying ``CSeq: -1`` from nmap 12351-12352; OUI 00:02:D1).
"""

from __future__ import annotations

from camscan_lab.personalities._wire import (
    CRLF,
    html_page,
    redirect,
    reply,
    scopes,
    snmp_system,
    unit,
)
from camscan_lab.personalities.base import HttpReply, OnvifService, Personality, RtspService
from camscan_lab.personalities.cites import NMAP_MACS, SANSATART, librenms, nmap_probes

SOURCES = (librenms("vivotek"), nmap_probes("8020, 12351-12352"), SANSATART, NMAP_MACS)
HTML = ("Content-Type", "text/html")
AUTH = ("WWW-Authenticate", 'Basic realm="Network Camera"')


def _http(server: str) -> dict[str, HttpReply]:
    s = ("Server", server)
    denied = html_page("401 Unauthorized", "<h1>Authorization Required</h1>")
    return {
        "/": redirect("/index.html", s),
        "/index.html": reply(401, denied, s, AUTH, HTML),
        "/cgi-bin/viewer/getparam.cgi": reply(401, denied, s, AUTH, HTML),
        "*": reply(404, html_page("404 Not Found", "Not Found"), s, HTML),
    }


# Vivotek's RTSP server answers with ``CSeq: -1`` whatever the request said (nmap 12351);
# the realm is the lab's choice (no captured challenge).
RTSP = RtspService(
    options=CRLF.join(
        [
            "RTSP/1.0 200 OK",
            "CSeq: -1",
            "Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER",
        ]
    )
    + CRLF * 2,
    describe=CRLF.join(
        [
            "RTSP/1.0 401 Unauthorized",
            "CSeq: -1",
            'WWW-Authenticate: Digest realm="streaming_server", nonce="{uuid}"',
        ]
    )
    + CRLF * 2,
)

CAMERA = unit(
    name="vivotek-camera",
    brand="Vivotek",
    manufacturer="Vivotek",
    device_type="camera",
    ouis=("00:02:d1",),
    models=("FD9167-HT", "IB9367-H", "FD8369A-V", "IP9165-HT", "MD9560-H"),
    firmwares=("FD9167-VVTK-0203a", "IB9367-VVTK-0102f", "FD8369A-VVTK-0310b"),
    serial_format="0002D1{num:06X}",
    sources=SOURCES,
    http={80: _http("Network Camera"), 443: _http("VVTK-HTTP-Server")},
    https_ports=(443,),
    tls_subject="CN={ip},O=Vivotek.Inc,C=TW",
    rtsp=RTSP,
    onvif=OnvifService(
        scopes=scopes(
            "type/video_encoder",
            "Profile/Streaming",
            "Profile/S",
            "hardware/{model}",
            "name/VIVOTEK%20{model}",
            "location/country/taiwan",
        ),
        manufacturer="VIVOTEK",
        hardware_id="{model}",
    ),
    snmp=snmp_system("Mega-Pixel Network Camera", "1.3.6.1.4.1.23465"),
    weight=1.2,
)

PERSONALITIES: tuple[Personality, ...] = (CAMERA,)
