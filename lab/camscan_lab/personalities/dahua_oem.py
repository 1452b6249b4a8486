"""Dahua-made units sold under other brands (manufacturer "Dahua", brand = the label).

Kept from the parent firmware:
the header layout without ``Server``, ``/RPC2_Login`` and ``/cgi-bin/magicBox.cgi``, the
``Login to <serial>`` realm (with the OEM's serial prefix: ``AMC`` Amcrest, ``ND`` Lorex), RTSP
servers, DHIP on 37810, TCP 37777, the Dahua ONVIF stack shape and often a Dahua OUI.
Changed: title, DHIP ``Vendor``/``Manufacturer`` (``Private`` on unbranded firmware, ``EZIP``
on EZ-IP), ONVIF ``name/`` scope and manufacturer, model numbers, the OEM code inside the
version string (``00AC000`` Amcrest, ``15OG003`` EmpireTech), SSDP ``Private Upnp SDK``.

Brand relationships: Lorex (Dahua subsidiary 2018-2022; ND serials, nmap 14883), Amcrest
(rroller/dahua README, python-amcrest, CVE-2020-5735; own OUIs), EmpireTech (rroller/dahua
README, crumbvms#182), EZ-IP (mcw0/Tools#8), CP Plus (nmap 10157 title, ONVIF ``name/CPPLUS``
scopes in ``SOURCES``).  Titles and ONVIF manufacturer casing other than
those cited are the lab's choice: the research holds no captured OEM login page.
"""

from __future__ import annotations

from camscan_lab.personalities.base import Personality
from camscan_lab.personalities.cites import NMAP_MACS, gh, nmap_probes
from camscan_lab.personalities.dahua import (
    DAHUA_OUIS,
    SOURCES,
    SSDP_LOCATION,
    SSDP_PRIVATE,
    SSDP_USN,
    TLS_ISSUER_NVR,
    TLS_SUBJECT,
    dahua_unit,
    dhip_reply,
    http_dahua,
    onvif_dahua,
    rtsp_dahua,
    rtsp_dahua_old,
    snmp_nvr,
    ssdp_description,
)

OEM_SOURCES = (
    *SOURCES,
    "rroller/dahua:README.md (Lorex, Amcrest, EmpireTech units on Dahua firmware)",
    nmap_probes("10157 (CP Plus DVR), 14883 (Lorex ND serials)"),
    "tchellomello/python-amcrest:README.rst",
    "CVEProject/cvelistV5:cves/2020/5xxx/CVE-2020-5735.json (Amcrest = Dahua firmware)",
    gh("badbread/crumbvms/issues/182") + " (EmpireTech)",
    gh("mcw0/Tools/issues/8") + " (EZ-IP)",
    gh("BotoX/Dahua-Firmware-Mod-Kit/issues/21"),
    NMAP_MACS,
)

# Amcrest Technologies blocks plus Dahua blocks its units also carry (CamioCam paths.csv).
AMCREST_OUIS = ("9c:8e:cd", "a0:60:32", "00:65:1e", "3c:ef:8c", "e0:50:8b")
# Lorex Technology block plus Dahua blocks (Dahua-era Lorex).
LOREX_OUIS = ("00:1f:54", "9c:14:63", "b4:4c:3b", "38:af:29")

LOREX_IPC = dahua_unit(
    name="lorex-ipc",
    brand="Lorex",
    device_type="camera",
    sources=OEM_SOURCES,
    ouis=LOREX_OUIS,
    models=("E891AB", "LNB8005-C", "LNE8964AB", "LNB4321B", "E893DD"),
    firmwares=(
        "2.800.0000000.8.R, Build Date: 2021-02-24",
        "2.622.0000000.31.R, Build Date: 2019-07-12",
    ),
    serial_format="ND01{num:010d}",
    http={80: http_dahua(title="LOREX")},
    rtsp=rtsp_dahua(),
    onvif=onvif_dahua("LOREX", "Lorex", country="canada"),
    dahua_discovery=dhip_reply("IPC", vendor="Lorex", manufacturer="Lorex"),
    ssdp_server=SSDP_PRIVATE,
    ssdp_description=ssdp_description("Lorex"),
    ssdp_location=SSDP_LOCATION,
    ssdp_usn=SSDP_USN,
    weight=2.0,
)

LOREX_NVR = dahua_unit(
    name="lorex-nvr",
    brand="Lorex",
    device_type="nvr",
    sources=OEM_SOURCES,
    ouis=LOREX_OUIS,
    models=("NR900", "LNK7108A", "N841A81", "NR9320N"),
    firmwares=("4.000.0000000.5.R, Build Date: 2020-04-21",),
    serial_format="ND01{num:010d}",
    http={80: http_dahua(title="LOREX")},
    rtsp=rtsp_dahua(),
    onvif=onvif_dahua("LOREX", "Lorex", country="canada"),
    dahua_discovery=dhip_reply(
        "NVR", vendor="Lorex", manufacturer="Lorex", video_in=0, remote_in=8
    ),
    snmp=snmp_nvr(),
    weight=1.0,
)

