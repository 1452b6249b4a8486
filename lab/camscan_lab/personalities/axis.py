"""Axis Communications cameras, PTZ and video encoders.

Sources: ``SOURCES`` (SNMP enterprise 368 and the ``; AXIS <model>; <type>;
<firmware>; ...`` sysDescr from librenms axiscam snmprec; TLS ``CN=axis-<mac>,O=Axis
Communications AB`` from recog x509_subjects; Digest realm ``AXIS_WS_<MAC>`` with ``Server:
Apache/2.4.27 (Unix) OpenSSL/1.0.2k`` from node-onvif#40; ``/view/viewer_index.shtml`` from
nmap's default-accounts data; title ``AXIS``; RTSP ``/axis-media/media.amp``; OUIs 00:40:8C,
AC:CC:8E, B8:A4:4F, E8:27:25); ``SOURCES`` (Axis ProbeMatch
shape, scopes of an M2036-LE), (mDNS ``_axis-video._tcp`` instance ``<MODEL> -
<MAC>`` with TXT ``macaddress``; SSDP BasicService ST/USN/SERVER and description fields from
home-assistant/core axis tests), (RTSP realm ``AXIS_WS_<MAC>`` with unquoted
``stale=FALSE``).  ``/axis-cgi/basicdeviceinfo.cgi`` follows the VAPIX Basic device information
API (https://developer.axis.com/vapix/network-video/basic-device-information/); its property
values are the lab's.  Axis serial numbers are the MAC in upper case.
"""

from __future__ import annotations

from camscan_lab.personalities._wire import (
    SYS_DESCR,
    html_page,
    json_template,
    redirect,
    reply,
    rtsp,
    scopes,
    snmp_system,
    unit,
)
from camscan_lab.personalities.base import HttpReply, OnvifService, Personality, RtspService
from camscan_lab.personalities.cites import NMAP_ACCOUNTS, NMAP_MACS, gh, librenms, recog

SOURCES = (
    librenms("axiscam"),
    recog("x509_subjects"),
    gh("GuilhermeC18/node-onvif/issues/40") + " (Digest realm AXIS_WS_<MAC>, Apache Server)",
    NMAP_ACCOUNTS + " (/view/viewer_index.shtml)",
    NMAP_MACS,
    "ONVIF-Java DiscoveryParser capture (Axis ProbeMatch shape, M2036-LE scopes)",
    "julienblitte/UniversalScanner:UniversalScanner/Axis.cs (mDNS _axis-video._tcp)",
    "home-assistant/core:tests/components/axis (SSDP BasicService ST/USN/SERVER)",
    "SharpRTSP comments (RTSP realm AXIS_WS_<MAC>, unquoted stale=FALSE)",
    "https://developer.axis.com/vapix/network-video/basic-device-information/",
)
OUIS = ("00:40:8c", "ac:cc:8e", "b8:a4:4f", "e8:27:25")
SERVER = ("Server", "Apache/2.4.27 (Unix) OpenSSL/1.0.2k")


def http_axis(prod_type: str) -> dict[str, HttpReply]:
    """Axis web server: ``/`` -> ``/index.html`` (title AXIS), VAPIX paths behind Digest."""
    auth = (
        "WWW-Authenticate",
        'Digest realm="AXIS_WS_{mac_upper}", nonce="{uuid}", algorithm=MD5, qop="auth"',
    )
    html = ("Content-Type", "text/html; charset=utf-8")
    info = json_template(
        {
            "apiVersion": "1.3",
            "data": {
                "propertyList": {
                    "Brand": "AXIS",
                    "BuildDate": "Mar 10 2023 12:00",
                    "HardwareID": "7D6",
                    "ProdFullName": f"AXIS {{model}} {prod_type}",
                    "ProdNbr": "{model}",
                    "ProdShortName": "AXIS {model}",
                    "ProdType": prod_type,
                    "SerialNumber": "{mac_upper}",
                    "Version": "{firmware_version}",
                    "WebURL": "http://www.axis.com",
                }
            },
            "method": "getAllUnrestrictedProperties",
        }
    )
    denied = html_page("401 Unauthorized", "<h1>Unauthorized</h1>")
    return {
        "/": redirect("/index.html", SERVER),
        "/index.html": reply(200, html_page("AXIS", '<div id="app"></div>'), SERVER, html),
        "/view/viewer_index.shtml": reply(401, denied, SERVER, auth, html),
        "/axis-cgi/param.cgi": reply(401, denied, SERVER, auth, html),
        "/axis-cgi/basicdeviceinfo.cgi": reply(
            200, info, SERVER, ("Content-Type", "application/json")
        ),
        "*": reply(404, html_page("404 Not Found", "<h1>Not Found</h1>"), SERVER, html),
    }


