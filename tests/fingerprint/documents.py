"""Whole evidence documents built from the public captures quoted in the research notes."""

from __future__ import annotations

from typing import Any

HIK_SADP = (
    '<?xml version="1.0" encoding="UTF-8"?><ProbeMatch><Uuid>8282F1DB-2FA6-4709-B261-'
    "3C6B6A48CA17</Uuid><Types>inquiry</Types><DeviceType>141945</DeviceType>"
    "<DeviceDescription>DS-2CD2385G1-I</DeviceDescription>"
    "<DeviceSN>DS-2CD2385G1-I20200414AAWRE33842150</DeviceSN><CommandPort>8000</CommandPort>"
    "<MAC>58-50-ed-1f-e3-85</MAC><Activated>true</Activated>"
    "<SoftwareVersion>V5.6.2build 190701</SoftwareVersion><OEMInfo>N/A</OEMInfo>"
    "<DetailOEMCode>1</DetailOEMCode></ProbeMatch>"
)

HIK_RTSP_401 = (
    "RTSP/1.0 401 Unauthorized\r\nCSeq: 3\r\n"
    'WWW-Authenticate: Digest realm="IP Camera(C1214)", nonce="a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",'
    ' stale="FALSE"\r\nWWW-Authenticate: Basic realm="IP Camera(C1214)"\r\n'
    "Date:  Tue, Dec 21 2021 12:08:36 GMT\r\n\r\n"
)


def hikvision_camera() -> dict[str, Any]:
    """SADP (Haicam) + RTSP challenge (ExoPlayer#9800) + App-webs server."""
    return {
        "ip": "10.0.0.64",
        "mac": "58:50:ed:1f:e3:85",
        "open_ports": [80, 554, 8000],
        "http": [
            {
                "port": 80,
                "tls": False,
                "path": "/",
                "raw": "HTTP/1.1 302 Found\r\nServer: App-webs/\r\n"
                "Location: /doc/page/login.asp\r\nContent-Length: 0\r\n\r\n",
            }
        ],
        "rtsp": [{"port": 554, "raw": HIK_RTSP_401}],
        "sadp": [{"raw": HIK_SADP}],
    }


def isapi(namespace: str, model: str, extra: str = "") -> str:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><DeviceInfo version="2.0" xmlns="{namespace}">'
        f"<deviceName>IP CAMERA</deviceName><model>{model}</model>"
        "<serialNumber>" + model + "20210726AAWRG41390691</serialNumber>"
        "<macAddress>bc:ad:28:12:34:56</macAddress><firmwareVersion>V5.7.3</firmwareVersion>"
        f"<firmwareReleasedDate>build 230504</firmwareReleasedDate>{extra}"
        "<deviceType>IPCamera</deviceType></DeviceInfo>"
    )
    return (
        "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    )


def hikvision_oem(brand: str, model: str = "IPC-T240H") -> dict[str, Any]:
    """A Hikvision-made unit under another label: std-cgi ISAPI namespace (CamioCam#123),
    the label in ONVIF device information."""
    return {
        "ip": "10.0.0.70",
        "open_ports": [80, 554, 8000],
        "http": [
            {
                "port": 80,
                "tls": False,
                "path": "/ISAPI/System/deviceInfo",
                "raw": isapi("http://www.std-cgi.com/ver20/XMLSchema", model),
            }
        ],
        "onvif_device_information": {
            "Manufacturer": brand,
            "Model": model,
            "FirmwareVersion": "V5.7.3 build 230504",
        },
    }


def lts_unit() -> dict[str, Any]:
    doc = hikvision_oem("LTS", "NVR-4CH")
    doc["mac"] = "14:2f:fd:00:11:22"  # LT Security OUI (CamioCam#224)
    return doc


def dahua_oem(vendor: str, serial: str) -> dict[str, Any]:
    """Dahua firmware under an OEM label: DHIP reply fields (research 3.1), Login-to realm."""
    dhip = (
        '{"mac":"9c:8e:cd:01:02:03","method":"client.notifyDevInfo","params":{"deviceInfo":'
        '{"DeviceClass":"IPC","DeviceType":"IP2M-841","SerialNo":"' + serial + '",'
        '"Vendor":"' + vendor + '","Manufacturer":"' + vendor + '",'
        '"Version":"2.800.00AC000.0.R","HttpPort":80,"Port":37777}}}'
    )
    return {
        "ip": "10.0.0.80",
        "open_ports": [80, 554, 37777],
        "dahua_discovery": [{"raw": dhip}],
        "rtsp": [
            {
                "port": 554,
                "raw": "RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\n"
                f'WWW-Authenticate: Digest realm="Login to {serial}", '
                'nonce="0f1e2d3c4b5a69788796a5b4c3d2e1f0"\r\n\r\n',
            }
        ],
    }


def axis_camera() -> dict[str, Any]:
    return {
        "ip": "10.0.0.90",
        "mac": "ac:cc:8e:3a:0a:8f",
        "open_ports": [80, 443, 554],
        "http": [
            {
                "port": 80,
                "tls": False,
                "path": "/",
                "raw": "HTTP/1.1 401 Unauthorized\r\n"
                "Server: Apache/2.4.27 (Unix) OpenSSL/1.0.2k\r\n"
                'WWW-Authenticate: Digest realm="AXIS_WS_ACCC8E3A0A8F", nonce="x", qop="auth"\r\n'
                "Content-Length: 0\r\n\r\n",
            }
        ],
        "tls": [
            {
                "port": 443,
                "subject": "O=Axis Communications AB,CN=axis-accc8e3a0a8f",
                "issuer": "O=Axis Communications AB,CN=axis-accc8e3a0a8f",
            }
        ],
        "mdns": [
            {
                "service": "_axis-video._tcp.local.",
                "name": "AXIS M1065-LW - ACCC8E3A0A8F",
                "properties": {"macaddress": "ACCC8E3A0A8F"},
            }
        ],
    }


def goahead_device() -> dict[str, Any]:
    return {
        "ip": "10.0.0.100",
        "open_ports": [80],
        "http": [
            {
                "port": 80,
                "tls": False,
                "path": "/",
                "raw": "HTTP/1.0 401 Unauthorized\r\nServer: GoAhead-Webs\r\n"
                'WWW-Authenticate: Basic realm="GoAhead"\r\n\r\n'
                "<html><head><title>Document Error: Unauthorized</title></head>"
                "<body><h2>Access Error: 401 -- Unauthorized</h2></body></html>",
            }
        ],
    }


def printer() -> dict[str, Any]:
    return {
        "ip": "10.0.0.110",
        "mac": "3c:d9:2b:00:00:01",
        "open_ports": [80, 443, 631, 9100],
        "http": [
            {
                "port": 80,
                "tls": False,
                "path": "/",
                "raw": "HTTP/1.1 200 OK\r\nServer: HP HTTP Server; HP LaserJet Pro MFP M426fdw\r\n"
                "Content-Type: text/html\r\n\r\n<html><head><title>HP LaserJet Pro MFP M426fdw"
                "</title></head></html>",
            }
        ],
        "snmp": {
            "sysDescr": "HP ETHERNET MULTI-ENVIRONMENT",
            "sysObjectID": "1.3.6.1.4.1.11.2.3.9.1",
        },
    }
