"""Discovery replies as real devices and captures deliver them: cut off, oddly prefixed,
in other encodings, with LF-only lines."""

from __future__ import annotations

import pytest

from camscan.protocols import ParseError
from camscan.protocols._common import MalformedXml
from camscan.protocols.rtsp import parse_rtsp_response
from camscan.protocols.sadp import parse_sadp
from camscan.protocols.ssdp import parse_ssdp, parse_upnp_description
from camscan.protocols.wsdiscovery import parse_wsdiscovery
from tests.fingerprint.documents import HIK_SADP

# A Dahua IPC-HFW2228M-I1-V2 ProbeMatches, cogini/onvif:test/data/discovery/ProbeMatches.xml
# @9aac895f781ef1c9edf7c0a722641cce113ea75e
DAHUA_PROBE_MATCHES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:sc="http://www.w3.org/2003/05/soap-encoding" '
    'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
    'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
    'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing">\n'
    "  <s:Header>\n"
    "    <a:MessageID>uuid:c46d7c79-6375-447a-b283-89eb2485271a</a:MessageID>\n"
    "    <a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>\n"
    "    <a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action>\n"
    "    <a:RelatesTo>uuid:572ecdc4-b723-11e8-99d8-53d34f41f286</a:RelatesTo>\n"
    "  </s:Header>\n"
    "  <s:Body>\n"
    "    <d:ProbeMatches>\n"
    "      <d:ProbeMatch>\n"
    "        <a:EndpointReference>\n"
    "          <a:Address>uuid:503b687a-b9d7-474f-a2d0-a18c8b25a464</a:Address>\n"
    "        </a:EndpointReference>\n"
    "        <d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>\n"
    "        <d:Scopes>onvif://www.onvif.org/location/country/china "
    "onvif://www.onvif.org/name/Dahua onvif://www.onvif.org/hardware/IPC-HFW2228M-I1-V2 "
    "onvif://www.onvif.org/Profile/Streaming "
    "onvif://www.onvif.org/type/Network_Video_Transmitter "
    "onvif://www.onvif.org/extension/unique_identifier</d:Scopes>\n"
    "        <d:XAddrs>http://192.168.1.45/onvif/device_service</d:XAddrs>\n"
    "        <d:MetadataVersion>1</d:MetadataVersion>\n"
    "      </d:ProbeMatch>\n"
    "    </d:ProbeMatches>\n"
    "  </s:Body>\n"
    "</s:Envelope>\n"
)
EPR = "uuid:503b687a-b9d7-474f-a2d0-a18c8b25a464"


def test_complete_probe_matches_has_no_notes() -> None:
    msg = parse_wsdiscovery(DAHUA_PROBE_MATCHES.encode())
    assert msg.action == "ProbeMatches" and msg.notes == ()
    assert msg.matches[0].scope("hardware") == "IPC-HFW2228M-I1-V2"


def test_cut_after_xaddrs_keeps_every_field_read() -> None:
    cut = DAHUA_PROBE_MATCHES[: DAHUA_PROBE_MATCHES.index("<d:MetadataVersion>")]
    msg = parse_wsdiscovery(cut.encode())
    m = msg.matches[0]
    assert msg.action == "ProbeMatches" and msg.endpoint_reference == EPR
    assert m.types == ("dn:NetworkVideoTransmitter", "tds:Device")
    assert m.scope("name") == "Dahua" and m.scope("hardware") == "IPC-HFW2228M-I1-V2"
    assert m.xaddrs == ("http://192.168.1.45/onvif/device_service",)
    assert msg.notes and "cut off" in msg.notes[0]
    assert "http://schemas.xmlsoap.org/ws/2005/04/discovery" in msg.namespaces


def test_cut_mid_scopes_drops_only_the_cut_item() -> None:
    at = DAHUA_PROBE_MATCHES.index("IPC-HFW2228M") + 6  # ...hardware/IPC-HF| cut here
    msg = parse_wsdiscovery(DAHUA_PROBE_MATCHES[:at])
    m = msg.matches[0]
    assert m.scope("name") == "Dahua"
    assert m.scope("hardware") is None  # a half model name is not a model
    assert m.xaddrs == () and msg.notes


def test_cut_before_the_body_is_an_error() -> None:
    with pytest.raises(MalformedXml):
        parse_wsdiscovery(DAHUA_PROBE_MATCHES[: DAHUA_PROBE_MATCHES.index("<s:Body>")])


def test_undeclared_prefix_is_read() -> None:
    undeclared = DAHUA_PROBE_MATCHES.replace(
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" ', ""
    )
    msg = parse_wsdiscovery(undeclared)
    assert msg.notes == () and msg.endpoint_reference == EPR
    assert msg.matches[0].scope("hardware") == "IPC-HFW2228M-I1-V2"


