"""Cameras that replay replies captured from real units, byte for byte (field mix only).

Each template below is a public capture with only the unit's identity put back as
placeholders (its address, MAC, serial, the inquiry's Uuid, the probe's MessageID), so the
lab sends what that camera sent, typos included: Hikvision's SADP says ``flase`` twice, its
elements are tab-indented, the order of the last elements differs from the lab's own
template (``SDKOverTLSPort`` before ``SDKServerStatus``) and it carries no ``OEMInfo``; the
Dahua DHIP reply names its maker ``Private`` with ``Find":"BC"`` and ``FindVersion":1``.

* Hikvision DS-2CD2385G1-I, firmware V5.6.2 build 190701: SADP ProbeMatch and WS-Discovery
  ProbeMatch (Body as captured; the Header is the stack's, as the family module writes it)
  from the Haicam test file cited in ``HAICAM`` below (the IPv6 link-local XAddr of the
  capture is left out: it is derived from the captured unit's MAC, not this host's);
* Dahua IPC-HDW1431T1-S4, firmware 2.800.0000000.13.R: DHIP ``client.notifyDevInfo`` from
  the same file.

* Amcrest (Dahua firmware) RTSP 401 ``Digest realm="Login to <serial>"`` without a Server
  header, from the ngrep capture in https://github.com/Motion-Project/motion/issues/121;
* Hikvision camera with RTSP authentication off: the DESCRIBE reply and SDP of "HIK Media
  Server V5.03.010" from https://github.com/bluenviron/mediacommon/issues/144;
* Dahua NVR SNMP system group (sysDescr ``NVR``, sysName ``(none)``) from
  https://github.com/librenms/librenms/issues/8126.

The other services are the family's (hikvision.IPC_V5_NEW, dahua.IPC, ...), with their
citations.
"""

from __future__ import annotations

from dataclasses import replace

from camscan_lab.personalities import dahua, dahua_oem, hikvision
from camscan_lab.personalities._wire import SYS_DESCR, SYS_NAME
from camscan_lab.personalities.base import Personality, RtspService
from camscan_lab.personalities.cites import gh

HAICAM = (
    "Haicam/Haicam:golang/libs/onvif/haicam_test/discoverytest.go"
    "@e7c5c1875eb133c6b3baaa4247e7e1bb26a4140a (captured SADP, WS-Discovery and DHIP replies)"
)

HIK_SADP = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<ProbeMatch>\n'
    "\t<Uuid>{uuid_req}</Uuid>\n\t<Types>inquiry</Types>\n\t<DeviceType>141945</DeviceType>\n"
    "\t<DeviceDescription>{model}</DeviceDescription>\n\t<DeviceSN>{serial}</DeviceSN>\n"
    "\t<CommandPort>8000</CommandPort>\n\t<HttpPort>80</HttpPort>\n\t<MAC>{mac_dash}</MAC>\n"
    "\t<IPv4Address>{ip}</IPv4Address>\n\t<IPv4SubnetMask>255.255.255.0</IPv4SubnetMask>\n"
    "\t<IPv4Gateway>0.0.0.0</IPv4Gateway>\n\t<IPv6Address>::</IPv6Address>\n"
    "\t<IPv6Gateway>::</IPv6Gateway>\n\t<IPv6MaskLen>64</IPv6MaskLen>\n\t<DHCP>true</DHCP>\n"
    "\t<AnalogChannelNum>0</AnalogChannelNum>\n\t<DigitalChannelNum>1</DigitalChannelNum>\n"
    "\t<SoftwareVersion>{firmware_version}{firmware_build}</SoftwareVersion>\n"
    "\t<DSPVersion>V7.3 build 190626</DSPVersion>\n\t<BootTime>{boot_time}</BootTime>\n"
    "\t<Encrypt>true</Encrypt>\n\t<ResetAbility>false</ResetAbility>\n"
    "\t<DiskNumber>0</DiskNumber>\n\t<Activated>true</Activated>\n"
    "\t<PasswordResetAbility>true</PasswordResetAbility>\n"
    "\t<PasswordResetModeSecond>true</PasswordResetModeSecond>\n"
    "\t<DetailOEMCode>1</DetailOEMCode>\n\t<SupportSecurityQuestion>true</SupportSecurityQuestion>\n"
    "\t<SupportHCPlatform>true</SupportHCPlatform>\n\t<HCPlatformEnable>flase</HCPlatformEnable>\n"
    "\t<IsModifyVerificationCode>true</IsModifyVerificationCode>\n"
    "\t<Salt>d8eebc414effc857bed4c3cc203c8b4413f60b00a9f4acc410084358d5fd3f91</Salt>\n"
    "\t<DeviceLock>flase</DeviceLock>\n\t<SDKOverTLSPort>8443</SDKOverTLSPort>\n"
    "\t<SDKServerStatus>true</SDKServerStatus>\n"
    "\t<SDKOverTLSServerStatus>true</SDKOverTLSServerStatus>\n"
    "\t<SupportMailBox>true</SupportMailBox>\n</ProbeMatch>"
)

