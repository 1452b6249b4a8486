"""Ordinary hosts that look like cameras to a careless scanner (field mix only).

Embedded web servers that camera firmware also uses (Boa, thttpd, lighttpd, GoAhead), a
captive portal and a router SPA answering every path with the same page, a CPE and a PDU
answering 401 on every path, printers, a NAS with UPnP, a smart TV, a speaker and an IoT
gateway answering SSDP, and a board that sends HTTP/1.0 without any header.  None is a
camera; a scanner that names a camera maker for one of them is wrong.

Whole replies are replayed where a public capture has them (an ASUS DSL-N12E's Boa 401, a
GoAhead/1.1 and a lighttpd/1.4.35 404, a Roku's and a Hue bridge's M-SEARCH replies, an HP
LaserJet's product_information.xml, a miniupnpd router's LF-only SSDP reply; each cited next
to it); elsewhere server tokens, realms and titles are real values as Rapid7 Recog keeps them
from real replies (each ``<example>`` of the files cited, at
rapid7/recog@14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5) and the Hue bridge's SSDP SERVER as
ioBroker/ioBroker.discovery:lib/adapters/hue.js records it (``HUE_SSDP`` below).
Page bodies around those values, paths other than ``/`` and the catch-all behaviour of a
given product are the lab's choice (marked).  OUIs: IEEE registrants as nmap/nmap:nmap-mac-
prefixes carries them.
"""

from __future__ import annotations

from dataclasses import replace

from camscan_lab.personalities import ordinary
from camscan_lab.personalities._wire import html_page, reply, snmp_system, unit
from camscan_lab.personalities.base import HttpReply, Personality
from camscan_lab.personalities.cites import gh

_RECOG = "rapid7/recog:xml/{}.xml@14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5"
RECOG_SERVERS = _RECOG.format("http_servers")
RECOG_AUTH = _RECOG.format("http_wwwauth")
RECOG_TITLES = _RECOG.format("html_title")
HUE_SSDP = (
    "ioBroker/ioBroker.discovery:lib/adapters/hue.js@0a4eaea57bb33bad1248026caae94a662dde8d83 "
    "(a Hue bridge's M-SEARCH reply: SERVER Linux/3.14.0 UPnP/1.0 IpBridge/1.16.0)"
)
RFC1945 = "https://www.rfc-editor.org/rfc/rfc1945#section-6 (HTTP/1.0: every header optional)"
LAB = "page bodies, other paths and per-product catch-all behaviour: the lab's choice"
HTML = ("Content-Type", "text/html")
GENERIC_OUIS = ("00:0e:c6", "00:1c:c2", "00:50:c2")


def _host(sources: tuple[str, ...], **fields: object) -> Personality:
    return replace(
        unit(device_type="not_camera", sources=(*sources, ordinary.SRC_OUI, LAB), **fields),
        field=True,
    )


def _with(server: str, r: HttpReply) -> HttpReply:
    return replace(r, headers=(("Server", server), *r.headers)) if server else r


def _site(server: str, root: HttpReply, not_found: bool = True) -> dict[str, HttpReply]:
    """``/`` and the server's 404 for every other path."""
    paths = {"/": _with(server, root)}
    if not_found:
        paths["*"] = _with(server, reply(404, html_page("404 Not Found", "Not Found"), HTML))
    return paths


def _everywhere(server: str, r: HttpReply) -> dict[str, HttpReply]:
    """The same reply on every path (catch-all 200 or 401 everywhere)."""
    return {"*": _with(server, r)}


def _basic(realm: str) -> tuple[str, str]:
    return ("WWW-Authenticate", f'Basic realm="{realm}"')


_DENIED = html_page("401 Unauthorized", "<h1>401 Unauthorized</h1>")

# The 401 an ASUS DSL-N12E's Boa server sent on every path (Ekultek/WhatWaf#1394, as the
# corpus document asus-dsl-n12e-boa-401 holds it); the body quotes the requested URL, here "/".
BOA_401 = reply(
    401,
    "<html><head><title>401 Unauthorized</title></head>\n"
    "<body><h1>401 Unauthorized</h1>\n"
    "Your client does not have permission to get URL / from this server.\n</body></html>\n",
    ("Date", "Sun, 19 Dec 2021 14:01:43 GMT"),
    ("Server", "Boa/0.94.13"),
    ("Connection", "close"),
    ("WWW-Authenticate", 'Basic realm="{model}_C1"'),
    ("Content-Type", "text/html; charset=ISO-8859-1"),
    ("Set-Cookie", "SESSIONID={uuid:.8}; path=/"),
)