@pytest.mark.parametrize("prefix", ["SOAP-ENV", "env", "soap12"])
def test_other_envelope_prefixes_and_the_2009_namespace(prefix: str) -> None:
    doc = (
        DAHUA_PROBE_MATCHES.replace("<s:", f"<{prefix}:")
        .replace("</s:", f"</{prefix}:")
        .replace("xmlns:s=", f"xmlns:{prefix}=")
        .replace(
            "schemas.xmlsoap.org/ws/2005/04/discovery",
            "docs.oasis-open.org/ws-dd/ns/discovery/2009/01",
        )
    )
    msg = parse_wsdiscovery(doc)
    assert msg.action == "ProbeMatches" and msg.endpoint_reference == EPR
    assert "http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01" in msg.namespaces


def test_hello_cut_off() -> None:
    hello = (
        '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><e:Body><d:Hello>'
        "<w:EndpointReference><w:Address>urn:uuid:11223344-1dd1-11b2-8a3b-5850ed1fe385"
        "</w:Address></w:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types>"
        "<d:Scopes>onvif://www.onvif.org/name/HIKVISION onvif://www.onvif.org/hard"
    )
    msg = parse_wsdiscovery(hello)
    assert msg.action == "Hello" and msg.mac == "58:50:ed:1f:e3:85"
    assert msg.matches[0].scope("name") == "HIKVISION" and msg.notes


def test_unsafe_xml_is_refused_not_read_partially() -> None:
    xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    with pytest.raises(ParseError) as err:
        parse_wsdiscovery(xxe + DAHUA_PROBE_MATCHES.split("?>", 1)[1])
    assert not isinstance(err.value, MalformedXml)


def test_sadp_cut_off_keeps_the_complete_elements() -> None:
    cut = HIK_SADP[: HIK_SADP.index("V5.6.2")]
    reply = parse_sadp(cut.encode())
    assert reply.values["DeviceDescription"] == "DS-2CD2385G1-I"
    assert reply.mac == "58:50:ed:1f:e3:85" and reply.activated is True
    assert "SoftwareVersion" not in reply.values and reply.notes


def test_sadp_cut_before_any_device_field_is_an_error() -> None:
    with pytest.raises(ParseError):
        parse_sadp(HIK_SADP[: HIK_SADP.index("<DeviceType>")])


def test_sadp_in_gb2312() -> None:
    xml = HIK_SADP.replace('encoding="UTF-8"', 'encoding="GB2312"').replace(
        "<OEMInfo>N/A</OEMInfo>", "<OEMInfo>海康</OEMInfo>"
    )
    assert parse_sadp(xml.encode("gb2312")).values["OEMInfo"] == "海康"


def test_upnp_description_in_gbk_with_undeclared_prefix() -> None:
    xml = (
        '<?xml version="1.0" encoding="GBK"?><root xmlns="urn:schemas-upnp-org:device-1-0">'
        "<device><friendlyName>网络摄像机</friendlyName><manufacturer>Tenda</manufacturer>"
        "<dlna:X_DLNADOC>DMS-1.50</dlna:X_DLNADOC></device></root>"
    )
    desc = parse_upnp_description(xml.encode("gbk"))
    assert desc["friendlyName"] == "网络摄像机" and desc["manufacturer"] == "Tenda"


def test_ssdp_lf_only_with_odd_header_spacing() -> None:
    raw = (
        b"HTTP/1.1 200 OK\nCACHE-CONTROL: max-age=1800\nLOCATION:http://10.0.0.5:49152/d.xml\n"
        b"SERVER :  Linux/2.6 UPnP/1.0 IPC/1.0\nST:upnp:rootdevice\n"
        b"USN: uuid:5f9ec1b3-ed59-79bb-4530-745c0e12d2e5::upnp:rootdevice\n\n"
    )
    fields = dict(parse_ssdp(raw).fields())
    assert fields["ssdp.location"] == "http://10.0.0.5:49152/d.xml"
    assert fields["ssdp.server"] == "Linux/2.6 UPnP/1.0 IPC/1.0"
    assert fields["ssdp.st"] == "upnp:rootdevice"


def test_ssdp_reply_without_final_blank_line() -> None:
    raw = b"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nSERVER: Linux UPnP/1.0\r\n"
    assert dict(parse_ssdp(raw).fields())["ssdp.server"] == "Linux UPnP/1.0"


def test_rtsp_lf_only_with_space_before_colon() -> None:
    raw = (
        b"RTSP/1.0 401 Unauthorized\nCSeq: 1\nServer : Rtsp Server/3.0\n"
        b'WWW-Authenticate: Basic realm="NVT"\n\n'
    )
    resp = parse_rtsp_response(raw)
    assert resp.message.get("Server") == "Rtsp Server/3.0" and resp.realms == ("NVT",)
