"""Hikvision-made units sold under other brands (manufacturer "Hikvision", brand = the OEM).

What changes with the label and what does not, per the research:

* kept from the parent firmware: ``*-Webs``/``App-webs/``/``webserver`` server tokens, ISAPI
  and ``/doc/page/login.asp`` paths, RTSP realm formats and ``/Streaming/Channels`` layout,
  SADP, TCP 8000, the Hikvision ONVIF stack shape (MAC in the EPR, ``type/video_encoder``,
  ``MAC/`` scope), and most often a Hikvision OUI (;
  ``SOURCES``);
* changed: the login page title and logo, the ONVIF ``Manufacturer`` and ``name/`` scope, the
  model numbers, SADP ``DetailOEMCode``/``OEMInfo`` (Sadp.h comments quoted in
  ``SOURCES``: an OEM code other than 0/1 marks an OEM build).

Brand relationships: Annke (HA Hikvision docs, hikvision_next #45/#195, PR 16165), LTS
(CamioCam/rtsp#224: Hikvision OEM, OUI 14:2F:FD registered to LT Security), HiLook
(node-red-contrib-hikvision#18), HiWatch (centreon-plugins#4734, hikvision_next#328),
Interlogix TruVision (``Interlogix-Webs`` nmap 10456, ``DNVRS-Webs`` sansatart CSV).
Gap stated by the research: no captured SADP reply or login page
of a white-label unit, so the brand-shown strings below (titles, logo paths, ONVIF
manufacturer casing) are the lab's choice, not captures.
"""

from __future__ import annotations

from camscan_lab.personalities.base import Personality
from camscan_lab.personalities.cites import SANSATART, gh, nmap_probes
from camscan_lab.personalities.hikvision import (
    CAMERA_OUIS,
    HIK_SERIAL,
    HIK_SERIAL_CN,
    RECORDER_OUIS,
    RECORDER_TLS,
    SOURCES,
    hik_unit,
    http_app_webs,
    http_recorder,
    http_webs_new,
    onvif_hik,
    rtsp_hik,
    sadp_reply,
    snmp_camera,
    snmp_recorder,
)

OEM_SOURCES = (
    *SOURCES,
    "home-assistant/home-assistant.io:source/_integrations/hikvision.markdown (Annke)",
    gh("maciej-or/hikvision_next/issues/45"),
    gh("maciej-or/hikvision_next/issues/195"),
    gh("home-assistant/home-assistant.io/pull/16165"),
    gh("CamioCam/rtsp/issues/224") + " (LTS: Hikvision OEM, OUI 14:2F:FD)",
    gh("henry-spanka/node-red-contrib-hikvision/issues/18") + " (HiLook)",
    gh("centreon/centreon-plugins/issues/4734") + " (HiWatch)",
    gh("maciej-or/hikvision_next/issues/328"),
    nmap_probes("10282-10283, 10456 (Interlogix-Webs)"),
    SANSATART,
)

# LT Security's own block (nmap-mac-prefixes) next to Hikvision blocks its units also carry.
LTS_OUIS = ("14:2f:fd", *CAMERA_OUIS[:6])

ANNKE_IPC = hik_unit(
    name="annke-ipc",
    brand="Annke",
    device_type="camera",
    ouis=CAMERA_OUIS,
    models=("I91BM", "C800", "NC800", "I91DW", "C500"),
    firmwares=("V5.5.800 build 210628", "V5.7.3 build 220112"),
    serial_format="{model}{date}AAWR{num:09d}",
    sources=OEM_SOURCES,
    http={80: http_webs_new(title="ANNKE", logo="../images/common/annke_logo.png")},
    rtsp=rtsp_hik("{mac_plain}"),
    onvif=onvif_hik("ANNKE%20{model}", "ANNKE", city="shenzhen"),
    sadp=sadp_reply(141945, "V7.3 build 190626", oem_code="20501", oem_info="ANNKE"),
    weight=2.0,
)

