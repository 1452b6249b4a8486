"""Ordinary hosts of a school or hospital network: none of them is a camera.

Each one carries the signals the research lists as *negative* evidence (``SOURCES``
non-camera SNMP enterprises, OUI caveats, printer/NAS/router/web-server tokens), and
some deliberately share weak strings with camera firmware: ``GoAhead-Webs``/``Webs`` servers
with the stock GoAhead "Document Error" 401 page (the same template Hikvision's
GoAhead-derived firmware uses), a Ubiquiti access point whose OUI block also holds cameras
a Dahua-free UPnP router and TVs answering SSDP (``SOURCES`` notes that
printers and Windows hosts also answer untyped WS-Discovery; lists a DIAL device and a Sony
media renderer as SSDP negatives).

Sources of the strings: ``SOURCES`` (recog, librenms, sansatart);
well-known distribution defaults (nginx's "Welcome to nginx!" page, Apache's Ubuntu "It works"
page, OpenSSH banners, net-snmp's sysObjectID 1.3.6.1.4.1.8072.3.2.10); OUIs from the IEEE
registry as carried by nmap/nmap:nmap-mac-prefixes.  Product strings that no research source
quotes (printer and phone page titles, TV UPnP servers) are the lab's choice and marked so.
"""

from __future__ import annotations

from dataclasses import replace

from camscan_lab.personalities._wire import (
    html_page,
    redirect,
    reply,
    snmp_system,
    unit,
)
from camscan_lab.personalities.base import HttpReply, Personality
from camscan_lab.personalities.cites import NMAP_MACS, SANSATART, librenms, recog

SRC_NEG = (
    "non-camera SNMP enterprises (Brother 2435, Cisco 9, HP 11, NETGEAR 4526, TP-Link 11863, "
    "Microsoft 311; net-snmp 8072.3.2.10) and server tokens/titles (HP HTTP Server, Brother, "
    "Synology DSM/DiskStation, TP-Link Router Webserver, APC Management Card, GoAhead-Webs, "
    "Webs): "
    + ", ".join((recog("http_servers"), recog("html_title"), recog("snmp_sysdescr")))
    + "; "
    + librenms("brother", "synology")
    + "; "
    + SANSATART
)
SRC_OUI = NMAP_MACS
SRC_DEFAULTS = (
    "distribution defaults: nginx 'Welcome to nginx!' page, Apache2 Ubuntu Default Page, "
    "OpenSSH version banners, net-snmp Linux sysDescr; strings not in the research are the "
    "lab's choice"
)
SOURCES = (SRC_NEG, SRC_OUI, SRC_DEFAULTS)
HTML = ("Content-Type", "text/html")
NET_SNMP = "1.3.6.1.4.1.8072.3.2.10"

HP_OUIS = ("3c:d9:2b", "a0:d3:c1", "00:1f:29", "9c:8e:99")
DELL_OUIS = ("f8:bc:12", "18:db:f2", "b8:ca:3a", "d4:81:d7")
BROTHER_OUIS = ("00:80:77", "30:05:5c", "3c:2a:f4", "00:1b:a9")
SYNOLOGY_OUIS = ("00:11:32",)
CISCO_OUIS = ("00:1b:d4", "58:97:1e", "70:10:5c", "f4:cf:e2")
NETGEAR_OUIS = ("a0:40:a0", "9c:3d:cf", "28:c6:8e", "20:e5:2a")
TPLINK_OUIS = ("50:c7:bf", "14:cc:20", "98:da:c4", "c0:4a:00")
YEALINK_OUIS = ("00:15:65", "80:5e:c0")
SAMSUNG_OUIS = ("8c:71:f8", "5c:49:7d", "fc:03:9f")
LG_OUIS = ("a8:23:fe", "c8:08:e9", "10:68:3f")
UBIQUITI_OUIS = ("80:2a:a8", "24:5a:4c", "74:83:c2")


