"""Dahua-made devices under the Dahua brand: IP camera (two firmware generations), NVR, XVR.

Sources (each with its snapshot or thread in ``SOURCES``):

* HTTP without a ``Server`` header, upper-case header names,
  ``Etag: "n:hex"``, ``P3P: CP=CAO PSA OUR``, ``X-XSS-Protection: 1;mode=block``, CSP and HSTS,
  UTF-8 BOM + XHTML Strict doctype, titles ``WEB SERVICE`` and ``WEB`` (nmap 10443-10445,
  Plum-Island#204, rroller/dahua#101); ``Login to <serial>`` Digest realm on HTTP and RTSP,
  ``Basic realm="device"``; ``/RPC2_Login``, ``/cgi-bin/magicBox.cgi``, version and model
  formats; TLS issuers (rroller/dahua#647, Plum-Island#204 with NBSPs); RTSP servers;
  SNMP 1004849; TCP 37777; OUIs.
* Dahua WS-Discovery stack (``standalone="yes"``, prefixes
  s/sc/a/d, ``a:To`` = discovery URN, MetadataVersion 1; scopes ``location/country/china``,
  ``type/Network_Video_Transmitter``, ``extension/unique_identifier``; cogini/onvif fixtures),
  DHIP ``client.notifyDevInfo`` reply keys (Haicam, mcw0, Intelbras notes), SSDP
  (home-assistant/core#46822: Dahua Upnp SDK SERVER, ``www.dahuatech.com`` USN, port 49152,
  ``X-User-Agent: redsonic``), RTSP (``Rtsp Server/3.0``, Public with ANNOUNCE/RECORD).
* model prefixes and the ``0000000`` third version field of
  Dahua-branded builds.
"""

from __future__ import annotations

from typing import Any

from camscan_lab.personalities._wire import (
    json_template,
    reply,
    rtsp,
    scopes,
    snmp_system,
)
from camscan_lab.personalities.base import HttpReply, OnvifService, Personality, RtspService
from camscan_lab.personalities.cites import (
    COGINI,
    HAICAM,
    NMAP_MACS,
    ROLLER,
    gh,
    librenms,
    nmap_probes,
)

SOURCES: tuple[str, ...] = (
    nmap_probes("10443-10445, 11572, 12373, 14883"),
    gh("D4-project/Plum-Island/issues/204") + " (2026 firmware headers, NBSP device CA)",
    gh("rroller/dahua/issues/6") + " (RPC2 realm Login to <serial>)",
    gh("rroller/dahua/issues/101"),
    gh("rroller/dahua/issues/583") + " (Basic realm Device_CGI)",
    gh("rroller/dahua/issues/647") + " (TLS issuer)",
    ROLLER,
    gh("scottlamb/retina/issues/62"),
    gh("Motion-Project/motion/issues/121"),
    librenms("dahua-nvr"),
    NMAP_MACS,
    COGINI + " (Dahua ProbeMatches: standalone=yes, s/sc/a/d prefixes)",
    HAICAM + " (DHIP client.notifyDevInfo)",
    "mcw0/DahuaConsole:net.py (DHIP framing)",
    gh("home-assistant/core/issues/46822") + " (Dahua Upnp SDK SSDP SERVER, USN, port 49152)",
    "ws2543/about-multimedia, q191201771/lal (RTSP Server/3.0 captures)",
)

# Zhejiang Dahua Technology MA-L blocks.
DAHUA_OUIS = (
    "08:ed:ed",
    "14:a7:8b",
    "24:52:6a",
    "38:af:29",
    "3c:ef:8c",
    "4c:11:bf",
    "90:02:a9",
    "9c:14:63",
    "a0:bd:1d",
    "b4:4c:3b",
    "bc:32:5f",
    "e0:50:8b",
    "f4:b1:c2",
    "fc:5f:49",
)

# --- HTTP -----------------------------------------------------------------------------