BOA_MODEM = _host(
    (gh("Ekultek/WhatWaf/issues/1394") + " (Boa 401 of an ASUS DSL-N12E)", RECOG_AUTH),
    name="asus-boa-dsl-router",
    brand="ASUS",
    manufacturer="ASUS",
    ouis=("04:d4:c4", "2c:56:dc", "f0:79:59"),
    models=("DSL-N12E",),
    firmwares=("1.1.2.3_345",),
    serial_format="G{num:09d}",
    http={port: {"*": BOA_401} for port in (80, 8090)},
    quirks=("auth-everywhere",),
    weight=3.0,
)

# GoAhead 1.1 answering 404 to "/" with its 1970 clock (Ekultek/WhatWaf#321), and a
# lighttpd 1.4.35 404 page (Ekultek/WhatWaf#303): embedded servers that camera firmware
# also runs, here on devices that are not cameras.
GOAHEAD_404 = _host(
    (gh("Ekultek/WhatWaf/issues/321") + " (GoAhead/1.1 404)",),
    name="goahead-embedded-404",
    brand="Generic",
    manufacturer="Generic",
    ouis=GENERIC_OUIS,
    models=("IO-8",),
    firmwares=("1.1",),
    serial_format="G{num:08d}",
    http={
        80: {
            "*": reply(
                404,
                "<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1>"
                "</body></html>\n",
                ("Server", "GoAhead/1.1"),
                ("MIME-version", "1.0"),
                ("Date", "Thu Jan  1 07:22:36 1970 GMT"),
                ("Content-Type", "text/html"),
                ("Content-Length", "89"),
            )
        }
    },
    weight=1.5,
)

_LIGHTTPD_404 = (
    '<?xml version="1.0" encoding="iso-8859-1"?>\n'
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n'
    '         "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n\n'
    '<html lang="en" xml:lang="en" xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
    "<title>404 - Not Found</title>\n</head>\n<body>\n<h1>404 - Not Found</h1>\n"
    "</body>\n</html>\n"
)
LIGHTTPD_404 = _host(
    (gh("Ekultek/WhatWaf/issues/303") + " (lighttpd/1.4.35 404 on port 6666)",),
    name="lighttpd-embedded-404",
    brand="Generic",
    manufacturer="Generic",
    ouis=GENERIC_OUIS,
    models=("GW-6666",),
    firmwares=("1.4.35",),
    serial_format="L{num:08d}",
    http={
        port: {
            "*": reply(
                404,
                _LIGHTTPD_404,
                ("Content-Type", "text/html"),
                ("Content-Length", "345"),
                ("Connection", "close"),
                ("Date", "Fri, 19 Jul 2019 15:24:51 GMT"),
                ("Server", "lighttpd/1.4.35"),
            )
        }
        for port in (80, 6666)
    },
    weight=1.5,
)

THTTPD_GATEWAY = _host(
    (RECOG_SERVERS, RECOG_TITLES),
    name="thttpd-dali-gateway",
    brand="Generic",
    manufacturer="Generic",
    ouis=GENERIC_OUIS,
    models=("NFT S7",),
    firmwares=("2.3",),
    serial_format="S7{num:08d}",
    # thttpd/2.23beta1 26may2002 (recog servers); title "NFT S7 - DALI-Gateway(Ethernet)"
    # (recog html_title).
    http={
        80: _site(
            "thttpd/2.23beta1 26may2002",
            reply(200, html_page("NFT S7 - DALI-Gateway(Ethernet)", "<pre>status</pre>"), HTML),
        )
    },
    weight=2.0,
)