def _ordinary(**fields: object) -> Personality:
    """A not-camera host: device type and the shared citations filled in."""
    return unit(device_type="not_camera", sources=SOURCES, **fields)


def _site(server: str, root: HttpReply, *extra: tuple[str, HttpReply]) -> dict[str, HttpReply]:
    """A web site: ``/``, extra paths, and the server's own 404, all with one Server header."""
    s = (("Server", server),) if server else ()  # "": a device that sends no Server header

    def with_server(r: HttpReply) -> HttpReply:
        return replace(r, headers=(*s, *r.headers))

    paths = {"/": with_server(root)}
    paths.update({path: with_server(r) for path, r in extra})
    paths["*"] = with_server(reply(404, html_page("404 Not Found", "<h1>Not Found</h1>"), HTML))
    return paths


# --- Printers -------------------------------------------------------------------------

HP_PRINTER = _ordinary(
    name="hp-printer",
    brand="HP",
    manufacturer="HP",
    ouis=HP_OUIS,
    models=("LaserJet Pro M404dn", "LaserJet Pro MFP M428fdw", "Color LaserJet Pro M454dw"),
    firmwares=("002_2310A", "20200603", "002.2149A"),
    serial_format="VNB{num:07d}",
    http={
        port: _site(
            # Format of real HP printer Server headers published in scanner outputs and API
            # docs ("HP HTTP Server; HP <model> - <SKU>; Serial Number: ...; Built: ...").
            "HP HTTP Server; HP {model} - W1A53A; Serial Number: {serial}; "
            "Built:Thu Jun 03, 2021 09:40:48AM {{DEBUTP1N001.2123A.00}}",
            reply(200, html_page("HP {model}", '<div id="ews"></div>'), HTML),
            ("/hp/device/DeviceStatus/Index", reply(200, html_page("Device Status"), HTML)),
        )
        for port in (80, 443)
    },
    https_ports=(443,),
    tls_subject="CN=HP{mac_upper},O=HP",
    tcp_silent=(515, 631, 9100),  # LPD, IPP, raw JetDirect: accept and wait for a job
    mdns=(
        ("_ipp._tcp.local", "HP {model} [{mac_upper}]", {"ty": "HP {model}", "rp": "ipp/print"}),
        ("_printer._tcp.local", "HP {model} [{mac_upper}]", {"ty": "HP {model}"}),
    ),
    # sysDescr shape as in nmap's scripts/snmp-sysdescr.nse @output example.
    snmp=snmp_system(
        "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI23700029,"
        "CIDATE 06/03/2021",
        "1.3.6.1.4.1.11.2.3.9.1",
    ),
    weight=4.0,
)

BROTHER_PRINTER = _ordinary(
    name="brother-printer",
    brand="Brother",
    manufacturer="Brother",
    ouis=BROTHER_OUIS,
    models=("MFC-L2750DW", "HL-L2350DW", "MFC-L8900CDW"),
    firmwares=("1.20", "ZC", "1.63"),
    serial_format="E7{num:08d}",
    http={
        80: _site(
            "debut/1.30",  # nmap-service-probes: "Server: Debut/" = Brother printer webadmin
            redirect("/general/status.html"),
            (
                "/general/status.html",
                reply(200, html_page("Brother {model} series", '<div id="status"></div>'), HTML),
            ),
        )
    },
    tcp_silent=(515, 631, 9100),
    mdns=(("_ipp._tcp.local", "Brother {model} series", {"ty": "Brother {model} series"}),),
    snmp=snmp_system(
        "Brother NC-8300w, Firmware Ver.1.20  (18.09.19),MID 8C5-F21,FID 2",
        "1.3.6.1.4.1.2435.2.3.9.1",
    ),
    weight=3.0,
)

# --- Desktops and servers -------------------------------------------------------------