def _page(title: str) -> str:
    """Login page: UTF-8 BOM then the XHTML 1.0 Strict doctype."""
    return (
        "\ufeff"
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        f"<title>{title}</title>\n"
        '<link rel="shortcut icon" href="/favicon.ico" />\n'
        '<script type="text/javascript" src="/jsBase/lib/jquery.js"></script>\n'
        "</head>\n<body>\n"
        '<div id="login"><img src="/image/lgbg.jpg" alt="" /></div>\n'
        "</body>\n</html>\n"
    )


def _rpc2_challenge() -> str:
    """First ``global.login`` step: the challenge carries the ``Login to <serial>`` realm
    (rroller/dahua#6 shows ``"realm":"Login to 907F3C6C73FEDA77"`` in this reply); error code
    268632079 "Component error: login challenge!" as public RPC2 clients expect it
    (https://github.com/H3xano/dahua-rpc-api, cited by Dahua client code)."""
    return json_template(
        {
            "error": {"code": 268632079, "message": "Component error: login challenge!"},
            "id": 1,
            "params": {
                "authorization": "{mac_plain}",
                "encryption": "Default",
                "mac": "{mac_upper}",
                "random": "{uuid}",
                "realm": "Login to {serial}",
            },
            "result": False,
            "session": "{mac_plain}",
        }
    )


def http_dahua(title: str = "WEB SERVICE", basic_cgi: bool = False) -> dict[str, HttpReply]:
    """Dahua web server: no ``Server`` header, upper-case names, Dahua CGI and RPC2 paths.

    ``basic_cgi`` gives the old 2.420-era ``Basic realm="Device_CGI"`` CGI challenge
    (rroller/dahua#583) instead of the Digest ``Login to <serial>`` one.
    """
    common = (
        ("CONNECTION", "close"),
        ("CONTENT-LENGTH", "0"),
        ("CACHE-CONTROL", "max-age=0"),
        ("X-XSS-Protection", "1;mode=block"),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("Content-Security-Policy", "script-src 'self' 'unsafe-inline' 'unsafe-eval'"),
        ("Strict-Transport-Security", "max-age=604800; includeSubDomains"),
        ("P3P", "CP=CAO PSA OUR"),
    )
    html = ("CONTENT-TYPE", "text/html")
    plain = ("Content-type", "text/plain;charset=utf-8")
    if basic_cgi:
        cgi_auth = ("WWW-Authenticate", 'Basic realm="Device_CGI"')
    else:
        cgi_auth = (
            "WWW-Authenticate",
            'Digest realm="Login to {serial}", qop="auth", nonce="{mac_plain}{mac_plain}", '
            'opaque="{uuid:.8}"',
        )
    denied = "Error\r\nInvalid Authority!\r\n"
    return {
        "/": reply(200, _page(title), *common, html, ("Etag", '"1543:5e8c1a2b"')),
        "/RPC2_Login": reply(200, _rpc2_challenge(), *common, ("CONTENT-TYPE", "application/json")),
        "/cgi-bin/magicBox.cgi": reply(401, denied, *common, cgi_auth, plain),
        "/cgi-bin/configManager.cgi": reply(401, denied, *common, cgi_auth, plain),
        "/cgi-bin/snapshot.cgi": reply(401, denied, *common, cgi_auth, plain),
        "*": reply(404, "", *common, html),
    }


# --- TLS ------------------------------------------------------------------------------

TLS_SUBJECT = "CN={ip},C=CN"
# Device CA of 2026 firmware; the capture separates words with NBSP (Plum-Island#204).
TLS_ISSUER_NEW = (
    "CN=Dahua\u00a0Device\u00a0NVR\u00a0CA,O=Zhejiang\u00a0Dahua\u00a0Technology\u00a0Co.\\,Ltd.,"
    "ST=Zhejiang,L=Hangzhou,C=CN"
)
TLS_ISSUER_NVR = "CN=NVR,C=CN,ST=Zhejiang,L=Hangzhou,O=ZheJiang Dahua Technology CO.\\,LTD.,OU=NVR"

# --- RTSP -----------------------------------------------------------------------------

PUBLIC_V3 = (
    "Public: OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, TEARDOWN, SET_PARAMETER, "
    "GET_PARAMETER"
)


