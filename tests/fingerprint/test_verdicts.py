"""Verdicts from whole evidence documents: makers, white labels, negatives, conflicts."""

from __future__ import annotations

from camscan.fingerprint import load_engine
from tests.fingerprint import documents as d

ENGINE = load_engine()


def identify(doc: dict[str, object]) -> dict[str, object]:
    return ENGINE.identify(doc).to_dict()


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