WINDOWS_PC = _ordinary(
    name="windows-pc-dell",
    brand="Dell",
    manufacturer="Dell",
    ouis=DELL_OUIS,
    models=("OptiPlex 7090", "OptiPlex 5000", "Latitude 5420", "Precision 3660"),
    firmwares=("Windows 10 Pro 22H2", "Windows 11 Pro 23H2"),
    serial_format="{num:07X}",
    # No web server: the SMB/RPC/RDP ports accept and wait, as a Windows host does.
    tcp_silent=(135, 139, 445, 3389),
    weight=12.0,
)

WINDOWS_LAPTOP = replace(
    WINDOWS_PC,
    name="windows-pc-hp",
    brand="HP",
    manufacturer="HP",
    ouis=HP_OUIS,
    models=("EliteBook 840 G8", "ProBook 450 G9", "EliteDesk 800 G6"),
    serial_format="5CG{num:07d}",
    tcp_silent=(135, 139, 445),
    weight=8.0,
)

SSH_22 = {22: b"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n"}

LINUX_NGINX = _ordinary(
    name="linux-nginx",
    brand="Dell",
    manufacturer="Dell",
    ouis=DELL_OUIS,
    models=("PowerEdge R640", "PowerEdge R740", "PowerEdge T340"),
    firmwares=("Ubuntu 22.04.4 LTS",),
    serial_format="{num:07X}",
    http={
        port: _site(
            "nginx/1.18.0 (Ubuntu)",
            reply(
                200,
                html_page("Welcome to nginx!", "<h1>Welcome to nginx!</h1>"),
                HTML,
            ),
        )
        for port in (80, 443)
    },
    https_ports=(443,),
    tls_subject="CN={hostname}.school.example,O=School IT",
    tls_issuer="CN=R3,O=Let's Encrypt,C=US",
    tcp_banners=SSH_22,
    snmp=snmp_system("Linux {hostname} 5.15.0-105-generic #115-Ubuntu SMP x86_64", NET_SNMP),
    weight=4.0,
)

LINUX_APACHE = _ordinary(
    name="linux-apache",
    brand="HP",
    manufacturer="HP",
    ouis=HP_OUIS,
    models=("ProLiant DL360 Gen10", "ProLiant ML350 Gen10"),
    firmwares=("Ubuntu 20.04.6 LTS", "Debian 12"),
    serial_format="CZJ{num:07d}",
    http={
        80: _site(
            "Apache/2.4.52 (Ubuntu)",
            reply(
                200,
                html_page("Apache2 Ubuntu Default Page: It works", "<p>It works!</p>"),
                HTML,
            ),
        ),
        8080: _site("Apache-Coyote/1.1", reply(200, html_page("Apache Tomcat"), HTML)),
    },
    tcp_banners={22: b"SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.11\r\n"},
    weight=3.0,
)

IIS_SERVER = replace(
    LINUX_NGINX,
    name="windows-server-iis",
    models=("PowerEdge R650", "PowerEdge R750"),
    firmwares=("Windows Server 2019", "Windows Server 2022"),
    http={
        80: _site(
            "Microsoft-IIS/10.0",
            reply(200, html_page("IIS Windows Server", '<img src="iisstart.png">'), HTML),
        )
    },
    https_ports=(),
    tls_subject="",
    tls_issuer="",
    tcp_banners={},
    tcp_silent=(135, 139, 445, 3389),
    snmp={},
    weight=3.0,
)

# --- NAS ------------------------------------------------------------------------------