HIK_PROBE_MATCH = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
    'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
    'xmlns:tds="http://www.onvif.org/ver10/device/wsdl">'
    "<env:Header>"
    "<wsadis:MessageID>urn:uuid:{uuid:.8}-1dd1-11b2-80a2-{mac_plain}</wsadis:MessageID>"
    "<wsadis:RelatesTo>{message_id}</wsadis:RelatesTo>"
    "<wsadis:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsadis:To>"
    "<wsadis:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches"
    "</wsadis:Action></env:Header><env:Body>\n"
    "\t\t\t<d:ProbeMatches>\n\t\t\t\t<d:ProbeMatch>\n\t\t\t\t\t<wsadis:EndpointReference>\n"
    "\t\t\t\t\t\t<wsadis:Address>urn:uuid:{uuid:.8}-1dd1-11b2-80a1-{mac_plain}</wsadis:Address>\n"
    "\t\t\t\t\t</wsadis:EndpointReference>\n"
    "\t\t\t\t\t<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>\n"
    "\t\t\t\t\t<d:Scopes>onvif://www.onvif.org/type/video_encoder "
    "onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/Profile/G "
    "onvif://www.onvif.org/Profile/T onvif://www.onvif.org/MAC/{mac} "
    "onvif://www.onvif.org/hardware/{model} onvif://www.onvif.org/name/HIKVISION%20{model} "
    "onvif://www.onvif.org/location/city/hangzhou</d:Scopes>\n"
    "\t\t\t\t\t<d:XAddrs>http://{ip}/onvif/device_service</d:XAddrs>\n"
    "\t\t\t\t\t<d:MetadataVersion>10</d:MetadataVersion>\n"
    "\t\t\t\t</d:ProbeMatch>\n\t\t\t</d:ProbeMatches>\n\t\t</env:Body></env:Envelope>"
)

DAHUA_DHIP = (
    '{{"mac":"{mac}","method":"client.notifyDevInfo","params":{{"deviceInfo":{{'
    '"AlarmInputChannels":0,"AlarmOutputChannels":0,"DeviceClass":"IPC","DeviceID":"",'
    '"DeviceType":"{model}","Find":"BC","FindVersion":1,"HttpPort":80,"IPv4Address":{{'
    '"DefaultGateway":"0.0.0.0","DhcpEnable":true,"IPAddress":"{ip}",'
    '"SubnetMask":"255.255.255.0"}},"IPv6Address":{{"DefaultGateway":null,"DhcpEnable":false,'
    '"IPAddress":"\\/0","LinkLocalAddress":""}},"Init":2714,"MachineName":"{serial}",'
    '"Manufacturer":"Private","Port":37777,"RemoteVideoInputChannels":0,"SerialNo":"{serial}",'
    '"UnLoginFuncMask":1,"Vendor":"Private","Version":"{firmware_version}",'
    '"VideoInputChannels":1,"VideoOutputChannels":0}}}}}}'
)

_HIK = hikvision.IPC_V5_NEW
assert _HIK.onvif is not None