def rtsp_dahua() -> RtspService:
    """Current firmware: ``Rtsp Server/3.0``; DESCRIBE asks Digest ``Login to <serial>``
    without ``stale``."""
    return RtspService(
        options=rtsp("RTSP/1.0 200 OK", "Server: Rtsp Server/3.0", PUBLIC_V3),
        describe=rtsp(
            "RTSP/1.0 401 Unauthorized",
            'WWW-Authenticate: Digest realm="Login to {serial}", nonce="{mac_plain}{uuid:.8}"',
        ),
    )


def rtsp_dahua_old() -> RtspService:
    """Older recorders: ``Server: Dahua Rtsp Server`` and ``Basic realm="device"`` (nmap
    12373)."""
    server = "Server: Dahua Rtsp Server"
    return RtspService(
        options=rtsp("RTSP/1.0 200 OK", server, PUBLIC_V3),
        describe=rtsp(
            "RTSP/1.0 401 Unauthorized", 'WWW-Authenticate: Basic realm="device"', server
        ),
    )


# --- DHIP (UDP 37810) -----------------------------------------------------------------


def dhip_reply(
    device_class: str,
    vendor: str = "Dahua",
    manufacturer: str = "Dahua",
    video_in: int = 1,
    remote_in: int = 0,
    spaced: bool = False,
) -> str:
    """``client.notifyDevInfo`` body; the server adds the
    32-byte DHIP header.  ``spaced`` gives the ``"a" : 1`` formatting some firmware uses."""
    info: dict[str, Any] = {
        "AlarmInputChannels": 2,
        "AlarmOutputChannels": 1,
        "DeviceClass": device_class,
        "DeviceType": "{model}",
        "Find": "1",
        "FindVersion": 2,
        "HttpPort": 80,
        "IPv4Address": {
            "DefaultGateway": "0.0.0.0",
            "DhcpEnable": False,
            "IPAddress": "{ip}",
            "SubnetMask": "255.255.255.0",
        },
        "IPv6Address": {
            "DefaultGateway": "",
            "DhcpEnable": False,
            "IPAddress": "/0",
            "LinkLocalAddress": "",
        },
        "Init": 3210,
        "MachineName": "{serial}",
        "Manufacturer": manufacturer,
        "Port": 37777,
        "RemoteVideoInputChannels": remote_in,
        "SerialNo": "{serial}",
        "UnLoginFuncMask": 3,
        "Vendor": vendor,
        "Version": "{firmware_version}",
        "VideoInputChannels": video_in,
        "VideoOutputChannels": 1 if device_class != "IPC" else 0,
    }
    body = {"mac": "{mac}", "method": "client.notifyDevInfo", "params": {"deviceInfo": info}}
    return json_template(body, separators=(", ", " : ") if spaced else (",", ":"))


# --- SSDP -----------------------------------------------------------------------------

SSDP_DAHUA = "Linux/3.8.8, UPnP/1.0, ZheJiang Dahua Technology CO.,LTD. Upnp SDK"
SSDP_PRIVATE = "Linux, UPnP/1.0, Private Upnp SDK"  # unbranded/OEM units, same USN prefix
SSDP_USN = "uuid:www.dahuatech.com.device_3_0-{serial}::upnp:rootdevice"
SSDP_LOCATION = "http://{ip}:49152/upnp_device_desc.xml"


def ssdp_description(manufacturer: str) -> str:
    """UPnP description behind LOCATION; the device type carries the serial.  Element
    values other than the device type/UDN are the lab's choice (no captured body)."""
    return (
        '<?xml version="1.0"?>\n'
        '<root xmlns="urn:schemas-upnp-org:device-1-0">\n'
        "<specVersion><major>1</major><minor>0</minor></specVersion>\n"
        "<device>\n"
        "<deviceType>urn:schemas-upnp-org:device:3.0-{serial}</deviceType>\n"
        "<friendlyName>{model}</friendlyName>\n"
        f"<manufacturer>{manufacturer}</manufacturer>\n"
        "<modelName>{model}</modelName>\n"
        "<serialNumber>{serial}</serialNumber>\n"
        "<UDN>uuid:www.dahuatech.com.device_3_0-{serial}</UDN>\n"
        "<serviceList><service>\n"
        "<serviceType>urn:schemas-upnp-org:service:Dummy:1</serviceType>\n"
        "<serviceId>urn:upnp-org:serviceId:Dummy</serviceId>\n"
        "<SCPDURL>/dummy.xml</SCPDURL><controlURL>/</controlURL><eventSubURL>/</eventSubURL>\n"
        "</service></serviceList>\n"
        "<presentationURL>http://{ip}:80/</presentationURL>\n"
        "</device>\n</root>\n"
    )