SYNOLOGY_NAS = _ordinary(
    name="synology-nas",
    brand="Synology",
    manufacturer="Synology",
    ouis=SYNOLOGY_OUIS,
    models=("DS920+", "DS1821+", "RS1221+", "DS220+"),
    firmwares=("DSM 7.2.1-69057 Update 5", "DSM 7.1.1-42962 Update 6"),
    serial_format="20{num:02d}ABC{num:06d}",
    http={
        5000: _site(
            "nginx",
            reply(
                200,
                html_page("Synology DiskStation - {hostname}", '<div id="sds-login"></div>'),
                HTML,
            ),
        ),
        5001: _site("nginx", reply(200, html_page("Synology DiskStation - {hostname}"), HTML)),
    },
    https_ports=(5001,),
    tls_subject="CN=synology,OU=IT,O=Synology Inc.,L=Taipei,ST=Taiwan,C=TW",
    tcp_silent=(139, 445),
    tcp_banners={22: b"SSH-2.0-OpenSSH_8.2\r\n"},
    ssdp_server="Synology/DSM/{ip}",
    ssdp_description=(
        '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">\n'
        "<specVersion><major>1</major><minor>0</minor></specVersion>\n<device>\n"
        "<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>\n"
        "<friendlyName>{hostname} ({model})</friendlyName>\n"
        "<manufacturer>Synology</manufacturer>\n<modelName>{model}</modelName>\n"
        "<serialNumber>{mac_plain}</serialNumber>\n<UDN>uuid:{uuid}</UDN>\n"
        "<presentationURL>http://{ip}:5000/</presentationURL>\n</device>\n</root>\n"
    ),
    ssdp_location="http://{ip}:5000/ssdp/desc-DSM-eth0.xml",
    mdns=(("_http._tcp.local", "{hostname}", {"vendor": "Synology", "model": "{model}"}),),
    snmp=snmp_system("Linux {hostname} 4.4.302+ #69057 SMP x86_64", NET_SNMP),
    weight=1.5,
)

# --- Network gear ---------------------------------------------------------------------

CISCO_SWITCH = _ordinary(
    name="cisco-switch",
    brand="Cisco",
    manufacturer="Cisco",
    ouis=CISCO_OUIS,
    models=("WS-C2960X-48FPD-L", "C9200L-48P-4G", "WS-C3850-48P"),
    firmwares=("15.2(7)E6", "17.9.4"),
    serial_format="FOC{num:08d}",
    http={
        80: _site(
            "cisco-IOS",
            reply(
                401,
                html_page("401 Unauthorized", "Authorization Required"),
                ("WWW-Authenticate", 'Basic realm="level_15_access"'),
                HTML,
            ),
        )
    },
    tcp_banners={22: b"SSH-2.0-Cisco-1.25\r\n"},
    snmp=snmp_system(
        "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E6, "
        "RELEASE SOFTWARE (fc2)",
        "1.3.6.1.4.1.9.1.1208",
    ),
    weight=2.0,
)

NETGEAR_SWITCH = _ordinary(
    name="netgear-switch",
    brand="Netgear",
    manufacturer="Netgear",
    ouis=NETGEAR_OUIS,
    models=("GS724Tv4", "GS110TP", "GS752TP"),
    firmwares=("6.0.6.3", "7.0.0.20"),
    serial_format="4C1{num:09d}",
    http={
        80: _site("", reply(200, html_page("NETGEAR {model}", '<form id="login"></form>'), HTML))
    },
    snmp=snmp_system("{model} ProSafe Smart Switch", "1.3.6.1.4.1.4526.100.4.10"),
    weight=1.5,
)

UNIFI_AP = _ordinary(
    name="ubiquiti-ap",
    brand="Ubiquiti",
    manufacturer="Ubiquiti",
    ouis=UBIQUITI_OUIS,  # the same registrant as UniFi cameras
    models=("U6-Lite", "U6-Pro", "UAP-AC-PRO", "UAP-AC-LR"),
    firmwares=("6.6.55", "6.5.28"),
    serial_format="{mac_upper}",
    tcp_banners={22: b"SSH-2.0-dropbear_2019.78\r\n"},
    snmp=snmp_system("Linux {hostname} 4.4.153 #1 SMP PREEMPT aarch64", NET_SNMP),
    weight=2.0,
)

