"""Ubiquiti UniFi cameras (UniFi Protect / UniFi Video) and a UniFi Video NVR.

Sources: ``SOURCES`` (certificates ``CN=camera.ubnt.dev``, ``CN=UniFi-Video
Controller`` from recog x509_subjects; titles ``UniFi Video`` and ``UniFi NVR: Software
Portal``; UVC G3 seen with OUI 80:2A:A8 and a UniFi NVR with D0:27:88 (Hon Hai, contract
manufacturer) in CamioCam paths.csv), (Ubiquiti makes cameras and non-cameras: its OUI
alone proves nothing).  Protect-managed cameras expose little: no ONVIF, no open RTSP on the
camera; the NVR streams on RTSP 7447.  Page bodies and the 7447 realm are the lab's choice.
The UDP 10001 discovery is not modelled: the record has no field
for a binary TLV reply whose lengths depend on the host.
"""

from __future__ import annotations

from dataclasses import replace

from camscan_lab.personalities._wire import html_page, redirect, reply, rtsp_auth, unit
from camscan_lab.personalities.base import Personality
from camscan_lab.personalities.cites import CAMIO, SANSATART, recog

SOURCES = (recog("x509_subjects"), recog("html_title"), SANSATART, CAMIO)
HTML = ("Content-Type", "text/html")

CAMERA = unit(
    name="ubiquiti-camera",
    brand="Ubiquiti",
    manufacturer="Ubiquiti",
    device_type="camera",
    ouis=("80:2a:a8",),
    models=("UVC-G3-BULLET", "UVC-G4-PRO", "UVC-G4-DOME", "UVC-G3-FLEX", "UVC-G5-Bullet"),
    firmwares=("v4.51.5", "v4.63.12", "v4.69.55"),
    serial_format="{mac_upper}",
    sources=SOURCES,
    http={
        port: {
            "/": reply(200, html_page("UniFi Video", '<div id="camera-login"></div>'), HTML),
            "*": reply(404, "", HTML),
        }
        for port in (80, 443)
    },
    https_ports=(443,),
    tls_subject="CN=camera.ubnt.dev,O=Ubiquiti Inc.,L=New York,ST=New York,C=US",
    weight=1.2,
)

NVR = replace(
    CAMERA,
    name="ubiquiti-nvr",
    device_type="nvr",
    ouis=("d0:27:88",),
    models=("UVC-NVR", "UVC-NVR-2TB"),
    firmwares=("3.10.13",),
    http={
        7080: {"/": redirect("https://{ip}:7443/")},
        7443: {
            "/": reply(200, html_page("UniFi NVR: Software Portal", '<div id="app"></div>'), HTML),
            "*": reply(404, "", HTML),
        },
    },
    https_ports=(7443,),
    tls_subject="CN=UniFi-Video Controller,OU=UniFi-Video,O=Ubiquiti Networks,C=US",
    rtsp=rtsp_auth('Basic realm="UniFi Video"', port=7447),
    weight=0.3,
)

PERSONALITIES: tuple[Personality, ...] = (CAMERA, NVR)
