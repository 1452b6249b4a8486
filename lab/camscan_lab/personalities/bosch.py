"""Bosch Security Systems cameras (DINION, FLEXIDOME, AUTODOME).

Sources: ``SOURCES`` (SNMP enterprise 3967 with sysObjectID
``1.3.6.1.4.1.3967.1.1.0`` and a product-name sysDescr from librenms bosch snmprec; TLS subject
``O=Bosch Sicherheitssysteme GmbH`` with CN ``*.myboschcam.net`` and issuer ``OU=ST-VS`` with
CN = MAC from recog x509_subjects/x509_issuers; ``Server: VCS-VideoJet-Webserver`` from
sansatart CSV and nmap 8061/12151; Digest realm ``Use 'live' as User Name...`` from recog and
nmap 10418; OUIs 00:01:31, 00:04:63 and 00:07:5F).  No Bosch RTSP capture is in the research:
the RTSP challenge below reuses the HTTP realm (lab's choice).  The sysDescr carries the
marketing name; the model field is the order code.
"""

from __future__ import annotations

from camscan_lab.personalities._wire import (
    html_page,
    reply,
    rtsp_auth,
    scopes,
    snmp_system,
    unit,
)
from camscan_lab.personalities.base import OnvifService, Personality
from camscan_lab.personalities.cites import NMAP_MACS, SANSATART, librenms, nmap_probes, recog

SOURCES = (
    librenms("bosch", "boschcpp"),
    recog("x509_subjects"),
    recog("x509_issuers"),
    SANSATART,
    nmap_probes("8061, 10418, 12151"),
    NMAP_MACS,
)
SERVER = ("Server", "VCS-VideoJet-Webserver")
REALM = "Use 'live' as User Name for Live Video Access"
HTML = ("Content-Type", "text/html")

CAMERA = unit(
    name="bosch-camera",
    brand="Bosch",
    manufacturer="Bosch",
    device_type="camera",
    ouis=("00:07:5f", "00:04:63", "00:01:31"),
    models=("NBN-73023BA", "NDE-5503-AL", "NDP-7512-Z30", "NBE-3502-AL", "NDI-5503-A"),
    firmwares=("7.80.0128", "7.61.0025", "6.60.0065", "8.71.0066"),
    serial_format="{num:09d}44{num:05d}",
    sources=SOURCES,
    http={
        port: {
            "/": reply(
                200,
                html_page("Bosch", '<frameset><frame src="/view.htm"></frameset>'),
                SERVER,
                HTML,
            ),
            "/rcp.xml": reply(
                401,
                html_page("401", "Unauthorized"),
                SERVER,
                HTML,
                ("WWW-Authenticate", f'Digest realm="{REALM}", nonce="{{uuid}}"'),
            ),
            "*": reply(404, html_page("404", "Not Found"), SERVER, HTML),
        }
        for port in (80, 443)
    },
    https_ports=(443,),
    tls_subject="CN=*.myboschcam.net,O=Bosch Sicherheitssysteme GmbH,C=DE",
    tls_issuer="CN={mac},OU=ST-VS,O=Bosch Sicherheitssysteme GmbH,C=DE",
    rtsp=rtsp_auth(f'Digest realm="{REALM}", nonce="{{mac_plain}}{{uuid:.8}}"'),
    onvif=OnvifService(
        scopes=scopes(
            "Profile/Streaming",
            "Profile/G",
            "Profile/T",
            "hardware/{model}",
            "name/Bosch%20{model}",
            "location/",
        ),
        manufacturer="Bosch",
        hardware_id="F0004D43",
    ),
    snmp=snmp_system("DINION IP starlight 7000 HD", "1.3.6.1.4.1.3967.1.1.0"),
    weight=1.5,
)

PERSONALITIES: tuple[Personality, ...] = (CAMERA,)