LIGHTTPD_PORTAL = _host(
    (RECOG_SERVERS,),
    name="lighttpd-captive-portal",
    brand="Generic",
    manufacturer="Generic",
    ouis=GENERIC_OUIS,
    models=("HS-200",),
    firmwares=("4.1.7",),
    serial_format="HS{num:09d}",
    # lighttpd/1.4.16 (recog servers); a portal answers every URL with its login page.
    http={
        80: _everywhere(
            "lighttpd/1.4.16",
            reply(
                200,
                html_page("Guest Wi-Fi", '<form action="/login"><input name="code"></form>'),
                HTML,
            ),
        )
    },
    quirks=("catch-all",),
    weight=3.0,
)

SPA_ROUTER = _host(
    (RECOG_AUTH,),
    name="tplink-spa-router",
    brand="TP-Link",
    manufacturer="TP-Link",
    ouis=ordinary.TPLINK_OUIS,
    models=("Archer AX73", "Deco X50"),
    firmwares=("1.1.0 Build 20230609",),
    serial_format="22{num:011d}",
    # A single-page web UI: every path is index.html, no Server header (lab's choice).
    http={
        port: _everywhere(
            "",
            reply(
                200,
                html_page("Opening...", '<div id="app"></div>', '<script src="./js/app.js">'),
                HTML,
            ),
        )
        for port in (80, 443)
    },
    https_ports=(443,),
    tls_subject="CN=tplinkwifi.net,O=TP-Link",
    quirks=("catch-all",),
    weight=3.0,
)

GOAHEAD_PDU = _host(
    (RECOG_SERVERS, RECOG_AUTH),
    name="goahead-matrixssl-pdu",
    brand="Generic",
    manufacturer="Generic",
    ouis=GENERIC_OUIS,
    models=("PDU-16M", "ATS-2"),
    firmwares=("3.4.2",),
    serial_format="P{num:09d}",
    # GoAhead-Webs/2.5.0 PeerSec-MatrixSSL/3.4.2-OPEN (recog servers); Basic realm="GoAhead"
    # (recog wwwauth), on every path.
    http={
        port: _everywhere(
            "GoAhead-Webs/2.5.0 PeerSec-MatrixSSL/3.4.2-OPEN",
            reply(401, ordinary.GOAHEAD_401, _basic("GoAhead"), HTML),
        )
        for port in (80, 443)
    },
    https_ports=(443,),
    tls_subject="CN={ip},O=PDU",
    snmp=snmp_system("Linux {hostname} 2.6.21 #1 armv5tejl", ordinary.NET_SNMP),
    quirks=("auth-everywhere",),
    weight=2.0,
)

ZTE_CPE = _host(
    (RECOG_AUTH,),
    name="zte-cpe",
    brand="ZTE",
    manufacturer="ZTE",
    ouis=("34:4b:50", "00:19:c6", "00:15:eb"),
    models=("ZXHN H298A", "F670L"),
    firmwares=("V1.0.12",),
    serial_format="ZTEG{num:08X}",
    # Digest realm="cpe@zte.com" (recog wwwauth) on every path.
    http={
        80: _everywhere(
            "",
            reply(
                401,
                _DENIED,
                ("WWW-Authenticate", 'Digest realm="cpe@zte.com", nonce="{uuid}", qop="auth"'),
                HTML,
            ),
        )
    },
    quirks=("auth-everywhere", "no-server"),
    weight=2.0,
)

HP_OFFICEJET = _host(
    (RECOG_SERVERS,),
    name="hp-officejet",
    brand="HP",
    manufacturer="HP",
    ouis=ordinary.HP_OUIS,
    models=("Officejet 6500 E709n",),
    firmwares=("CB057A",),
    serial_format="CN{num:08d}",
    # The Server value of a real Officejet (recog http_servers example), serial templated.
    http={
        80: _site(
            "HP HTTP Server; HP Officejet 6500 E709n - CB057A; Serial Number: {serial}; "
            "Rainbow Built:Sat Dec 13, 2008 10:58:21AM {{{serial}, ASIC id 0x00ffc2105}}",
            reply(200, html_page("HP Officejet 6500 E709n", '<div id="ews"></div>'), HTML),
        )
    },
    tcp_silent=(631, 9100),
    mdns=(("_ipp._tcp.local", "HP Officejet 6500 E709n [{mac_upper}]", {"ty": "HP {model}"}),),
    weight=2.0,
)

