"""Hikvision-made devices under the Hikvision brand: two camera generations, PTZ, NVR, DVR.

Sources (each with its snapshot or thread in ``SOURCES``):

* Server tokens (``App-webs/``, ``DNVRS-Webs``, ``DVRDVS-Webs``,
  ``Webs``/``webserver`` with the X-Frame-Options set, HTTP/1.0), paths
  (``/doc/page/login.asp``, ISAPI, PSIA userCheck, GoAhead 401 body, ``/`` -> ``/index.asp`` on
  DVRs), ISAPI deviceInfo fields and namespaces, RTSP (two spaces after ``Date:``,
  ``IP Camera(XXXXX)`` realm, MAC realm on newer firmware, ``Hikvision`` realm on old DVRs,
  Public list), DVR/NVR certificate subject, SNMP 39165/50001, TCP 8000 reply
  and admin port list, OUIs.
* Hikvision WS-Discovery stack (MAC in the EPR uuid,
  ``type/video_encoder``, ``MAC/``, ``location/city/hangzhou`` scopes), SADP ProbeMatch
  fields and observed values (DeviceType codes, SoftwareVersion without a space before
  ``build``, DSPVersion, the ``flase`` typo is not reproduced), serial format, SDP
  (``IMKH`` media header).
* model-number patterns, ``OEMCode=1`` on Hikvision units.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from camscan_lab.personalities._wire import reply, rtsp, scopes, sdp, snmp_system
from camscan_lab.personalities.base import (
    HttpReply,
    OnvifService,
    Personality,
    RtspService,
)
from camscan_lab.personalities.cites import (
    HAICAM,
    HIK_NEXT,
    INGRAM,
    NMAP_MACS,
    SADP_CAPTURES,
    gh,
    librenms,
    nmap_probes,
    recog,
)

SOURCES: tuple[str, ...] = (
    recog("http_servers"),
    nmap_probes("1821, 9762, 10283-10286, 10643-10645, 12367"),
    HIK_NEXT,
    gh("google/ExoPlayer/issues/9800") + " (RTSP Date with two spaces, realm)",
    gh("AlexxIT/go2rtc/issues/2232"),
    gh("eu-evops/homebridge-hikvision/issues/2") + " (DNVRS-Webs DVR headers, ETag)",
    gh("mezz64/pyHik/issues/15") + " (GoAhead-derived 401 body)",
    gh("evercam/evercam-server/issues/10"),
    gh("urbanadventurer/WhatWeb/pull/425") + " (webserver token, security headers)",
    librenms("hikvision-cam", "hikvision-nvr"),
    HAICAM + " (WS-Discovery ProbeMatches, SADP ProbeMatch)",
    SADP_CAPTURES,
    gh("bluenviron/mediamtx/issues/2908") + " (IMKH media header SDP)",
    INGRAM,
    NMAP_MACS,
)

# Hikvision MA-L blocks, preferring those CamioCam saw on real units.
CAMERA_OUIS = (
    "c4:2f:90",
    "c0:56:e3",
    "bc:ad:28",
    "44:19:b6",
    "28:57:be",
    "a4:14:37",
    "54:c4:15",
    "4c:bd:8f",
    "58:03:fb",
    "94:e1:ac",
    "58:50:ed",
    "44:a6:42",
    "b4:a3:82",
)
RECORDER_OUIS = ("8c:e7:48", "bc:ad:28", "18:68:cb", "54:c4:15", "4c:bd:8f", "c0:56:e3")

# Hikvision serial: model + YYYYMMDD + 4-letter block + 9 digits.
HIK_SERIAL = "{model}{date}AAWR{num:09d}"
HIK_SERIAL_CN = "{model}{date}CCCH{num:09d}"

ISAPI_NS_HIK = "http://www.hikvision.com/ver20/XMLSchema"
ISAPI_NS_OEM = "http://www.std-cgi.com/ver20/XMLSchema"  # OEM builds

# --- HTTP -----------------------------------------------------------------------------

# GoAhead-derived 401 body (pyHik#15, evercam-server#10).
GOAHEAD_401 = (
    "<html><head><title>Document Error: Unauthorized</title></head>\n"
    "<body><h2>Access Error: 401 -- Unauthorized</h2>\n"
    "<p>Authentication Error</p></body></html>\n"
)
GOAHEAD_404 = (
    "<html><head><title>Document Error: Not Found</title></head>\n"
    "<body><h2>Access Error: 404 -- Not Found</h2>\n"
    "<p>Cannot open URL</p></body></html>\n"
)
# ISAPI/PSIA XML status body that newer firmware returns with a 401.
ISAPI_401_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<userCheck>\n<statusValue>401</statusValue>\n<statusString>Unauthorized</statusString>\n"
    "</userCheck>\n"
)


def _login_page(title: str, logo: str) -> str:
    """The login page body: the web UI loads everything by script from /doc/.

     Body tokens ``g_szCacheTime`` and ``iVMS`` are the Ingram rule for this page
    ; the title and logo path carry the brand shown.
    """
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        f"<title>{title}</title>\n"
        '<link rel="shortcut icon" href="../../favicon.ico" type="image/x-icon" />\n'
        '<script type="text/javascript">var g_szCacheTime = "20170725";</script>\n'
        '<script type="text/javascript" src="../script/lib/iVMS/websdk.js"></script>\n'
        "</head>\n<body>\n"
        f'<div id="header"><img src="{logo}" alt="" /></div>\n'
        '<div id="login"><input id="username" /><input id="password" type="password" /></div>\n'
        "</body>\n</html>\n"
    )


def _root_redirect_page() -> str:
    """``/`` on cameras: a tiny page that sends the browser to the login page."""
    return (
        "<!DOCTYPE html>\n<html><head>"
        '<meta http-equiv="Refresh" content="0;url=/doc/page/login.asp?_1" />'
        "</head><body></body></html>\n"
    )


def http_app_webs(title: str = "", logo: str = "../images/common/logo.png") -> dict[str, HttpReply]:
    """Older camera firmware (V5.2-V5.5): ``Server: App-webs/``, GoAhead-derived pages."""
    server = ("Server", "App-webs/")
    auth = (
        "WWW-Authenticate",
        'Digest qop="auth", realm="IP Camera(C2875)", nonce="{uuid}", stale="FALSE"',
    )
    html = ("Content-Type", "text/html")
    xml = ("Content-Type", "application/xml; charset=UTF-8")
    return {
        "/": reply(200, _root_redirect_page(), server, ("Connection", "close"), html),
        "/doc/page/login.asp": reply(200, _login_page(title, logo), server, html),
        "/ISAPI/System/deviceInfo": reply(401, ISAPI_401_XML, server, auth, xml),
        "/ISAPI/Security/userCheck": reply(401, ISAPI_401_XML, server, auth, xml),
        "/PSIA/Custom/SelfExt/userCheck": reply(401, GOAHEAD_401, server, auth, html),
        "/SDK/webLanguage": reply(200, "<Language>en</Language>\n", server, xml),
        "*": reply(404, GOAHEAD_404, server, html),
    }


def http_webs_new(
    server_token: str = "webserver",  # noqa: S107 - a Server header value, not a secret
    title: str = "",
    logo: str = "../images/common/logo.png",
) -> dict[str, HttpReply]:
    """Newer firmware (V5.6+ cameras, V4.x recorders): HTTP/1.0-style ``webserver``/``Webs``
    token with the security header set (nmap 10643-10645, WhatWeb PR 425), MAC realm."""
    sec = (
        ("Server", server_token),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-XSS-Protection", "1;mode=block"),
    )
    auth = (
        "WWW-Authenticate",
        'Digest qop="auth", realm="{mac_plain}", nonce="{uuid}", stale="FALSE"',
    )
    html = ("Content-Type", "text/html")
    xml = ("Content-Type", "application/xml")

    def r(status: int, body: str, *extra: tuple[str, str]) -> HttpReply:
        return replace(reply(status, body, *sec, *extra), version="HTTP/1.0")

    # UTF-8 BOM before the doctype.
    bom = "\ufeff"
    return {
        "/": r(302, "", ("Location", "http://{ip}/doc/page/login.asp?_1"), html),
        "/doc/page/login.asp": r(200, bom + _login_page(title, logo), html),
        "/ISAPI/System/deviceInfo": r(401, ISAPI_401_XML, auth, xml),
        "/ISAPI/Security/userCheck": r(401, ISAPI_401_XML, auth, xml),
        "/ISAPI/Security/sessionLogin/capabilities": r(401, ISAPI_401_XML, auth, xml),
        "/SDK/webLanguage": r(200, "<Language>en</Language>\n", xml),
        "*": r(404, "", html),
    }


def http_recorder(server_token: str, title: str = "") -> dict[str, HttpReply]:
    """NVR/DVR web UI: ``DNVRS-Webs``/``DVRDVS-Webs`` with keep-alive headers (real DVR capture,
    homebridge-hikvision#2) and ``/`` -> ``/index.asp`` (nmap 9906, 10286)."""
    base = (
        ("Server", server_token),
        ("Cache-Control", "no-cache"),
        ("Connection", "keep-alive"),
        ("Keep-Alive", "timeout=60, max=99"),
    )
    auth = (
        "WWW-Authenticate",
        # No recorder capture of this challenge: the MAC realm of newer firmware.
        'Digest qop="auth", realm="{mac_plain}", nonce="{uuid}", stale="FALSE"',
    )
    html = ("Content-Type", "text/html")
    xml = ("Content-Type", "application/xml; charset=UTF-8")
    return {
        "/": reply(302, "", *base, ("Location", "http://{ip}/index.asp"), html),
        "/index.asp": reply(
            200,
            _root_redirect_page(),
            *base,
            ("ETag", '"0-5e0-1e0"'),
            html,
        ),
        "/doc/page/login.asp": reply(
            200, _login_page(title, "../images/common/logo.png"), *base, html
        ),
        "/ISAPI/System/deviceInfo": reply(401, ISAPI_401_XML, *base, auth, xml),
        "/ISAPI/ContentMgmt/Storage": reply(401, ISAPI_401_XML, *base, auth, xml),
        "*": reply(404, GOAHEAD_404, *base, html),
    }


# --- RTSP -----------------------------------------------------------------------------

PUBLIC = "Public: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER"
# Two spaces after "Date:" and no comma after the weekday, as captured (ExoPlayer#9800).
RTSP_DATE = "Date:  Tue, Dec 21 2021 12:08:36 GMT"


def rtsp_hik(realm: str, basic_realm: str | None = None) -> RtspService:
    """OPTIONS answers 200 without auth; DESCRIBE asks Digest then Basic."""
    challenge = [f'WWW-Authenticate: Digest realm="{realm}", nonce="{{uuid}}", stale="FALSE"']
    challenge.append(f'WWW-Authenticate: Basic realm="{basic_realm or realm}"')
    return RtspService(
        options=rtsp("RTSP/1.0 200 OK", PUBLIC, RTSP_DATE),
        describe=rtsp("RTSP/1.0 401 Unauthorized", *challenge, RTSP_DATE),
    )


def rtsp_hik_open() -> RtspService:
    """A unit with RTSP authentication switched off: DESCRIBE gives the SDP with the
    ``IMKH`` media header (mediamtx#2908)."""
    body = sdp(
        "v=0",
        "o=- 1109162014219182 1109162014219192 IN IP4 0.0.0.0",
        "s=Media Presentation",
        "e=NONE",
        "b=AS:5100",
        "t=0 0",
        "a=control:rtsp://0.0.0.0:554/Streaming/Channels/101/?transportmode=unicast",
        "m=video 0 RTP/AVP 96",
        "b=AS:5000",
        "a=control:rtsp://0.0.0.0:554/Streaming/Channels/101/trackID=1?transportmode=unicast",
        "a=rtpmap:96 H264/90000",
        "a=fmtp:96 profile-level-id=420029; packetization-mode=1",
        "a=Media_header:MEDIAINFO=494D4B48010200000400000100000000000000000000000000000000"
        "000000000000000000;",
        "a=appversion:1.0",
    )
    return RtspService(
        options=rtsp("RTSP/1.0 200 OK", PUBLIC, RTSP_DATE),
        describe=rtsp(
            "RTSP/1.0 200 OK",
            "Content-Type: application/sdp",
            "Content-Base: rtsp://0.0.0.0:554/Streaming/Channels/101/",
            RTSP_DATE,
            body=body,
        ),
    )


# --- SADP -----------------------------------------------------------------------------


def sadp_reply(
    device_type: int,
    dsp: str,
    analog: int = 0,
    digital: int = 1,
    disks: int = 0,
    activated: bool = True,
    oem_code: str = "1",
    oem_info: str = "N/A",
) -> str:
    """SADP ProbeMatch with the elements of real replies.

    ``SoftwareVersion`` has no space before ``build`` as in the captures (``V5.6.2build
    190701``).  OEM units: ``DetailOEMCode``/``OEMInfo`` follow the Sadp.h comments quoted in
    (values on real OEM units are unverified there).
    """
    active = "true" if activated else "false"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<ProbeMatch>\n"
        "<Uuid>{uuid_req}</Uuid>\n"
        "<Types>inquiry</Types>\n"
        f"<DeviceType>{device_type}</DeviceType>\n"
        "<DeviceDescription>{model}</DeviceDescription>\n"
        "<DeviceSN>{serial}</DeviceSN>\n"
        "<CommandPort>8000</CommandPort>\n"
        "<HttpPort>80</HttpPort>\n"
        "<MAC>{mac_dash}</MAC>\n"
        "<IPv4Address>{ip}</IPv4Address>\n"
        "<IPv4SubnetMask>255.255.255.0</IPv4SubnetMask>\n"
        "<IPv4Gateway>0.0.0.0</IPv4Gateway>\n"
        "<IPv6Address>::</IPv6Address>\n"
        "<IPv6Gateway>::</IPv6Gateway>\n"
        "<IPv6MaskLen>64</IPv6MaskLen>\n"
        "<DHCP>false</DHCP>\n"
        f"<AnalogChannelNum>{analog}</AnalogChannelNum>\n"
        f"<DigitalChannelNum>{digital}</DigitalChannelNum>\n"
        "<SoftwareVersion>{firmware_version}{firmware_build}</SoftwareVersion>\n"
        f"<DSPVersion>{dsp}</DSPVersion>\n"
        "<BootTime>{boot_time}</BootTime>\n"
        "<Encrypt>true</Encrypt>\n"
        "<ResetAbility>false</ResetAbility>\n"
        f"<DiskNumber>{disks}</DiskNumber>\n"
        f"<Activated>{active}</Activated>\n"
        "<PasswordResetAbility>true</PasswordResetAbility>\n"
        "<PasswordResetModeSecond>true</PasswordResetModeSecond>\n"
        f"<DetailOEMCode>{oem_code}</DetailOEMCode>\n"
        "<SupportSecurityQuestion>true</SupportSecurityQuestion>\n"
        "<SupportHCPlatform>true</SupportHCPlatform>\n"
        "<HCPlatformEnable>false</HCPlatformEnable>\n"
        "<IsModifyVerificationCode>false</IsModifyVerificationCode>\n"
        "<Salt>{mac_plain}{mac_plain}</Salt>\n"
        "<DeviceLock>true</DeviceLock>\n"
        "<SDKServerStatus>true</SDKServerStatus>\n"
        "<SDKOverTLSServerStatus>false</SDKOverTLSServerStatus>\n"
        "<SDKOverTLSPort>8443</SDKOverTLSPort>\n"
        "<SupportMailBox>true</SupportMailBox>\n"
        f"<OEMInfo>{oem_info}</OEMInfo>\n"
        "</ProbeMatch>\n"
    )