UPNP_ROUTER = _ordinary(
    name="tplink-router",
    brand="TP-Link",
    manufacturer="TP-Link",
    ouis=TPLINK_OUIS,
    models=("Archer C7", "Archer AX55", "TL-ER605"),
    firmwares=("3.15.3 Build 180305 Rel.39353n", "1.1.2 Build 20230215"),
    serial_format="22{num:011d}",
    http={
        80: _site(
            "Router Webserver",
            reply(200, html_page("TP-Link", '<div id="login"></div>'), HTML),
        )
    },
    ssdp_server="Linux/2.6.36, UPnP/1.0, Portable SDK for UPnP devices/1.6.19",
    ssdp_st="urn:schemas-upnp-org:device:InternetGatewayDevice:1",
    ssdp_usn="uuid:{uuid}::urn:schemas-upnp-org:device:InternetGatewayDevice:1",
    ssdp_location="http://{ip}:1900/igd.xml",
    ssdp_description=(
        '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">\n'
        "<specVersion><major>1</major><minor>0</minor></specVersion>\n<device>\n"
        "<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>\n"
        "<friendlyName>{model}</friendlyName>\n<manufacturer>TP-Link</manufacturer>\n"
        "<manufacturerURL>http://www.tp-link.com</manufacturerURL>\n"
        "<modelName>{model}</modelName>\n<modelNumber>{firmware_version}</modelNumber>\n"
        "<UDN>uuid:{uuid}</UDN>\n<deviceList><device>\n"
        "<deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>\n"
        "<friendlyName>WANDevice</friendlyName>\n<UDN>uuid:{uuid:.24}000000000001</UDN>\n"
        "</device></deviceList>\n</device>\n</root>\n"
    ),
    weight=0.8,
)

# --- Phones and TVs -------------------------------------------------------------------

VOIP_PHONE = _ordinary(
    name="yealink-phone",
    brand="Yealink",
    manufacturer="Yealink",
    ouis=YEALINK_OUIS,
    models=("SIP-T46U", "SIP-T54W", "SIP-T33G", "SIP-T42U"),
    firmwares=("108.86.0.45", "96.86.0.70"),
    serial_format="80{num:014d}",
    http={
        port: _site(
            "yealink embed httpd",
            reply(200, html_page("Yealink {model} Phone", '<form id="login"></form>'), HTML),
        )
        for port in (80, 443)
    },
    https_ports=(443,),
    tls_subject="CN={mac_upper},O=Yealink",
    weight=4.0,
)


def _tv_description(manufacturer: str) -> str:
    return (
        '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0" '
        'xmlns:dlna="urn:schemas-dlna-org:device-1-0">\n'
        "<specVersion><major>1</major><minor>0</minor></specVersion>\n<device>\n"
        "<deviceType>urn:schemas-upnp-org:device:MediaRenderer:1</deviceType>\n"
        f"<friendlyName>[TV] {manufacturer} {{model}}</friendlyName>\n"
        f"<manufacturer>{manufacturer}</manufacturer>\n<modelName>{{model}}</modelName>\n"
        "<UDN>uuid:{uuid}</UDN>\n</device>\n</root>\n"
    )


SAMSUNG_TV = _ordinary(
    name="samsung-tv",
    brand="Samsung",
    manufacturer="Samsung",
    ouis=SAMSUNG_OUIS,
    models=("UE55AU7100", "QE65Q60B", "UE43TU7000"),
    firmwares=("T-KSU2EDEUC-1560.1",),
    serial_format="0B{num:011d}",
    http={
        8001: _site(
            "",
            reply(200, '{{"name": "[TV] Samsung {model}"}}', ("Content-Type", "application/json")),
        )
    },
    ssdp_server="SHP, UPnP/1.0, Samsung UPnP SDK/1.0",
    ssdp_st="urn:dial-multiscreen-org:service:dial:1",
    ssdp_usn="uuid:{uuid}::urn:dial-multiscreen-org:service:dial:1",
    ssdp_location="http://{ip}:7678/nservice/",
    ssdp_description=_tv_description("Samsung Electronics"),
    weight=1.0,
)