# --- ONVIF ----------------------------------------------------------------------------


def _probe_match(scope_list: tuple[str, ...]) -> str:
    """The Dahua stack's ProbeMatches envelope (cogini/onvif ProbeMatches.xml shape)."""
    return (
        '<?xml version="1.0" encoding="utf-8" standalone="yes" ?>'
        '<s:Envelope xmlns:sc="http://www.w3.org/2003/05/soap-encoding" '
        'xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
        'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing">'
        "<s:Header><a:MessageID>urn:uuid:{uuid:.24}{mac_plain}</a:MessageID>"
        "<a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>"
        "<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action>"
        "<a:RelatesTo>{message_id}</a:RelatesTo></s:Header>"
        "<s:Body><d:ProbeMatches><d:ProbeMatch>"
        "<a:EndpointReference><a:Address>urn:uuid:{uuid}</a:Address></a:EndpointReference>"
        "<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>"
        f"<d:Scopes>{' '.join(scope_list)}</d:Scopes>"
        "<d:XAddrs>http://{ip}/onvif/device_service</d:XAddrs>"
        "<d:MetadataVersion>1</d:MetadataVersion>"
        "</d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>"
    )


def onvif_dahua(name: str, manufacturer: str, country: str = "china") -> OnvifService:
    """Dahua ONVIF stack: scopes keep Dahua's shape, ``name/`` shows the brand."""
    scope_list = scopes(
        f"location/country/{country}",
        f"name/{name}",
        "hardware/{model}",
        "Profile/Streaming",
        "type/Network_Video_Transmitter",
        "extension/unique_identifier/1",
        "Profile/T",
    )
    return OnvifService(
        scopes=scope_list,
        types="dn:NetworkVideoTransmitter tds:Device",
        manufacturer=manufacturer,
        hardware_id="1.00",
        probe_match=_probe_match(scope_list),
    )


# --- SNMP -----------------------------------------------------------------------------


def snmp_nvr() -> dict[str, str]:
    """NVR: sysObjectID 1004849.3.2.10, sysDescr = the model (librenms dahua-nvr.snmprec)."""
    return snmp_system("{model}", "1.3.6.1.4.1.1004849.3.2.10")


# --- Devices --------------------------------------------------------------------------


def dahua_unit(
    *,
    name: str,
    brand: str,
    device_type: str,
    sources: tuple[str, ...] = SOURCES,
    **services: Any,
) -> Personality:
    """A Dahua-firmware device: maker, camera flag and the silent TCP 37777 SDK port are the
    same whatever the label."""
    return Personality(
        name=name,
        brand=brand,
        manufacturer="Dahua",
        device_type=device_type,
        is_camera=True,
        sources=sources,
        tcp_silent=(37777,),
        **services,
    )


IPC = dahua_unit(
    name="dahua-ipc",
    brand="Dahua",
    device_type="camera",
    ouis=DAHUA_OUIS,
    models=(
        "IPC-HDW2431T-AS-S2",
        "IPC-HFW2431S-S-S2",
        "IPC-HDBW2431E-S-S2",
        "IPC-HFW5442E-ZE",
        "IPC-HDW1431T1-S4",
    ),
    firmwares=(
        "2.800.0000000.6.R, Build Date: 2020-03-14",
        "2.800.0000016.0.R, Build Date: 2020-06-05",
        "2.820.0000000.14.R, Build Date: 2021-09-02",
    ),
    serial_format="6C0{num:08X}PAG7",
    http={80: http_dahua(), 443: http_dahua()},
    https_ports=(443,),
    tls_subject=TLS_SUBJECT,
    tls_issuer=TLS_ISSUER_NVR,
    rtsp=rtsp_dahua(),
    onvif=onvif_dahua("Dahua", "Dahua"),
    dahua_discovery=dhip_reply("IPC"),
    ssdp_server=SSDP_DAHUA,
    ssdp_description=ssdp_description("Dahua"),
    ssdp_location=SSDP_LOCATION,
    ssdp_usn=SSDP_USN,
    weight=7.0,
)