# /hp/device/product_information.xml of a LaserJet P2015 (elad-bar/ha-hpprinter#181; the
# fields the source redacted are this host's).
HP_PRODUCT_INFO = (
    '<ProductInformation xmlns="http://www.hp.com/schemas/imaging/pls/dev/1.0" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.hp.com/schemas/imaging/pls/dev/1.0 ProductInformation.xsd">\n'
    "<ProductName>HP LaserJet P2015 Series</ProductName>\n"
    "<FormatterNumber>Q7805-60002</FormatterNumber>\n<PrinterNumber>CB364A</PrinterNumber>\n"
    "<ProductSerialNumber>{serial}</ProductSerialNumber>\n<ServiceID>18097</ServiceID>\n"
    "<DfaData>0</DfaData>\n<FirmwareDatecode>{firmware}</FirmwareDatecode>\n"
    "<MaxPrintResolution>0</MaxPrintResolution>\n<ControllerNumber>8</ControllerNumber>\n"
    "<DuplexInstalled>1</DuplexInstalled>\n<PrintEnginePPM>27</PrintEnginePPM>\n"
    "<IPAddress>{ip}</IPAddress>\n<HardwareAddress>{mac_plain}</HardwareAddress>\n"
    "</ProductInformation>\n"
)

HP_EMWEB = _host(
    (RECOG_SERVERS, gh("elad-bar/ha-hpprinter/issues/181") + " (product_information.xml)"),
    name="hp-laserjet-emweb",
    brand="HP",
    manufacturer="HP",
    ouis=ordinary.HP_OUIS,
    models=("LaserJet P2015",),
    firmwares=("20070221",),
    serial_format="CNB{num:07d}",
    # Virata-EmWeb/R6_2_1 (recog http_servers); the body is the lab's.
    http={
        80: _site(
            "Virata-EmWeb/R6_2_1",
            reply(200, html_page("hp LaserJet {model}", '<frameset rows="*"></frameset>'), HTML),
        )
        | {
            "/hp/device/product_information.xml": reply(
                200, HP_PRODUCT_INFO, ("Content-Type", "text/xml")
            )
        }
    },
    tcp_silent=(515, 9100),
    weight=2.0,
)

XEROX_MFP = _host(
    (RECOG_TITLES,),
    name="xerox-mfp",
    brand="Xerox",
    manufacturer="Xerox",
    ouis=("00:00:aa", "9c:93:4e"),
    models=("Color 570",),
    firmwares=("061.050.223.12300",),
    serial_format="XRX{num:08d}",
    # Title "Xerox Color 570 - <address>" (recog html_title); no Server header.
    http={80: _site("", reply(200, html_page("Xerox Color 570 - {ip}", ""), HTML))},
    tcp_silent=(631, 9100),
    weight=1.5,
)

READYNAS = _host(
    (RECOG_TITLES,),
    name="netgear-readynas",
    brand="Netgear",
    manufacturer="Netgear",
    ouis=ordinary.NETGEAR_OUIS,
    models=("RN214", "RN424"),
    firmwares=("6.10.8",),
    serial_format="4N{num:010d}",
    # Title "NETGEAR ReadyNAS" (recog html_title); UPnP MediaServer for its DLNA share.
    http={
        80: _site("Apache", reply(200, html_page("NETGEAR ReadyNAS", ""), HTML)),
        443: _site("Apache", reply(200, html_page("NETGEAR ReadyNAS", ""), HTML)),
    },
    https_ports=(443,),
    tls_subject="CN=nas-{mac_plain},O=NETGEAR",
    tcp_silent=(139, 445),
    ssdp_server="Linux/4.4.218.x86_64.1, UPnP/1.0, ReadyDLNA",
    ssdp_st="urn:schemas-upnp-org:device:MediaServer:1",
    ssdp_usn="uuid:{uuid}::urn:schemas-upnp-org:device:MediaServer:1",
    ssdp_location="http://{ip}:8200/rootDesc.xml",
    ssdp_description=(
        '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">\n'
        "<specVersion><major>1</major><minor>0</minor></specVersion>\n<device>\n"
        "<deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>\n"
        "<friendlyName>{hostname}: ReadyDLNA</friendlyName>\n"
        "<manufacturer>NETGEAR</manufacturer>\n<modelName>ReadyNAS {model}</modelName>\n"
        "<UDN>uuid:{uuid}</UDN>\n</device>\n</root>\n"
    ),
    weight=1.5,
)