LG_TV = replace(
    SAMSUNG_TV,
    name="lg-tv",
    brand="LG",
    manufacturer="LG",
    ouis=LG_OUIS,
    models=("OLED55C1", "43UN7300", "55NANO766"),
    firmwares=("webOS 6.3.2",),
    http={},
    tcp_silent=(3000, 3001),  # webOS second-screen WebSocket ports: open, silent until spoken to
    ssdp_server="Linux/4.4.84-240.2 UPnP/1.0 LGE WebOS TV/Version 0.9",
    ssdp_st="urn:schemas-upnp-org:device:MediaRenderer:1",
    ssdp_usn="uuid:{uuid}::urn:schemas-upnp-org:device:MediaRenderer:1",
    ssdp_location="http://{ip}:1184/",
    ssdp_description=_tv_description("LG Electronics"),
    weight=0.8,
)

# --- Embedded devices sharing camera-firmware strings ---------------------------------

# Stock GoAhead 401 page: the same "Document Error / Access Error" template that GoAhead-
# derived camera firmware serves (nmap 15656 Tenvis IPCamera-Web).
GOAHEAD_401 = (
    "<html><head><title>Document Error: Unauthorized</title></head>\n"
    "<body><h2>Access Error: 401 -- Unauthorized</h2>\n"
    "<p>Authentication Error</p></body></html>\n"
)

GOAHEAD_DEVICE = _ordinary(
    name="generic-goahead-webs",
    brand="Generic",
    manufacturer="Generic",
    ouis=("00:0e:c6", "00:1c:c2", "00:50:c2"),
    models=("PDU-8P", "ENV-MON-2", "SMS-GW-10"),
    firmwares=("2.1.8", "1.0.42"),
    serial_format="SN{num:010d}",
    http={
        80: _site(
            "GoAhead-Webs",
            reply(
                401,
                GOAHEAD_401,
                (
                    "WWW-Authenticate",
                    'Digest realm="GoAhead", domain=":80", qop="auth", '
                    'nonce="{uuid}", algorithm="MD5", stale="FALSE"',
                ),
                HTML,
            ),
            ("/home.asp", reply(401, GOAHEAD_401, HTML)),
        )
    },
    snmp=snmp_system("Linux {hostname} 2.6.36 #1 armv5tejl", NET_SNMP),
    weight=1.5,
)

WEBS_DEVICE = replace(
    GOAHEAD_DEVICE,
    name="generic-webs",
    models=("KVM-0801", "IPMI-BMC", "UPS-NMC"),
    http={
        80: _site(
            "Webs",
            redirect("/login.asp"),
            ("/login.asp", reply(200, html_page("Login", '<form action="/goform/login">'), HTML)),
        )
    },
    snmp={},
    weight=1.2,
)

APC_CARD = _ordinary(
    name="apc-ups-card",
    brand="APC",
    manufacturer="APC",
    ouis=("00:c0:b7", "28:29:86"),
    models=("AP9630", "AP9640", "AP9641"),
    firmwares=("v6.9.6", "v2.4.0.3"),
    serial_format="ZA{num:010d}",
    http={
        80: _site(
            "",
            reply(
                401,
                html_page("401", "Unauthorized"),
                ("WWW-Authenticate", 'Basic realm="APC Management Card"'),
                HTML,
            ),
        )
    },
    snmp=snmp_system(
        "APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.9.6 PN:apc_hw05_aos_696.bin)",
        "1.3.6.1.4.1.318.1.3.27",
    ),
    weight=0.8,
)

PERSONALITIES: tuple[Personality, ...] = (
    HP_PRINTER,
    BROTHER_PRINTER,
    WINDOWS_PC,
    WINDOWS_LAPTOP,
    LINUX_NGINX,
    LINUX_APACHE,
    IIS_SERVER,
    SYNOLOGY_NAS,
    CISCO_SWITCH,
    NETGEAR_SWITCH,
    UNIFI_AP,
    UPNP_ROUTER,
    VOIP_PHONE,
    SAMSUNG_TV,
    LG_TV,
    GOAHEAD_DEVICE,
    WEBS_DEVICE,
    APC_CARD,
)
