"""Device messages for the passive-mode tests, each from the public capture it cites."""

from __future__ import annotations

import struct

# The shape of a Dahua IPC-HFW2228M's Hello (cogini/onvif:test/data/discovery/Hello.xml@ec687d70)
DAHUA_HELLO = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    b'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
    b'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
    b'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
    b'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"><s:Header>'
    b"<a:MessageID>uuid:c46d7c79-6375-447a-b283-89eb2485271a</a:MessageID>"
    b"<a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>"
    b"<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello</a:Action>"
    b"</s:Header><s:Body><d:Hello><a:EndpointReference>"
    b"<a:Address>uuid:503b687a-b9d7-474f-a2d0-a18c8b25a464</a:Address></a:EndpointReference>"
    b"<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>"
    b"<d:Scopes>onvif://www.onvif.org/location/country/china onvif://www.onvif.org/name/Dahua "
    b"onvif://www.onvif.org/hardware/IPC-HFW2228M-I1-V2 onvif://www.onvif.org/Profile/Streaming "
    b"onvif://www.onvif.org/type/Network_Video_Transmitter "
    b"onvif://www.onvif.org/extension/unique_identifier</d:Scopes>"
    b"<d:XAddrs>http://10.0.0.80/onvif/device_service</d:XAddrs>"
    b"<d:MetadataVersion>1</d:MetadataVersion></d:Hello></s:Body></s:Envelope>"
)
WSD_PROBE = (
    b'<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">'
    b"<s:Header><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>"
    b"</s:Header><s:Body><d:Probe/></s:Body></s:Envelope>"
)
# Haicam/Haicam:golang/libs/onvif/haicam_test/discoverytest.go@e7c5c18 (a DS-2CD2385G1-I)
HIK_SADP = (
    b'<?xml version="1.0" encoding="UTF-8"?><ProbeMatch><Uuid>8282F1DB-2FA6-4709-B261-'
    b"3C6B6A48CA17</Uuid><Types>inquiry</Types><DeviceType>141945</DeviceType>"
    b"<DeviceDescription>DS-2CD2385G1-I</DeviceDescription>"
    b"<DeviceSN>DS-2CD2385G1-I20200414AAWRE33842150</DeviceSN><CommandPort>8000</CommandPort>"
    b"<MAC>58-50-ed-1f-e3-85</MAC><Activated>true</Activated>"
    b"<SoftwareVersion>V5.6.2build 190701</SoftwareVersion><OEMInfo>N/A</OEMInfo>"
    b"<DetailOEMCode>1</DetailOEMCode></ProbeMatch>"
)
SADP_INQUIRY = (
    b'<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>8282F1DB-2FA6-4709-B261-3C6B6A48CA17'
    b"</Uuid><Types>inquiry</Types></Probe>"
)
# DHIP: the 32-byte header (magic "DHIP" at 4, body length at 0x10: mcw0/DahuaConsole:net.py)
DHIP_JSON = (
    b'{"mac":"9c:8e:cd:01:02:03","method":"client.notifyDevInfo","params":{"deviceInfo":'
    b'{"DeviceClass":"IPC","DeviceType":"IPC-HDW1431T1-S4","SerialNo":"6J0B3A1PAZ12345",'
    b'"Vendor":"Private","Version":"2.800.0000000.25.R","HttpPort":80,"Port":37777}}}'
)
DHIP_REPLY = (
    struct.pack("<I4sII", 0x20000000, b"DHIP", 0, 0)
    + struct.pack("<II", len(DHIP_JSON), 0)
    + struct.pack("<II", len(DHIP_JSON), 0)
    + DHIP_JSON
)
# Dahua UPnP SDK NOTIFY fields (home-assistant/core#46822)
SSDP_NOTIFY = (
    b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n"
    b"LOCATION: http://10.0.0.80:49152/upnp_device_desc.xml\r\nNT: upnp:rootdevice\r\n"
    b"NTS: ssdp:alive\r\nSERVER: Linux/3.8.8, UPnP/1.0, ZheJiang Dahua Technology CO.,LTD. "
    b"Upnp SDK\r\nUSN: uuid:www.dahuatech.com.device_3_0-6J0B3A1PAZ12345::upnp:rootdevice\r\n\r\n"
)
MSEARCH = b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\n\r\n'
# Hikvision's web server and RTSP challenge (tests/fingerprint/documents.py cites them)
HIK_HTTP = (
    b"HTTP/1.1 302 Found\r\nServer: App-webs/\r\nLocation: /doc/page/login.asp\r\n"
    b"Content-Length: 0\r\n\r\n"
)
HIK_RTSP = (
    b"RTSP/1.0 401 Unauthorized\r\nCSeq: 3\r\n"
    b'WWW-Authenticate: Digest realm="IP Camera(C1214)", nonce="a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"'
    b', stale="FALSE"\r\nDate:  Tue, Dec 21 2021 12:08:36 GMT\r\n\r\n'
)