SONOS = _host(
    (RECOG_SERVERS,),
    name="sonos-speaker",
    brand="Sonos",
    manufacturer="Sonos",
    ouis=("00:0e:58", "5c:aa:fd", "94:9f:3e"),
    models=("ZPS3", "ZPS1"),
    firmwares=("47.2-59120",),
    serial_format="{mac_upper}:E",
    # SERVER "Linux UPnP/1.0 Sonos/47.2-59120 (ZPS3)" (recog http_servers example).
    http={
        1400: _site(
            "Linux UPnP/1.0 Sonos/{firmware} ({model})",
            reply(200, "", ("Content-Type", "text/plain")),
        )
    },
    ssdp_server="Linux UPnP/1.0 Sonos/{firmware} ({model})",
    ssdp_st="urn:schemas-upnp-org:device:ZonePlayer:1",
    ssdp_usn="uuid:RINCON_{mac_upper}01400::urn:schemas-upnp-org:device:ZonePlayer:1",
    ssdp_location="http://{ip}:1400/xml/device_description.xml",
    ssdp_description=(
        '<?xml version="1.0" encoding="utf-8" ?>\n'
        '<root xmlns="urn:schemas-upnp-org:device-1-0">\n'
        "<specVersion><major>1</major><minor>0</minor></specVersion>\n<device>\n"
        "<deviceType>urn:schemas-upnp-org:device:ZonePlayer:1</deviceType>\n"
        "<friendlyName>{ip} - Sonos Play:3</friendlyName>\n"
        "<manufacturer>Sonos, Inc.</manufacturer>\n<modelNumber>S3</modelNumber>\n"
        "<modelName>Sonos Play:3</modelName>\n<UDN>uuid:RINCON_{mac_upper}01400</UDN>\n"
        "</device>\n</root>\n"
    ),
    weight=1.5,
)

ROKU = _host(
    (RECOG_AUTH, gh("fHDHR/fHDHR/issues/276") + " (a Roku's M-SEARCH reply)"),
    name="roku-tv",
    brand="Roku",
    manufacturer="Roku",
    ouis=("b0:a7:37", "d8:31:34", "08:05:81"),
    models=("3930X", "4670X"),
    firmwares=("10.5.0",),
    serial_format="X0{num:010d}",
    # The developer installer's Digest realm="rokudev" (recog wwwauth) on every path of :80.
    http={
        80: _everywhere(
            "",
            reply(
                401,
                _DENIED,
                ("WWW-Authenticate", 'Digest qop="auth", realm="rokudev", nonce="{uuid}"'),
                HTML,
            ),
        ),
    },
    ssdp_server="Roku/{firmware} UPnP/1.0 Roku/{firmware}",
    # M-SEARCH reply as captured in fHDHR/fHDHR#276 (Server, ST, USN shape, LOCATION :8060/).
    ssdp_st="upnp:rootdevice",
    ssdp_usn="uuid:28000000-0000-1000-8000-{mac_plain}::upnp:rootdevice",
    # The ECP port answers the description at "/" (element values: the lab's choice).
    ssdp_location="http://{ip}:8060/",
    ssdp_description=(
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<root xmlns="urn:schemas-upnp-org:device-1-0">\n'
        "<specVersion><major>1</major><minor>0</minor></specVersion>\n<device>\n"
        "<deviceType>urn:roku-com:device:player:1-0</deviceType>\n"
        "<friendlyName>Roku TV</friendlyName>\n<manufacturer>Roku</manufacturer>\n"
        "<modelName>Roku TV</modelName>\n<modelNumber>{model}</modelNumber>\n"
        "<serialNumber>{serial}</serialNumber>\n<UDN>uuid:{uuid}</UDN>\n</device>\n</root>\n"
    ),
    quirks=("auth-everywhere",),
    weight=1.5,
)