# --- ONVIF ----------------------------------------------------------------------------

# The node field of the EndpointReference uuid is the NIC MAC (Haicam capture).
HIK_EPR = "urn:uuid:{uuid:.8}-1dd1-11b2-80a1-{mac_plain}"


def onvif_hik(
    name: str, manufacturer: str, ptz: bool = False, city: str = "hangzhou"
) -> OnvifService:
    """Hikvision ONVIF stack: scopes as captured (DS-2CD2385G1-I, DS-2DC4223IW-D)."""
    parts = ["type/video_encoder", "Profile/Streaming", "Profile/G", "Profile/T"]
    if ptz:
        parts.append("type/ptz")
    parts += ["MAC/{mac}", "hardware/{model}", f"name/{name}", f"location/city/{city}"]
    scope_list = scopes(*parts)
    return OnvifService(
        scopes=scope_list,
        types="dn:NetworkVideoTransmitter tds:Device",
        manufacturer=manufacturer,
        hardware_id="88",
        endpoint_reference=HIK_EPR,
        probe_match=_probe_match(scope_list),
    )


def _probe_match(scope_list: tuple[str, ...]) -> str:
    """The Hikvision stack's ProbeMatches: ``env``/``wsadis``/``d`` prefixes, the
    ``tnsn`` event-topic namespace, MAC-tailed EPR, MetadataVersion 10 (Haicam capture)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:soapenc="http://www.w3.org/2003/05/soap-encoding" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:tt="http://www.onvif.org/ver10/schema" '
        'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
        'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
        'xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        'xmlns:tnsn="http://www.eventextension.com/2011/event/topics">'
        "<env:Header>"
        "<wsadis:MessageID>urn:uuid:{uuid:.8}-1dd1-11b2-80a2-{mac_plain}</wsadis:MessageID>"
        "<wsadis:RelatesTo>{message_id}</wsadis:RelatesTo>"
        "<wsadis:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsadis:To>"
        "<wsadis:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches"
        "</wsadis:Action>"
        "</env:Header><env:Body><d:ProbeMatches><d:ProbeMatch>"
        f"<wsadis:EndpointReference><wsadis:Address>{HIK_EPR}</wsadis:Address>"
        "</wsadis:EndpointReference>"
        "<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>"
        f"<d:Scopes>{' '.join(scope_list)}</d:Scopes>"
        "<d:XAddrs>http://{ip}/onvif/device_service</d:XAddrs>"
        "<d:MetadataVersion>10</d:MetadataVersion>"
        "</d:ProbeMatch></d:ProbeMatches></env:Body></env:Envelope>\n"
    )


# --- SDK port 8000 --------------------------------------------------------------------

# nmap "Hikvision IPCam control port" (nmap-service-probes line 1821): the 16-byte answer.
SDK_8000_REPLY = bytes.fromhex("000000100000001e0000001e00000000")

# --- SNMP -----------------------------------------------------------------------------


def snmp_camera() -> dict[str, str]:
    """Cameras: empty sysObjectID, model under HIK-DEVICE-MIB (librenms hikvision-cam)."""
    values = snmp_system("{model}", None)
    values["1.3.6.1.4.1.39165.1.1.0"] = "{model}"  # hikDeviceType
    values["1.3.6.1.4.1.39165.1.3.0"] = "{firmware}"  # software version
    return values


def snmp_recorder(entity_type: int = 2) -> dict[str, str]:
    """Recorders: sysObjectID 50001 and the ``Hikvision company products`` sysDescr;
    hikEntityType DVR(1)/NVR(2)/IPC(3) (HIKVISION-MIB)."""
    values = snmp_system("Hikvision company products", "1.3.6.1.4.1.50001")
    values["1.3.6.1.4.1.50001.1.1.0"] = str(entity_type)
    values["1.3.6.1.4.1.50001.1.2.0"] = "{serial}"  # hikEntityIndex = serial
    return values


# --- Ground truth + services per kind -------------------------------------------------

RECORDER_TLS = "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"


def hik_unit(
    *,
    name: str,
    brand: str,
    device_type: str,
    sources: tuple[str, ...] = SOURCES,
    **services: Any,
) -> Personality:
    """A Hikvision-firmware device: the maker, the camera flag and the SDK port 8000 answer
    are the same on every unit of the family, whatever the label says."""
    return Personality(
        name=name,
        brand=brand,
        manufacturer="Hikvision",
        device_type=device_type,
        is_camera=True,
        sources=sources,
        tcp_replies={8000: SDK_8000_REPLY},
        **services,
    )


IPC_V5_OLD = hik_unit(
    name="hikvision-ipc-v5.4",
    brand="Hikvision",
    device_type="camera",
    ouis=CAMERA_OUIS,
    models=(
        "DS-2CD2032-I",
        "DS-2CD2142FWD-I",
        "DS-2CD2185FWD-I",
        "DS-2CD2320D-I",
        "DS-2CD2042WD-I",
    ),
    firmwares=("V5.4.5 build 170123", "V5.5.0 build 170725", "V5.5.3 build 171025"),
    serial_format=HIK_SERIAL,
    http={80: http_app_webs()},
    rtsp=rtsp_hik("IP Camera(C2875)"),
    onvif=onvif_hik("HIKVISION%20{model}", "HIKVISION"),
    sadp=sadp_reply(140071, "V7.3 build 170615"),
    snmp=snmp_camera(),
    weight=5.0,
)

IPC_V5_NEW = hik_unit(
    name="hikvision-ipc-v5.7",
    brand="Hikvision",
    device_type="camera",
    ouis=CAMERA_OUIS,
    models=(
        "DS-2CD2385G1-I",
        "DS-2CD2146G2-ISU",
        "DS-2CD2366G2-ISU/SL",
        "DS-2CD1148-I/B",
        "DS-2CD2047G2-LU",
    ),
    firmwares=("V5.6.2 build 190701", "V5.7.3 build 220112", "V5.7.15 build 230504"),
    serial_format=HIK_SERIAL,
    http={80: http_webs_new()},
    rtsp=rtsp_hik("{mac_plain}"),
    onvif=onvif_hik("HIKVISION%20{model}", "HIKVISION"),
    tcp_silent=(8443,),
    sadp=sadp_reply(141945, "V7.3 build 190626"),
    snmp=snmp_camera(),
    weight=7.0,
)

# A factory-fresh camera: SADP Activated=false, no password yet, web UI only offers
# activation; SADP's Activated=false says so.
IPC_UNACTIVATED = replace(
    IPC_V5_NEW,
    name="hikvision-ipc-v5.7-inactive",
    sadp=sadp_reply(141945, "V7.3 build 190626", activated=False),
    weight=0.5,
)

# RTSP authentication switched off (a common site misconfiguration): SDP on DESCRIBE.
IPC_RTSP_OPEN = replace(
    IPC_V5_OLD,
    name="hikvision-ipc-v5.4-rtsp-open",
    rtsp=rtsp_hik_open(),
    weight=0.5,
)

PTZ = hik_unit(
    name="hikvision-ptz",
    brand="Hikvision",
    device_type="camera",
    ouis=CAMERA_OUIS,
    models=("DS-2DE4425IW-DE", "DS-2DE2A404IW-DE3", "DS-2DC4223IW-D", "DS-2SE4C425MWG-E/26"),
    firmwares=("V5.5.71 build 180725", "V5.6.15 build 200806", "V5.7.1 build 211210"),
    serial_format=HIK_SERIAL,
    http={80: http_webs_new()},
    rtsp=rtsp_hik("{mac_plain}"),
    onvif=onvif_hik("HIKVISION%20{model}", "HIKVISION", ptz=True),
    sadp=sadp_reply(142378, "V7.3 build 200506"),
    snmp=snmp_camera(),
    weight=2.0,
)

NVR = hik_unit(
    name="hikvision-nvr",
    brand="Hikvision",
    device_type="nvr",
    ouis=RECORDER_OUIS,
    models=("DS-7608NI-K2", "DS-7616NI-K2", "DS-7608NXI-I2", "DS-7732NI-M4", "DS-7616NI-I2/16P"),
    firmwares=("V4.22.005 build 191218", "V4.30.085 build 200916", "V4.62.210 build 230301"),
    serial_format=HIK_SERIAL_CN,
    http={80: http_recorder("DNVRS-Webs"), 443: http_recorder("DNVRS-Webs")},
    https_ports=(443,),
    tls_subject=RECORDER_TLS,
    rtsp=rtsp_hik("{mac_plain}"),
    onvif=onvif_hik("HIKVISION%20{model}", "HIKVISION"),
    # Admin port list of a DS-7608NI: WebSocket 7681, SDK over TLS 8443.
    tcp_silent=(7681, 8443),
    sadp=sadp_reply(139991, "V5.0, build 191213", analog=0, digital=8, disks=1),
    snmp=snmp_recorder(),
    weight=3.0,
)

DVR = hik_unit(
    name="hikvision-dvr",
    brand="Hikvision",
    device_type="dvr",
    ouis=RECORDER_OUIS,
    models=(
        "DS-7204HQHI-K1",
        "DS-7216HQHI-K2",
        "iDS-7204HUHI-M1/S",
        "DS-7304HGHI-F1",
        "DS-7804HQH-K1",
    ),
    firmwares=("V3.5.38 build 191215", "V4.21.100 build 200821", "V3.4.92 build 170830"),
    serial_format=HIK_SERIAL_CN,
    http={80: http_recorder("DVRDVS-Webs")},
    rtsp=rtsp_hik("Hikvision", basic_realm="/"),
    onvif=onvif_hik("HIKVISION%20{model}", "HIKVISION"),
    sadp=sadp_reply(44322, "V5.0, build 191213", analog=4, digital=5, disks=1),
    snmp=snmp_recorder(entity_type=1),
    weight=2.0,
)

PERSONALITIES: tuple[Personality, ...] = (
    IPC_V5_OLD,
    IPC_V5_NEW,
    IPC_UNACTIVATED,
    IPC_RTSP_OPEN,
    PTZ,
    NVR,
    DVR,
)