ANNKE_NVR = hik_unit(
    name="annke-nvr",
    brand="Annke",
    device_type="nvr",
    ouis=RECORDER_OUIS,
    models=("N46PCK", "N48PAW", "N88PCH"),
    firmwares=("V4.30.216 build 210106", "V4.61.010 build 221021"),
    serial_format=HIK_SERIAL,
    sources=OEM_SOURCES,
    http={80: http_recorder("DNVRS-Webs", title="ANNKE NVR")},
    rtsp=rtsp_hik("{mac_plain}"),
    onvif=onvif_hik("ANNKE%20{model}", "ANNKE", city="shenzhen"),
    sadp=sadp_reply(
        139991, "V5.0, build 210106", digital=8, disks=1, oem_code="20501", oem_info="ANNKE"
    ),
    weight=1.0,
)

LTS_IPC = hik_unit(
    name="lts-ipc",
    brand="LTS",
    device_type="camera",
    ouis=LTS_OUIS,
    models=("CMIP7442W-28M", "CMIP3042-28", "CMIP9342W-28MM", "PTZIP724X25IR"),
    firmwares=("V5.5.0 build 170725", "V5.5.82 build 190909"),
    serial_format="{model}{date}AAWR{num:09d}",
    sources=OEM_SOURCES,
    http={80: http_app_webs(title="LTS Platinum", logo="../images/common/lts_logo.png")},
    rtsp=rtsp_hik("IP Camera(L4906)"),
    onvif=onvif_hik("LTS%20{model}", "LTS", city=""),
    sadp=sadp_reply(140071, "V7.3 build 170615", oem_code="11001", oem_info="LTS"),
    weight=1.5,
)

LTS_NVR = hik_unit(
    name="lts-nvr",
    brand="LTS",
    device_type="nvr",
    ouis=LTS_OUIS,
    models=("LTN8708K-P8", "LTN8716K-P16", "LTN0604-P4"),
    firmwares=("V4.22.005 build 191218", "V4.30.085 build 200916"),
    serial_format=HIK_SERIAL,
    sources=OEM_SOURCES,
    http={
        80: http_recorder("DNVRS-Webs", title="LTS NVR"),
        443: http_recorder("DNVRS-Webs", title="LTS NVR"),
    },
    https_ports=(443,),
    tls_subject=RECORDER_TLS,  # OEMs rarely change the certificate
    rtsp=rtsp_hik("{mac_plain}"),
    onvif=onvif_hik("LTS%20{model}", "LTS", city=""),
    sadp=sadp_reply(
        139991, "V5.0, build 191213", digital=8, disks=1, oem_code="11001", oem_info="LTS"
    ),
    snmp=snmp_recorder(),
    weight=0.8,
)

HILOOK_IPC = hik_unit(
    name="hilook-ipc",
    brand="HiLook",
    device_type="camera",
    ouis=CAMERA_OUIS,
    # HiLook's IPC-B* models collide with Dahua's IPC- prefix:
    # only the firmware-family signals can decide.
    models=("IPC-B140H-M", "IPC-T240H", "IPC-B121H-M", "IPC-D140H"),
    firmwares=("V5.5.101 build 200904", "V5.7.3 build 220112"),
    serial_format="{model}{date}AAWR{num:09d}",
    sources=OEM_SOURCES,
    http={80: http_webs_new(title="HiLook", logo="../images/common/hilook_logo.png")},
    rtsp=rtsp_hik("{mac_plain}"),
    onvif=onvif_hik("HiLook%20{model}", "HiLook"),
    sadp=sadp_reply(141945, "V7.3 build 190626", oem_code="30101", oem_info="HiLook"),
    snmp=snmp_camera(),
    weight=1.5,
)

