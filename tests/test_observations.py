"""Observations -> evidence document: the one contract between probes and fingerprints."""

from __future__ import annotations

import base64

from camscan.observations import Observation, evidence_document


def test_document_shape() -> None:
    ip = "10.0.0.5"
    obs = [
        Observation(probe="arp", ip=ip, meta={"mac": "44:19:b6:01:02:03"}),
        Observation(probe="tcp", ip=ip, port=80),
        Observation(probe="tcp", ip=ip, port=8000),
        Observation(
            probe="http",
            ip=ip,
            port=80,
            raw=b"HTTP/1.1 200 OK\r\n\r\nhi",
            meta={"path": "/doc/page/login.asp", "tls": False},
        ),
        Observation(
            probe="http",
            ip=ip,
            port=443,
            raw=b"HTTP/1.1 200 OK\r\n\r\n\xff\xfe",
            meta={"path": "/", "tls": True},
        ),
        Observation(probe="tls", ip=ip, port=443, meta={"pem": "-----BEGIN CERTIFICATE-----"}),
        Observation(probe="rtsp", ip=ip, port=554, raw=b"RTSP/1.0 401 Unauthorized\r\n\r\n"),
        Observation(probe="sadp", ip=ip, raw=b"<ProbeMatch/>"),
        Observation(probe="dahua_discovery", ip=ip, raw=b"\x20\x00\x00\x00DHIP{}"),
        Observation(
            probe="ssdp", ip=ip, raw=b"HTTP/1.1 200 OK\r\n\r\n", meta={"description": "<root/>"}
        ),
        Observation(
            probe="mdns",
            ip=ip,
            meta={
                "service": "_axis-video._tcp.local.",
                "name": "AXIS M3106",
                "properties": {"a": "b"},
            },
        ),
        Observation(probe="snmp", ip=ip, meta={"sysDescr": "x", "sysName": "y", "other": 1}),
        Observation(probe="onvif_device_information", ip=ip, meta={"Manufacturer": "HIKVISION"}),
        Observation(probe="onvif", ip=ip, port=80, meta={"authenticated": False}),
        Observation(probe="wsdiscovery", ip=ip, port=3702, error="timeout after 2.0 s"),
    ]
    doc = evidence_document(ip, obs)
    assert doc["ip"] == ip and doc["mac"] == "44:19:b6:01:02:03"
    assert doc["open_ports"] == [80, 443, 554, 8000]
    assert doc["http"][0] == {
        "port": 80,
        "tls": False,
        "path": "/doc/page/login.asp",
        "raw": "HTTP/1.1 200 OK\r\n\r\nhi",
    }
    # invalid UTF-8 travels as base64, byte for byte
    assert base64.b64decode(doc["http"][1]["raw_b64"]).endswith(b"\xff\xfe")
    assert doc["tls"] == [{"port": 443, "pem": "-----BEGIN CERTIFICATE-----"}]
    assert doc["rtsp"][0]["port"] == 554
    assert doc["sadp"] == [{"raw": "<ProbeMatch/>"}]
    assert base64.b64decode(doc["dahua_discovery"][0]["raw_b64"]).startswith(b"\x20\x00")
    assert doc["ssdp"][0]["description"] == "<root/>"
    assert doc["mdns"][0]["name"] == "AXIS M3106"
    assert doc["snmp"] == {"sysDescr": "x", "sysName": "y"}
    assert doc["onvif_device_information"] == {"Manufacturer": "HIKVISION"}
    assert doc["onvif"] == [{"port": 80, "authenticated": False}]
    assert doc["probe_errors"] == [
        {"probe": "wsdiscovery", "port": 3702, "error": "timeout after 2.0 s"}
    ]
    assert "wsdiscovery" not in doc


def test_capped_records_truncation() -> None:
    obs = Observation.capped("http", "10.0.0.1", b"x" * 100, port=80, limit=10)
    assert obs.raw == b"x" * 10 and obs.truncated
    doc = evidence_document("10.0.0.1", [obs])
    assert {"probe": "http", "port": 80, "error": "reply truncated"} in doc["probe_errors"]
    assert not Observation.capped("http", "10.0.0.1", b"short", limit=10).truncated


def test_empty_and_mac_argument() -> None:
    assert evidence_document(None, []) == {}
    assert evidence_document("10.0.0.2", [], mac="aa:bb:cc:dd:ee:ff") == {
        "ip": "10.0.0.2",
        "mac": "aa:bb:cc:dd:ee:ff",
    }


def test_a_failure_is_one_short_line() -> None:
    from camscan.observations import Observation

    obs = Observation.failed("rtsp", "192.0.2.1", OSError("reset\nby peer " + "x" * 400), port=554)
    assert obs.error is not None and obs.error.startswith("OSError: reset by peer")
    assert "\n" not in obs.error and len(obs.error) == 200
    assert obs.raw == b"" and obs.port == 554
    assert Observation.failed("scan", "192.0.2.1", "budget spent").error == "budget spent"
