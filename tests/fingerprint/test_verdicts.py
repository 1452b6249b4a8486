"""Verdicts from whole evidence documents: makers, white labels, negatives, conflicts."""

from __future__ import annotations

from camscan.app.identify import verdict_of
from camscan.fingerprint import load_engine
from tests.fingerprint import documents as d

ENGINE = load_engine()


def identify(doc: dict[str, object]) -> dict[str, object]:
    """The verdict `camscan identify` prints (the engine's, with scoring's exposure)."""
    return verdict_of(ENGINE, doc).to_dict()


def test_hikvision_camera() -> None:
    v = identify(d.hikvision_camera())
    assert v["is_camera"] is True and v["device_type"] == "camera"
    assert v["manufacturer"] == "Hikvision" and v["brand"] == "Hikvision"
    assert v["white_label"] is False
    assert v["model"] == "DS-2CD2385G1-I"
    assert v["serial"] == "DS-2CD2385G1-I20200414AAWRE33842150"
    assert v["firmware"] == "V5.6.2build 190701"
    assert v["mac"] == "58:50:ed:1f:e3:85"
    assert v["confidence"] > 0.8
    exposure = v["exposure"]
    assert isinstance(exposure, dict)
    assert exposure["sdk_ports"] == [8000] and exposure["activated"] is True
    assert exposure["firmware_date"] == "2019-07-01"
    rules = {e["rule"] for e in v["evidence"]}  # type: ignore[union-attr]
    assert {"hikvision.sadp.reply", "hikvision.rtsp.realm.ip-camera"} <= rules


def test_hikvision_made_oem_units() -> None:
    cases = (
        ("ANNKE", "I91BM", "Annke"),  # Annke I91BM with Hikvision ISAPI (oem-policy-vulns 1.1)
        ("HiLook", "IPC-B140H-M", "HiLook"),  # node-red-contrib-hikvision#18
        ("LTS", "NVR-4CH", "LTS"),
    )
    for label, model, brand in cases:
        v = identify(d.hikvision_oem(label, model))
        assert v["is_camera"] is True, label
        assert v["manufacturer"] == "Hikvision", (label, v["manufacturer"])
        assert v["brand"] == brand, (label, v["brand"])
        assert v["white_label"] is True, label


def test_lts_oui_names_the_brand() -> None:
    v = identify(d.lts_unit())
    assert (v["manufacturer"], v["brand"], v["white_label"]) == ("Hikvision", "LTS", True)


def test_dahua_made_amcrest_and_lorex() -> None:
    v = identify(d.dahua_oem("Amcrest", "AMC0007RVY5EQ6DV29"))
    assert (v["manufacturer"], v["brand"], v["white_label"]) == ("Dahua", "Amcrest", True)
    assert v["is_camera"] is True and v["serial"] == "AMC0007RVY5EQ6DV29"
    v = identify(d.dahua_oem("Lorex", "ND011811000000"))
    assert (v["manufacturer"], v["brand"], v["white_label"]) == ("Dahua", "Lorex", True)


def test_axis_camera() -> None:
    v = identify(d.axis_camera())
    assert v["is_camera"] is True
    assert (v["manufacturer"], v["brand"], v["white_label"]) == ("Axis", "Axis", False)
    assert v["model"] == "M1065-LW"


def test_goahead_webs_alone_is_not_a_camera() -> None:
    v = identify(d.goahead_device())
    assert v["is_camera"] is False
    assert v["device_type"] == "unknown"
    assert v["manufacturer"] is None
    assert any(e["rule"] == "generic.http.server.goahead" for e in v["evidence"])  # type: ignore[union-attr]


def test_printer_is_not_a_camera() -> None:
    v = identify(d.printer())
    assert v["is_camera"] is False and v["device_type"] == "not_camera"
    assert v["confidence"] > 0.8


def test_wifi_module_oui_loses_to_sadp_and_is_recorded() -> None:
    doc = d.hikvision_camera()
    doc["mac"] = "20:f4:1b:aa:bb:cc"  # Shenzhen Bilian Wi-Fi module (research 1.9)
    v = identify(doc)
    assert v["manufacturer"] == "Hikvision" and v["is_camera"] is True
    conflicts = v["conflicts"]
    assert isinstance(conflicts, list)
    assert {"field": "manufacturer", "chosen": "Hikvision", "rejected": "Bilian"} in [
        {k: c[k] for k in ("field", "chosen", "rejected")} for c in conflicts
    ]


def test_generic_nic_vs_sadp_device_type_conflict() -> None:
    doc = d.hikvision_camera()
    doc["open_ports"] = [80, 445, 554, 8000]  # a Windows-looking port next to a SADP reply
    v = identify(doc)
    assert v["device_type"] == "camera"
    assert any(
        c["field"] == "device_type" and c["rejected"] == "not_camera"
        for c in v["conflicts"]  # type: ignore[union-attr]
    )


