"""docs/evidence.schema.json accepts every evidence document the project itself writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from camscan.fingerprint import load_engine
from camscan.observations import Observation, evidence_document
from tests.fingerprint import documents as d

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "evidence.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _rule_documents() -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{r.file}:{r.id}:{ex.line}", ex.document)
        for r in load_engine().ruleset.rules
        for ex in r.examples
        if ex.document is not None
    ]


def test_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(("name", "doc"), _rule_documents(), ids=[n for n, _ in _rule_documents()])
def test_rule_example_documents_validate(name: str, doc: dict[str, Any]) -> None:
    VALIDATOR.validate(doc)


@pytest.mark.parametrize(
    "doc",
    [
        d.hikvision_camera(),
        d.hikvision_oem("ANNKE", "I91BM"),
        d.lts_unit(),
        d.dahua_oem("Amcrest", "AMC0007RVY5EQ6DV29"),
        d.axis_camera(),
        d.goahead_device(),
        d.printer(),
    ],
)
def test_test_documents_validate(doc: dict[str, Any]) -> None:
    VALIDATOR.validate(doc)


def test_live_scan_documents_validate() -> None:
    ip = "10.0.0.5"
    obs = [
        Observation(probe="arp", ip=ip, meta={"mac": "44:19:b6:01:02:03"}),
        Observation(probe="tcp", ip=ip, port=8000),
        Observation(
            probe="http",
            ip=ip,
            port=80,
            raw=b"HTTP/1.1 200 OK\r\n\r\n\xff",
            meta={"path": "/", "tls": False},
        ),
        Observation(probe="tls", ip=ip, port=443, meta={"subject": "CN=x", "issuer": "CN=x"}),
        Observation(probe="rtsp", ip=ip, port=554, raw=b"RTSP/1.0 200 OK\r\n\r\n"),
        Observation(probe="sadp", ip=ip, raw=d.HIK_SADP.encode()),
        Observation(probe="dahua_discovery", ip=ip, raw=b"DHIP{}"),
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
        Observation(probe="snmp", ip=ip, meta={"sysDescr": "x", "sysName": "y"}),
        Observation(probe="onvif_device_information", ip=ip, meta={"Manufacturer": "HIKVISION"}),
        Observation(probe="onvif", ip=ip, port=80, meta={"authenticated": False}),
        Observation(probe="wsdiscovery", ip=ip, port=3702, error="timeout after 2.0 s"),
    ]
    VALIDATOR.validate(evidence_document(ip, obs))


def test_schema_rejects_wrong_shapes() -> None:
    assert not VALIDATOR.is_valid({"open_ports": ["80"]})
    assert not VALIDATOR.is_valid({"http": [{"port": 80}]})  # neither raw nor raw_b64
