"""DHCP evidence end to end: a client's options -> a ``dhcp`` observation (options verbatim)
-> the evidence document -> the rules (docs/evidence.md "dhcp", docs/fingerprints.md)."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path

import jsonschema
import pytest

from camscan.fingerprint import load_engine
from camscan.imports import ReadContext
from camscan.imports.table_csv import FORMAT as CSV
from camscan.observations import evidence_document
from camscan.passive import dhcp
from camscan.passive.decoder import PassiveDecoder
from camscan.probes import REGISTRY, evidence_keys
from camscan.protocols.dhcp import parse_options
from tests.passive.test_decoder import DEV, DEV_MAC, udp_frame

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = jsonschema.Draft202012Validator(
    json.loads((ROOT / "docs" / "evidence.schema.json").read_text(encoding="utf-8"))
)
AXIS_MAC = bytes.fromhex("00408c77f826")
# rapid7/recog:xml/dhcp_vendor_class.xml@1af822048b70f48fc1cb0bf47e412b74ad05489b
AXIS_CLASS = "AXIS,Network Camera,P3343,5.20.3"


def _listen(*payloads: bytes) -> PassiveDecoder:
    dec = PassiveDecoder(lambda ip: True)
    for p in payloads:
        dec.feed(1, udp_frame("0.0.0.0", "255.255.255.255", 68, 67, p, mac=p[28:34]))
    dec.finish()
    return dec


def _document(dec: PassiveDecoder, ip: str) -> dict[str, object]:
    host = dec.hosts[ip]
    return evidence_document(ip, host.observations, mac=host.mac)


def test_axis_client_is_named_axis_from_its_dhcp_options() -> None:
    msg = dhcp.build(
        mac=AXIS_MAC,
        message_type=3,
        hostname="axis-00408c77f826",
        vendor_class=AXIS_CLASS,
        requested_ip=DEV,
        client_id=b"\x01" + AXIS_MAC,
    )
    doc = _document(_listen(msg), DEV)
    SCHEMA.validate(doc)
    (entry,) = doc["dhcp"]  # type: ignore[misc]
    assert entry["hostname"] == "axis-00408c77f826" and entry["source"] == "capture"
    assert entry["param_list"] == "1,3,6,12,15,28,42"
    v = load_engine().identify(doc)
    assert (v.is_camera, v.manufacturer, v.model, v.firmware) == (True, "Axis", "P3343", "5.20.3")
    assert v.confidence >= 0.9
    assert {e["rule"] for e in v.evidence} >= {
        "axis.dhcp.vendor_class.camera",
        "axis.dhcp.hostname.default",
    }


def test_generic_udhcp_client_names_no_maker() -> None:
    msg = dhcp.build(
        mac=DEV_MAC, message_type=3, hostname="IPCAM", vendor_class="udhcp 1.31.1", requested_ip=DEV
    )
    doc = _document(_listen(msg), DEV)
    v = load_engine().identify(doc)
    fired = [e for e in v.evidence if e["rule"] == "generic.dhcp.vendor_class.udhcp"]
    assert fired and fired[0]["strength"] <= 0.25
    # the MAC's registrant (Amcrest, a Dahua relabel) may lead, at the MAC cap of 0.5; nothing
    # from DHCP names a maker or a camera
    assert not any(
        e["source"].startswith("dhcp") and {"manufacturer", "device_type"} & set(e["asserts"])
        for e in v.evidence
    )
    assert v.confidence <= 0.5
    assert {e["rule"] for e in v.evidence if "device_type" in e["asserts"]} <= {
        "dahua.mac.registrant.amcrest"
    }


@pytest.mark.parametrize(
    ("options", "note"),
    [
        (bytes([53, 1, 1, 12, 9]) + b"axis-", "option 12 cut off"),  # truncated
        (
            bytes([53, 1, 1])
            + bytes([12, 255])
            + b"A" * 255 * 1
            + bytes([12, 255])
            + b"B" * 255
            + bytes([12, 255])
            + b"C" * 255
            + bytes([12, 255])
            + b"D" * 255
            + bytes([12, 255])
            + b"E" * 255
            + b"\xff",
            "repeated past",
        ),  # overlong: split instances past the cap
        (bytes([53, 1, 1, 52, 1, 3, 12, 4]) + b"cam1\xff", "option overload (52)"),
    ],
    ids=["truncated", "overlong", "overload"],
)
def test_hostile_options_are_recorded_without_crash(options: bytes, note: str) -> None:
    options = bytes([50, 4]) + socket.inet_aton(DEV) + options  # ties it to DEV
    msg = dhcp.build(mac=DEV_MAC, parameter_list=b"")[:240] + options
    dec = _listen(msg)
    parsed = parse_options(options)
    assert any(note in n for n in parsed.notes)
    if parsed.record():
        obs = [o for o in dec.hosts[DEV].observations if o.probe == "dhcp"]
        assert obs and obs[0].raw == options  # kept verbatim
        doc = _document(dec, DEV)
        SCHEMA.validate(doc)
        v = load_engine().identify(doc)  # never raises
        assert any(note in e["error"] for e in v.errors)
        assert len(parsed.hostname or "") <= 255
    assert sum(dec.stats.malformed.values()) >= 1


def test_lease_csv_hostname_becomes_dhcp_evidence() -> None:
    data = (
        b"address,hwaddr,hostname\n"
        b"10.0.0.7,00:40:8c:77:f8:26,axis-00408c77f826\n"
        b"10.0.0.8,00:11:22:33:44:55,\n"
    )
    hosts = list(CSV.read(io.BytesIO(data), ReadContext("leases.csv", len(data))))
    first, second = hosts
    assert [o.probe for o in first.observations] == ["dhcp"]  # type: ignore[union-attr]
    assert first.observations[0].meta == {"hostname": "axis-00408c77f826", "source": "import"}  # type: ignore[union-attr]
    assert second.observations == ()  # type: ignore[union-attr]
    doc = evidence_document("10.0.0.7", first.observations, mac="00:40:8c:77:f8:26")  # type: ignore[union-attr]
    SCHEMA.validate(doc)
    v = load_engine().identify(doc)
    assert v.manufacturer == "Axis" and not v.errors


def test_dhcp_is_passive_only() -> None:
    assert "dhcp" in evidence_keys()
    assert all(k.key != "dhcp" for p in REGISTRY for k in p.evidence)  # no probe the planner runs