AMCREST_IPC = dahua_unit(
    name="amcrest-ipc",
    brand="Amcrest",
    device_type="camera",
    sources=OEM_SOURCES,
    ouis=AMCREST_OUIS,
    models=("IP2M-841", "IP3M-941", "IP5M-1190EW", "IP8M-2496EB", "IP4M-1041B"),
    firmwares=(
        "2.800.00AC000.0.R, Build Date: 2020-03-30",
        "2.623.00AC004.0.R, Build Date: 2020-03-16",
    ),
    serial_format="AMC00{num:08X}EQ6DV",
    http={80: http_dahua(title="Amcrest"), 443: http_dahua(title="Amcrest")},
    https_ports=(443,),
    tls_subject=TLS_SUBJECT,
    tls_issuer=TLS_ISSUER_NVR,
    rtsp=rtsp_dahua(),
    onvif=onvif_dahua("Amcrest", "Amcrest", country="usa"),
    dahua_discovery=dhip_reply("IPC", vendor="Amcrest", manufacturer="Amcrest"),
    ssdp_server=SSDP_PRIVATE,
    ssdp_description=ssdp_description("Amcrest"),
    ssdp_location=SSDP_LOCATION,
    # home-assistant/core#46822 logged an Amcrest unit with USN uuid:device_3_0-AMC...
    ssdp_usn="uuid:device_3_0-{serial}::upnp:rootdevice",
    weight=2.0,
)

EMPIRETECH_IPC = dahua_unit(
    name="empiretech-ipc",
    brand="EmpireTech",
    device_type="camera",
    sources=OEM_SOURCES,
    ouis=DAHUA_OUIS,
    models=("IPC-Color4M-TZ", "PTZ3E10X-T180", "IPC-B54IR-ASE-2.8MM-S3", "IPC-T54IR-AS-S3"),
    firmwares=("3.142.15OG003.0.R, Build Date: 2023-03-09",),
    serial_format="8H0{num:08X}PAZ1",
    http={80: http_dahua(title="WEB SERVICE")},
    rtsp=rtsp_dahua(),
    onvif=onvif_dahua("EmpireTech", "EmpireTech", country="usa"),
    # Unbranded Dahua firmware reports "Private".
    dahua_discovery=dhip_reply("IPC", vendor="Private", manufacturer="Private"),
    weight=1.2,
)

EZIP_IPC = dahua_unit(
    name="ezip-ipc",
    brand="EZ-IP",
    device_type="camera",
    sources=OEM_SOURCES,
    ouis=DAHUA_OUIS,
    models=("IPC-D2B20-ZS", "IPC-B2B20-ZS", "IPC-T1B20"),
    firmwares=(
        "2.622.0000000.10.R, Build Date: 2019-11-22",
        "2.680.0000000.2.R, Build Date: 2020-08-11",
    ),
    serial_format="4G0{num:08X}PAW5",
    http={80: http_dahua(title="WEB SERVICE")},
    rtsp=rtsp_dahua(),
    onvif=onvif_dahua("EZIP", "EZIP"),
    dahua_discovery=dhip_reply("IPC", vendor="EZIP", manufacturer="EZIP"),
    weight=0.8,
)

CPPLUS_DVR = dahua_unit(
    name="cpplus-dvr",
    brand="CP Plus",
    device_type="dvr",
    sources=OEM_SOURCES,
    ouis=DAHUA_OUIS,
    models=("CP-UVR-0401E1-CS", "CP-UVR-0801E1-IC2", "CP-UVR-1601E1-HC"),
    firmwares=("3.200.0001000.6.R, Build Date: 2019-02-15",),
    serial_format="5A0{num:08X}PAF3",
    # nmap 10157 "CP Plus DVR http interface" title (with the en dash).
    http={80: http_dahua(title="CPPLUS DVR \u2013Web View", basic_cgi=True)},
    rtsp=rtsp_dahua_old(),
    onvif=onvif_dahua("CPPLUS", "CP PLUS", country="India"),
    dahua_discovery=dhip_reply("XVR", vendor="CPPLUS", manufacturer="CPPLUS", video_in=4),
    weight=0.8,
)

PERSONALITIES: tuple[Personality, ...] = (
    LOREX_IPC,
    LOREX_NVR,
    AMCREST_IPC,
    EMPIRETECH_IPC,
    EZIP_IPC,
    CPPLUS_DVR,
)
