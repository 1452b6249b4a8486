"""Decoded values reach the fingerprint engine: what the parsers recover from gzip, other
charsets and cut-off discovery replies is what rules read, and the damage is recorded."""

from __future__ import annotations

import base64
import gzip

from camscan.fingerprint import load_engine
from camscan.fingerprint.extract import extract
from camscan.observations import Observation, evidence_document
from tests.protocols.test_discovery_parsing import DAHUA_PROBE_MATCHES

# The DeviceInfo shape of maciej-or/hikvision_next:tests/fixtures/ISAPI/System.deviceInfo/ipc1.xml
ISAPI = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<DeviceInfo version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">\n'
    b"<deviceName>IP CAMERA</deviceName>\n<model>DS-2CD2386G2-IU</model>\n"
    b"<serialNumber>DS-2CD2386G2-IU20210101AAWRJ12345678</serialNumber>\n"
    b"<firmwareVersion>V5.7.3</firmwareVersion>\n<deviceType>IPCamera</deviceType>\n"
    b"</DeviceInfo>\n"
)


def _http(raw: bytes, path: str = "/") -> Observation:
    return Observation(probe="http", ip="10.0.0.9", port=80, raw=raw, meta={"path": path})


def test_gzipped_isapi_reply_identifies_hikvision() -> None:
    body = gzip.compress(ISAPI)
    raw = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body) + body
    )
    doc = evidence_document("10.0.0.9", [_http(raw, "/ISAPI/System/deviceInfo")])
    assert "raw_b64" in doc["http"][0]  # stored as sent: compressed bytes
    assert base64.b64decode(doc["http"][0]["raw_b64"]) == raw
    v = load_engine().identify(doc)
    assert v.manufacturer == "Hikvision" and v.model == "DS-2CD2386G2-IU"


def test_gbk_title_reaches_the_engine_decoded() -> None:
    title = "网络摄像机"  # constructed GBK text
    page = f"<html><head><meta charset=gbk><title>{title}</title></head></html>".encode("gbk")
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page
    doc = evidence_document("10.0.0.9", [_http(raw)])
    titles = [o.value for o in extract(doc).observed if o.field == "http.title"]
    assert titles == [title]
    load_engine().identify(doc)  # and the engine reads it without error


def test_cut_off_probe_matches_is_read_and_the_cut_recorded() -> None:
    cut = DAHUA_PROBE_MATCHES[: DAHUA_PROBE_MATCHES.index("<d:XAddrs>") + 20].encode()
    obs = Observation(probe="wsdiscovery", ip="10.0.0.9", raw=cut)
    v = load_engine().identify(evidence_document("10.0.0.9", [obs]))
    assert v.manufacturer == "Dahua"
    assert any(e.get("probe") == "wsdiscovery" and "cut off" in e["error"] for e in v.errors)


def test_cut_off_sadp_is_read_and_the_cut_recorded() -> None:
    from tests.fingerprint.documents import HIK_SADP

    cut = HIK_SADP[: HIK_SADP.index("<SoftwareVersion>") + 5].encode()
    v = load_engine().identify(
        evidence_document("10.0.0.9", [Observation(probe="sadp", ip="10.0.0.9", raw=cut)])
    )
    assert v.manufacturer == "Hikvision" and v.model == "DS-2CD2385G1-I"
    assert any(e.get("probe") == "sadp" and "cut off" in e["error"] for e in v.errors)