def rtsp_axis() -> RtspService:
    """Axis RTSP: DESCRIBE asks Digest ``AXIS_WS_<MAC>`` with an unquoted ``stale=FALSE``."""
    return RtspService(
        options=rtsp(
            "RTSP/1.0 200 OK",
            "Public: OPTIONS, DESCRIBE, ANNOUNCE, GET_PARAMETER, PAUSE, PLAY, RECORD, SETUP, "
            "SET_PARAMETER, TEARDOWN",
        ),
        describe=rtsp(
            "RTSP/1.0 401 Unauthorized",
            'WWW-Authenticate: Digest realm="AXIS_WS_{mac_upper}", '
            'nonce="000057c3Y810622bff50b36005eb5efeae118626a161bf", stale=FALSE',
        ),
    )


def _axis(
    name: str, device_type: str, prod_type: str, models: tuple[str, ...], weight: float
) -> Personality:
    description = (
        '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">\n'
        "<specVersion><major>1</major><minor>0</minor></specVersion>\n<device>\n"
        "<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>\n"
        "<friendlyName>AXIS {model} - {mac_upper}</friendlyName>\n"
        "<manufacturer>AXIS</manufacturer>\n"
        "<manufacturerURL>http://www.axis.com/</manufacturerURL>\n"
        f"<modelDescription>AXIS {{model}} {prod_type}</modelDescription>\n"
        "<modelName>AXIS {model}</modelName>\n<modelNumber>{model}</modelNumber>\n"
        "<serialNumber>{mac_upper}</serialNumber>\n"
        "<UDN>uuid:Upnp-BasicDevice-1_0-{mac_upper}</UDN>\n"
        "<presentationURL>http://{ip}:80/</presentationURL>\n</device>\n</root>\n"
    )
    snmp = snmp_system("", "1.3.6.1.4.1.368.1.1")
    snmp[SYS_DESCR] = (
        f" ; AXIS {{model}}; {prod_type}; {{firmware_version}}; Mar 10 2023 12:00; 7D6; 1;"
    )
    return unit(
        name=name,
        brand="Axis",
        manufacturer="Axis",
        device_type=device_type,
        ouis=OUIS,
        models=models,
        firmwares=("9.80.3.8", "10.12.182", "11.8.64"),
        serial_format="{mac_upper}",
        sources=SOURCES,
        http={80: http_axis(prod_type), 443: http_axis(prod_type)},
        https_ports=(443,),
        tls_subject="CN=axis-{mac_plain},O=Axis Communications AB",
        rtsp=rtsp_axis(),
        onvif=OnvifService(
            scopes=scopes(
                "Profile/Streaming",
                "Profile/G",
                "hardware/{model}",
                "name/AXIS%20{model}",
                "Profile/M",
                "Profile/T",
                "location/",
            ),
            types="tds:Device dn:NetworkVideoTransmitter",
            manufacturer="AXIS",
            hardware_id="7D6",
        ),
        ssdp_server="Linux/4.14.173-axis8, UPnP/1.0, Portable SDK for UPnP devices/1.8.7",
        ssdp_description=description,
        ssdp_location="http://{ip}:49152/rootdesc1.xml",
        ssdp_st="urn:axis-com:service:BasicService:1",
        ssdp_usn="uuid:Upnp-BasicDevice-1_0-{mac_upper}::urn:axis-com:service:BasicService:1",
        mdns=(
            ("_axis-video._tcp.local", "AXIS {model} - {mac_upper}", {"macaddress": "{mac_upper}"}),
            ("_http._tcp.local", "AXIS {model} - {mac_upper}", {"path": "/"}),
        ),
        snmp=snmp,
        weight=weight,
    )


CAMERA = _axis(
    "axis-camera",
    "camera",
    "Network Camera",
    ("P3245-LVE", "M3106-LVE", "M2036-LE", "M1065-LW", "P1455-LE", "Q1615-LE"),
    3.0,
)
PTZ = _axis("axis-ptz", "camera", "PTZ Network Camera", ("Q6075-E", "M5525-E", "Q6135-LE"), 0.8)
ENCODER = _axis(
    "axis-encoder", "encoder", "Network Video Encoder", ("M7104", "P7304", "M7116"), 0.4
)

PERSONALITIES: tuple[Personality, ...] = (CAMERA, PTZ, ENCODER)