HIKVISION_DS_2CD2385G1 = replace(
    _HIK,
    name="hikvision-ds-2cd2385g1-replay",
    models=("DS-2CD2385G1-I",),
    firmwares=("V5.6.2 build 190701",),
    sources=(HAICAM, *_HIK.sources),
    sadp=HIK_SADP,
    onvif=replace(_HIK.onvif, probe_match=HIK_PROBE_MATCH),
    field=True,
    weight=3.0,
)

DAHUA_IPC_HDW1431T1 = replace(
    dahua.IPC,
    name="dahua-ipc-hdw1431t1-replay",
    models=("IPC-HDW1431T1-S4",),
    firmwares=("2.800.0000000.13.R",),  # the capture gives no build date
    serial_format="6C0{num:07X}PAG",
    sources=(HAICAM, *dahua.IPC.sources),
    dahua_discovery=DAHUA_DHIP,
    field=True,
    weight=3.0,
)

_AMCREST = dahua_oem.AMCREST_IPC
assert _AMCREST.rtsp is not None
AMCREST_RTSP = replace(
    _AMCREST,
    name="amcrest-ipc-rtsp-replay",
    sources=(gh("Motion-Project/motion/issues/121") + " (RTSP 401 capture)", *_AMCREST.sources),
    rtsp=replace(
        _AMCREST.rtsp,
        describe="RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq}\r\n"
        'WWW-Authenticate: Digest realm="Login to {serial}", '
        'nonce="{mac_plain}{mac_plain}{uuid:.8}"\r\n\r\n',
    ),
    field=True,
    weight=2.0,
)

_HIK_SDP = (
    "v=0\r\no=- 1109162014219182 0 IN IP4 0.0.0.0\r\ns=HIK Media Server V5.03.010\r\n"
    "i=HIK Media Server Session Description : standard\r\ne=NONE\r\nc=IN IP4 0.0.0.0\r\n"
    "b=AS:2080\r\nt=0 0\r\na=control:*\r\na=range:npt=now-\r\nm=video 0 RTP/AVP 96\r\n"
    "i=Video Media\r\nb=AS:2048\r\na=recvonly\r\na=control:trackID=video\r\n"
    "a=rtpmap:96 H264/90000\r\na=fmtp:96 profile-level-id=4D0014;packetization-mode=0\r\n"
    "m=audio 0 RTP/AVP 104\r\ni=Audio Media\r\nb=AS:32\r\na=recvonly\r\n"
    "a=control:trackID=audio\r\na=rtpmap:104 MPEG4-GENERIC/16000\r\n"
    "a=fmtp:97 streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;"
    "indexdeltalength=3;config=1408\r\n"
    "a=Media_header:MEDIAINFO=494D4B48020100000400000101200210401F000000000000000000000000"
    "00000000000000000000;\r\na=appversion:1.0\r\n"
)
_HIK_OPEN = hikvision.IPC_RTSP_OPEN
assert _HIK_OPEN.rtsp is not None
HIKVISION_RTSP_OPEN = replace(
    _HIK_OPEN,
    name="hikvision-ipc-rtsp-open-replay",
    sources=(gh("bluenviron/mediacommon/issues/144") + " (DESCRIBE 200 + SDP)", *_HIK_OPEN.sources),
    rtsp=RtspService(
        options=_HIK_OPEN.rtsp.options,
        describe="RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n"
        f"Content-Length: {len(_HIK_SDP)}\r\nContent-Type: application/sdp\r\n"
        "Date: Mon, 19 Aug 2024 07:23:34 GMT\r\n\r\n" + _HIK_SDP,
    ),
    field=True,
    weight=1.5,
)

DAHUA_NVR_SNMP = replace(
    dahua.NVR,
    name="dahua-nvr-snmp-replay",
    sources=(
        gh("librenms/librenms/issues/8126") + " (snmpwalk of a Dahua NVR)",
        *dahua.NVR.sources,
    ),
    snmp={**dahua.NVR.snmp, SYS_DESCR: "NVR", SYS_NAME: "(none)"},
    field=True,
    weight=2.0,
)

PERSONALITIES: tuple[Personality, ...] = (
    HIKVISION_DS_2CD2385G1,
    DAHUA_IPC_HDW1431T1,
    AMCREST_RTSP,
    HIKVISION_RTSP_OPEN,
    DAHUA_NVR_SNMP,
)
