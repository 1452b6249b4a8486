"""Ordinary hosts that look like cameras to a careless scanner (field mix only).

Embedded web servers that camera firmware also uses (Boa, thttpd, lighttpd, GoAhead), a
captive portal and a router SPA answering every path with the same page, a CPE and a PDU
answering 401 on every path, printers, a NAS with UPnP, a smart TV, a speaker and an IoT
gateway answering SSDP, and a board that sends HTTP/1.0 without any header.  None is a
camera; a scanner that names a camera maker for one of them is wrong.

Server tokens, realms and titles are real values as Rapid7 Recog keeps them from real
replies (each ``<example>`` of the files cited, at
rapid7/recog@14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5); the Hue bridge's SSDP SERVER is the
reply recorded in ioBroker/ioBroker.discovery:lib/adapters/hue.js (``HUE_SSDP`` below).
Page bodies around those values, paths other than ``/`` and the catch-all behaviour of a
given product are the lab's choice (marked).  OUIs: IEEE registrants as nmap/nmap:nmap-mac-
prefixes carries them.
"""

from __future__ import annotations

from dataclasses import replace

from camscan.lab.personalities import ordinary
from camscan.lab.personalities._wire import html_page, reply, snmp_system, unit
from camscan.lab.personalities.base import HttpReply, Personality

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

BOA_MODEM = _host(
    (RECOG_SERVERS, RECOG_AUTH),
    name="boa-adsl-router",
    brand="Generic",
    manufacturer="Generic",
    ouis=GENERIC_OUIS,
    models=("ADSL2+ Router", "DSL-R104"),
    firmwares=("1.0.3", "2.1.1"),
    serial_format="R{num:010d}",
    # Boa/0.94.14rc21 (recog http_servers); Basic realm="ADSL Modem/Router" (recog wwwauth).
    http={80: _everywhere("Boa/0.94.14rc21", reply(401, _DENIED, _basic("ADSL Modem/Router")))},
    quirks=("auth-everywhere",),
    weight=3.0,
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

HP_EMWEB = _host(
    (RECOG_SERVERS,),
    name="hp-laserjet-emweb",
    brand="HP",
    manufacturer="HP",
    ouis=ordinary.HP_OUIS,
    models=("LaserJet 4250", "LaserJet P3005"),
    firmwares=("20090814 08.091.3",),
    serial_format="CNB{num:07d}",
    # Virata-EmWeb/R6_2_1 (recog http_servers); the body is the lab's.
    http={
        80: _site(
            "Virata-EmWeb/R6_2_1",
            reply(200, html_page("hp LaserJet {model}", '<frameset rows="*"></frameset>'), HTML),
        )
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
    (RECOG_AUTH,),
    name="roku-tv",
    brand="Roku",
    manufacturer="Roku",
    ouis=("b0:a7:37", "d8:31:34", "08:05:81"),
    models=("3930X", "4670X"),
    firmwares=("11.5.0",),
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
    tcp_silent=(8060,),
    ssdp_server="Roku/{firmware} UPnP/1.0 Roku/{firmware}",
    ssdp_st="roku:ecp",
    ssdp_usn="uuid:roku:ecp:{serial}",
    ssdp_location="http://{ip}:8060/",
    quirks=("auth-everywhere",),
    weight=1.5,
)

HUE_BRIDGE = _host(
    (HUE_SSDP, RECOG_TITLES),
    name="philips-hue-bridge",
    brand="Philips",
    manufacturer="Philips",
    ouis=("00:17:88", "ec:b5:fa"),
    models=("BSB002",),
    firmwares=("1.16.0",),
    serial_format="{mac_upper}",
    # Title "hue personal wireless lighting" (recog html_title).
    http={
        80: _site("", reply(200, html_page("hue personal wireless lighting", ""), HTML)),
    },
    ssdp_server="Linux/3.14.0 UPnP/1.0 IpBridge/{firmware}",
    ssdp_st="urn:schemas-upnp-org:device:basic:1",
    ssdp_usn="uuid:2f402f80-da50-11e1-9b23-{mac_plain}::urn:schemas-upnp-org:device:basic:1",
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
    BARE_BOARD,
)