HIWATCH_IPC = hik_unit(
    name="hiwatch-ipc",
    brand="HiWatch",
    device_type="camera",
    ouis=CAMERA_OUIS,
    models=("DS-I114W", "DS-I200(D)", "DS-I450M", "DS-I203(D)"),
    firmwares=("V5.5.800 build 210628", "V5.6.5 build 200316"),
    serial_format=HIK_SERIAL_CN,
    sources=OEM_SOURCES,
    http={80: http_webs_new(title="HiWatch", logo="../images/common/hiwatch_logo.png")},
    rtsp=rtsp_hik("{mac_plain}"),
    onvif=onvif_hik("HiWatch%20{model}", "HiWatch"),
    sadp=sadp_reply(141945, "V7.3 build 190626", oem_code="30201", oem_info="HiWatch"),
    weight=1.2,
)

HIWATCH_NVR = hik_unit(
    name="hiwatch-nvr",
    brand="HiWatch",
    device_type="nvr",
    ouis=RECORDER_OUIS,
    models=("DS-N204(C)", "DS-N208P(C)", "HWN-2108MH-8P"),
    firmwares=("V4.30.085 build 200916",),
    serial_format=HIK_SERIAL_CN,
    sources=OEM_SOURCES,
    http={80: http_recorder("DNVRS-Webs", title="HiWatch NVR")},
    rtsp=rtsp_hik("{mac_plain}"),
    onvif=onvif_hik("HiWatch%20{model}", "HiWatch"),
    sadp=sadp_reply(
        139991, "V5.0, build 191213", digital=4, disks=1, oem_code="30201", oem_info="HiWatch"
    ),
    snmp=snmp_recorder(),
    weight=0.6,
)

TRUVISION_DVR = hik_unit(
    name="truvision-dvr",
    brand="Interlogix",
    device_type="dvr",
    ouis=RECORDER_OUIS,
    models=("TVR-4408-1T", "TVR-1504HD-1T", "TVN-2208-2T"),
    firmwares=("V3.4.6 build 170509", "V3.5.20 build 180911"),
    serial_format="{model}{date}CCWR{num:09d}",
    sources=OEM_SOURCES,
    http={80: http_recorder("Interlogix-Webs", title="TruVision")},
    rtsp=rtsp_hik("Hikvision", basic_realm="/"),
    onvif=onvif_hik("Interlogix%20{model}", "Interlogix", city=""),
    sadp=sadp_reply(
        44322,
        "V5.0, build 170509",
        analog=4,
        digital=4,
        disks=1,
        oem_code="40101",
        oem_info="Interlogix",
    ),
    snmp=snmp_recorder(entity_type=1),
    weight=0.5,
)

# EZVIZ, Hikvision's consumer brand (``SOURCES``: strong, ownership + firmware):
# Ezviz-registered OUIs, SADP reply with the EZVIZ serial shape (``01`` before the date) and
# ``OEMInfo`` N/A as captured for a CS-C6TC; no local web UI.
EZVIZ_IPC = hik_unit(
    name="ezviz-ipc",
    brand="EZVIZ",
    device_type="camera",
    sources=OEM_SOURCES,
    ouis=("0c:a6:4c", "20:bb:bc", "34:c6:dd", "54:d6:0d", "64:f2:fb", "ac:1c:26"),
    models=("CS-C6TC-32WFR", "CS-C3N-A0-3H2WFRL", "CS-C6N-A0-1C2WFR", "CS-H8c-R100-1K3WKFL"),
    firmwares=("V5.2.4 build 190401", "V5.3.0 build 220802"),
    serial_format="{model}01{date}CCCH{num:09d}",
    rtsp=rtsp_hik("{mac_plain}"),
    sadp=sadp_reply(140063, "V7.3 build 190305"),
    weight=0.5,
)

PERSONALITIES: tuple[Personality, ...] = (
    EZVIZ_IPC,
    ANNKE_IPC,
    ANNKE_NVR,
    LTS_IPC,
    LTS_NVR,
    HILOOK_IPC,
    HIWATCH_IPC,
    HIWATCH_NVR,
    TRUVISION_DVR,
)