# 2026 firmware: title ``WEB``, the NBSP device CA, spaced DHIP JSON (Plum-Island#204; ).
IPC_NEW = dahua_unit(
    name="dahua-ipc-2026",
    brand="Dahua",
    device_type="camera",
    ouis=DAHUA_OUIS,
    models=(
        "IPC-HFW3849T1-AS-PV",
        "IPC-HDW3849H-AS-PV",
        "IPC-PFW3849S-A180-AS-PV",
        "SD49425XB-HNR",
    ),
    firmwares=(
        "3.140.0000000.10.R, Build Date: 2024-11-20",
        "3.142.0000000.3.R, Build Date: 2025-06-12",
    ),
    serial_format="9J0{num:08X}PAZ4",
    http={80: http_dahua(title="WEB"), 443: http_dahua(title="WEB")},
    https_ports=(443,),
    tls_subject=TLS_SUBJECT,
    tls_issuer=TLS_ISSUER_NEW,
    rtsp=rtsp_dahua(),
    onvif=onvif_dahua("Dahua", "Dahua"),
    dahua_discovery=dhip_reply("IPC", spaced=True),
    weight=4.0,
)

NVR = dahua_unit(
    name="dahua-nvr",
    brand="Dahua",
    device_type="nvr",
    ouis=DAHUA_OUIS,
    models=(
        "DHI-NVR4108HS-8P-4KS2",
        "DH-NVR4216-4KS2",
        "NVR2108HS-8P-4KS2",
        "DHI-NVR5216-8P-4KS2E",
    ),
    firmwares=(
        "4.001.0000005.0, Build Date: 2020-11-17",
        "4.001.0000000.3.R, Build Date: 2021-08-26",
    ),
    serial_format="7G0{num:08X}PAC9",
    http={80: http_dahua(), 443: http_dahua()},
    https_ports=(443,),
    tls_subject=TLS_SUBJECT,
    tls_issuer=TLS_ISSUER_NVR,
    rtsp=rtsp_dahua(),
    onvif=onvif_dahua("Dahua", "Dahua"),
    dahua_discovery=dhip_reply("NVR", video_in=0, remote_in=8),
    ssdp_server=SSDP_DAHUA,
    ssdp_description=ssdp_description("Dahua"),
    ssdp_location=SSDP_LOCATION,
    ssdp_usn=SSDP_USN,
    snmp=snmp_nvr(),
    weight=3.0,
)

XVR = dahua_unit(
    name="dahua-xvr",
    brand="Dahua",
    device_type="dvr",
    ouis=DAHUA_OUIS,
    models=("XVR5108C-X", "DH-XVR5108HS-4KL-I3", "XVR4104HS-I", "DH-XVR7216A-4K-I2"),
    firmwares=(
        "4.001.0000000.2.R, Build Date: 2020-01-10",
        "4.000.0000000.11.R, Build Date: 2019-05-08",
    ),
    serial_format="5J0{num:08X}PAR2",
    http={80: http_dahua(basic_cgi=True)},
    rtsp=rtsp_dahua_old(),
    onvif=onvif_dahua("Dahua", "Dahua"),
    # DeviceClass of a Dahua XVR is not in the captures (Intelbras XVRs report MHDX).
    dahua_discovery=dhip_reply("XVR", video_in=8, remote_in=2),
    weight=2.5,
)

PERSONALITIES: tuple[Personality, ...] = (IPC, IPC_NEW, NVR, XVR)