def test_verdict_keeps_the_keys_consumers_read() -> None:
    v = identify({})
    for key in (
        "is_camera",
        "device_type",
        "brand",
        "manufacturer",
        "white_label",
        "model",
        "firmware",
        "serial",
        "confidence",
        "evidence",
        "errors",
        "notes",
        "endpoint_reference",
        "mac",
        "mac_vendor",
        "exposure",
    ):
        assert key in v
    assert set(v["exposure"]) == {  # type: ignore[arg-type]
        "open_ports",
        "telnet",
        "sdk_ports",
        "http_plain_only",
        "upnp",
        "rtsp_no_auth",
        "onvif_no_auth",
        "activated",
        "firmware_date",
    }


# -- device types: a recorder's or encoder's product line beats the generic "camera" -------
WSD_NVT = (
    '<?xml version="1.0" encoding="UTF-8"?><env:Envelope '
    'xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
    'xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><env:Body><d:ProbeMatches><d:ProbeMatch>'
    "<wsadis:EndpointReference><wsadis:Address>urn:uuid:5f3c2a10-7d1e-4b6a-9c2d-0e1f2a3b4c5d"
    "</wsadis:Address></wsadis:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types>"
    "<d:Scopes>onvif://www.onvif.org/Profile/Streaming "
    "onvif://www.onvif.org/type/NetworkVideoTransmitter</d:Scopes>"
    "<d:XAddrs>http://10.0.0.50/onvif/device_service</d:XAddrs></d:ProbeMatch></d:ProbeMatches>"
    "</env:Body></env:Envelope>"
)


def _recorder(manufacturer: str, model: str) -> dict[str, object]:
    """A recorder as its ONVIF stack presents it: "camera" from WS-Discovery and GetDevice-
    Information, the product line only in the model number."""
    return {
        "ip": "10.0.0.50",
        "open_ports": [80, 554],
        "wsdiscovery": [{"raw": WSD_NVT}],
        "onvif_device_information": {"Manufacturer": manufacturer, "Model": model},
    }


def test_reolink_rln8_410_is_an_nvr() -> None:
    # home-assistant/home-assistant.io:source/_integrations/reolink.markdown: "RLN8-410 NVR".
    v = identify(_recorder("Reolink", "RLN8-410"))
    assert (v["device_type"], v["manufacturer"], v["model"]) == ("nvr", "Reolink", "RLN8-410")
    assert v["is_camera"] is True


def test_hanwha_qrn_810s_is_an_nvr() -> None:
    # Wisenet Video Recorder manual QRN-410S/810S/1610S (camscan/fingerprints/device-types.yaml).
    v = identify(_recorder("Hanwha Techwin", "QRN-810S"))
    assert (v["device_type"], v["manufacturer"]) == ("nvr", "Hanwha")


def test_axis_m7116_is_an_encoder() -> None:
    # VAPIX Brand group (b01xy/astroflux:armoire/axis/paramlist.cgi layout) with the encoder
    # product type librenms records for Axis encoders; mDNS still says _axis-video (camera).
    body = (
        "root.Brand.Brand=AXIS\r\nroot.Brand.ProdFullName=AXIS M7116 Video Encoder\r\n"
        "root.Brand.ProdNbr=M7116\r\nroot.Brand.ProdType=Network Video Encoder\r\n"
    )
    doc = {
        "ip": "10.0.0.91",
        "http": [
            {
                "port": 80,
                "tls": False,
                "path": "/axis-cgi/param.cgi?action=list&group=root.Brand",
                "raw": f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n{body}",
            }
        ],
        "mdns": [{"service": "_axis-video._tcp.local.", "name": "AXIS M7116 - ACCC8E000001"}],
    }
    v = identify(doc)
    assert (v["device_type"], v["manufacturer"]) == ("encoder", "Axis")


def test_axis_encoder_from_basic_device_information() -> None:
    # VAPIX basicdeviceinfo.cgi propertyList (developer.axis.com) as the probe reads it.
    info = (
        '{"apiVersion": "1.3", "data": {"propertyList": {"Brand": "AXIS", "ProdNbr": "P7304",'
        ' "ProdType": "Network Video Encoder"}}, "method": "getAllUnrestrictedProperties"}'
    )
    doc = {
        "ip": "10.0.0.92",
        "http": [
            {
                "port": 80,
                "tls": False,
                "path": "/axis-cgi/basicdeviceinfo.cgi",
                "raw": f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{info}",
            }
        ],
        "mdns": [{"service": "_axis-video._tcp.local.", "name": "AXIS P7304 - ACCC8E000002"}],
    }
    v = identify(doc)
    assert (v["device_type"], v["manufacturer"]) == ("encoder", "Axis")


def test_a_camera_model_of_the_same_maker_stays_a_camera() -> None:
    # The NVR line's rule must not catch the maker's cameras (RLC-410 is a camera).
    v = identify(_recorder("Reolink", "RLC-410"))
    assert v["device_type"] == "camera"