HUE_BRIDGE = _host(
    (HUE_SSDP, gh("kdschlosser/samsungctl/issues/106") + " (IpBridge/1.29.0 reply)", RECOG_TITLES),
    name="philips-hue-bridge",
    brand="Philips",
    manufacturer="Philips",
    ouis=("00:17:88", "ec:b5:fa"),
    models=("BSB002",),
    firmwares=("1.16.0", "1.29.0"),
    serial_format="{mac_upper}",
    # Title "hue personal wireless lighting" (recog html_title).
    http={
        80: _site("", reply(200, html_page("hue personal wireless lighting", ""), HTML)),
    },
    ssdp_server="Linux/3.14.0 UPnP/1.0 IpBridge/{firmware}",
    ssdp_st="upnp:rootdevice",
    ssdp_usn="uuid:2f402f80-da50-11e1-9b23-{mac_plain}::upnp:rootdevice",
    ssdp_location="http://{ip}:80/description.xml",
    ssdp_description=(
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<root xmlns="urn:schemas-upnp-org:device-1-0">\n'
        "<specVersion><major>1</major><minor>0</minor></specVersion>\n"
        "<URLBase>http://{ip}:80/</URLBase>\n<device>\n"
        "<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>\n"
        "<friendlyName>Philips hue ({ip})</friendlyName>\n"
        "<manufacturer>Royal Philips Electronics</manufacturer>\n"
        "<modelName>Philips hue bridge 2015</modelName>\n<modelNumber>{model}</modelNumber>\n"
        "<serialNumber>{mac_plain}</serialNumber>\n"
        "<UDN>uuid:2f402f80-da50-11e1-9b23-{mac_plain}</UDN>\n</device>\n</root>\n"
    ),
    weight=1.5,
)

MINIUPNPD_ROUTER = _host(
    (gh("openwrt/packages/issues/18807") + " (miniupnpd M-SEARCH reply with LF line ends)",),
    name="miniupnpd-router",
    brand="Generic",
    manufacturer="Generic",
    ouis=GENERIC_OUIS,
    models=("SDK 4.3.0.0",),
    firmwares=("MiniUPnPd/1.6",),
    serial_format="M{num:08d}",
    # The router's SSDP SERVER as logged; its web UI answers a login page (lab's choice).
    http={80: _site("", reply(200, html_page("Router Login", '<form id="login"></form>'), HTML))},
    ssdp_server="SDK 4.3.0.0 UPnP/1.1 MiniUPnPd/1.6",
    ssdp_st="urn:schemas-upnp-org:device:InternetGatewayDevice:1",
    ssdp_usn="uuid:{uuid}::urn:schemas-upnp-org:device:InternetGatewayDevice:1",
    ssdp_location="http://{ip}:5000/rootDesc.xml",
    ssdp_description=(
        '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">\n'
        "<specVersion><major>1</major><minor>1</minor></specVersion>\n<device>\n"
        "<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>\n"
        "<friendlyName>Router</friendlyName>\n<manufacturer>MiniUPnP</manufacturer>\n"
        "<modelName>MiniUPnPd</modelName>\n<UDN>uuid:{uuid}</UDN>\n</device>\n</root>\n"
    ),
    quirks=("lf-only",),
    weight=1.5,
)

BARE_BOARD = _host(
    (RFC1945,),
    name="http10-relay-board",
    brand="Generic",
    manufacturer="Generic",
    ouis=("5c:cf:7f", "24:0a:c4"),  # Espressif blocks: Wi-Fi modules of small boards
    models=("ESP-RELAY-4",),
    firmwares=("0.9",),
    serial_format="E{num:08d}",
    http={
        80: _everywhere(
            "",
            reply(200, "<html><body><h1>Relay 1: OFF</h1><a href=/on>ON</a></body></html>"),
        )
    },
    quirks=("http10-bare", "catch-all"),
    weight=1.5,
)

PERSONALITIES: tuple[Personality, ...] = (
    BOA_MODEM,
    GOAHEAD_404,
    LIGHTTPD_404,
    THTTPD_GATEWAY,
    LIGHTTPD_PORTAL,
    SPA_ROUTER,
    GOAHEAD_PDU,
    ZTE_CPE,
    HP_OFFICEJET,
    HP_EMWEB,
    XEROX_MFP,
    READYNAS,
    SONOS,
    ROKU,
    HUE_BRIDGE,
    MINIUPNPD_ROUTER,
    BARE_BOARD,
)
