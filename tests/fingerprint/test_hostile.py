"""Hostile, malformed and enormous evidence: a verdict with error records, never an exception."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from camscan.errors import FingerprintDataError
from camscan.fingerprint import default_directory, load_engine
from camscan.fingerprint.rules import load_rules
from tests.fingerprint import documents as d

ENGINE = load_engine()
FINGERPRINTS = default_directory()

XXE = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<ProbeMatch><DeviceDescription>&x;</DeviceDescription><MAC>58-50-ed-1f-e3-85</MAC>"
    "</ProbeMatch>"
)
BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]><root><device><modelName>&lol9;</modelName></device></root>"
)
WSD_BOMB = BOMB.replace(
    "<root><device><modelName>&lol9;</modelName></device></root>",
    "<Envelope><Body>&lol9;</Body></Envelope>",
)


def _errors(doc: dict[str, Any]) -> list[dict[str, Any]]:
    v = ENGINE.identify(doc).to_dict()
    assert isinstance(v["is_camera"], bool)
    return list(v["errors"])


@pytest.mark.parametrize(
    ("doc", "probe"),
    [
        ({"sadp": [{"raw": XXE}]}, "sadp"),
        ({"sadp": [{"raw": BOMB.replace("root", "ProbeMatch")}]}, "sadp"),
        ({"wsdiscovery": [{"raw": WSD_BOMB}]}, "wsdiscovery"),
        ({"wsdiscovery": [{"raw": XXE.replace("ProbeMatch", "Envelope")}]}, "wsdiscovery"),
        (
            {
                "ssdp": [
                    {"raw": "HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n", "description": BOMB}
                ]
            },
            "ssdp",
        ),
        ({"http": [{"port": 80, "path": "/", "raw_b64": "@@not base64@@"}]}, "http"),
        ({"http": [{"port": 80, "path": "/", "raw": "x" * (10 * 1024 * 1024)}]}, "http"),
        ({"rtsp": [{"port": 554, "raw": 12345}]}, "rtsp"),
        (
            {"dahua_discovery": [{"raw_b64": base64.b64encode(b"DHIP\xff\xfe{broken").decode()}]},
            "dahua_discovery",
        ),
        ({"http": "not a list"}, "http"),
        ({"open_ports": "80,554"}, "open_ports"),
        ({"snmp": {"sysDescr": ["a", "list"]}}, "snmp"),
        ({"onvif_device_information": "HIKVISION"}, "onvif_device_information"),
        ({"mac": 42}, "mac"),
        ({"tls": [{"port": 443, "pem": "-----BEGIN CERTIFICATE-----\nnope\n"}]}, "tls"),
    ],
    ids=[
        "sadp-xxe",
        "sadp-bomb",
        "wsd-bomb",
        "wsd-xxe",
        "ssdp-bomb",
        "bad-base64",
        "10MB-raw",
        "wrong-type-raw",
        "dhip-broken",
        "wrong-type-list",
        "wrong-type-ports",
        "wrong-type-snmp",
        "wrong-type-onvif",
        "wrong-type-mac",
        "bad-pem",
    ],
)
def test_hostile_entry_gives_an_error_record(doc: dict[str, Any], probe: str) -> None:
    errors = _errors(doc)
    assert any(e.get("probe") == probe for e in errors), errors


def test_xxe_never_resolves() -> None:
    v = ENGINE.identify({"sadp": [{"raw": XXE}]}).to_dict()
    assert "root:" not in json.dumps(v)


def test_invalid_utf8_is_read_not_fatal() -> None:
    raw = b"HTTP/1.1 200 OK\r\nServer: uc-httpd 1.0.0\r\n\r\n<title>\xff\xfe\xc3(</title>"
    v = ENGINE.identify(
        {"http": [{"port": 80, "path": "/", "raw_b64": base64.b64encode(raw).decode()}]}
    ).to_dict()
    assert v["manufacturer"] == "Xiongmai" and v["errors"] == []


def test_script_tags_in_model_strings_are_data() -> None:
    doc = d.dahua_oem("Private", "6C01E93PAG69A7D")
    doc["dahua_discovery"][0]["raw"] = doc["dahua_discovery"][0]["raw"].replace(
        "IP2M-841", "<script>alert(1)</script>"
    )
    v = ENGINE.identify(doc).to_dict()
    assert v["manufacturer"] == "Dahua"
    assert v["model"] in (None, "<script>alert(1)</script>")  # kept verbatim, escaped on output


def test_the_good_parts_of_a_partly_broken_document_still_count() -> None:
    doc = d.hikvision_camera()
    doc["wsdiscovery"] = [{"raw": WSD_BOMB}]
    v = ENGINE.identify(doc).to_dict()
    assert v["manufacturer"] == "Hikvision" and v["errors"]


def test_not_an_object() -> None:
    for doc in ([], "x", 3, None):
        v = ENGINE.identify(doc).to_dict()
        assert v["errors"] and v["device_type"] == "unknown"


_text = st.text(max_size=200) | st.sampled_from(
    [XXE, BOMB, d.HIK_SADP, d.HIK_RTSP_401, "HTTP/1.1 200 OK\r\n\r\n", "RTSP/1.0 401 x\r\n\r\n"]
)
_scalar = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | _text
_value = st.recursive(
    _scalar,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "raw",
                    "raw_b64",
                    "port",
                    "path",
                    "tls",
                    "pem",
                    "subject",
                    "issuer",
                    "description",
                    "service",
                    "name",
                    "properties",
                    "Manufacturer",
                    "Model",
                    "sysDescr",
                    "sysObjectID",
                    "authenticated",
                ]
            )
            | _text,
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)
_KEYS = [
    "ip",
    "mac",
    "open_ports",
    "http",
    "tls",
    "rtsp",
    "wsdiscovery",
    "onvif",
    "onvif_device_information",
    "sadp",
    "dahua_discovery",
    "ssdp",
    "mdns",
    "snmp",
    "probe_errors",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(_KEYS), _value, max_size=8))
def test_identify_never_raises(doc: dict[str, Any]) -> None:
    v = ENGINE.identify(doc).to_dict()
    json.dumps(v)  # always serialisable
    assert 0.0 <= v["confidence"] <= 1.0


def _broken_dir(tmp_path: Path, text: str) -> Path:
    for name in ("manufacturers.yaml", "oem.yaml"):
        shutil.copy(FINGERPRINTS / name, tmp_path / name)
    (tmp_path / "broken.yaml").write_text(text, encoding="utf-8")
    return tmp_path


GOOD = """rules:
  - id: t.one
    field: http.server
    regex: '^X$'
    asserts: {manufacturer: Axis}
    source: test
    examples:
      - value: X
        expect: {manufacturer: Axis}
        source: test
"""


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        (GOOD.replace("'^X$'", "'^(X$'"), 2, "bad regex"),
        (
            GOOD.replace(
                "    source: test\n    examples", "    colour: red\n    source: test\n    examples"
            ),
            2,
            "unknown keys",
        ),
        (GOOD.split("    examples:")[0], 2, "no examples"),
        (GOOD.replace("field: http.server", "field: http.sever"), 2, "unknown field"),
        (GOOD.replace("        expect: {manufacturer: Axis}\n", ""), 8, "expect"),
        (
            GOOD.replace("manufacturer: Axis}\n    source", "manufacturer: Axxis}\n    source"),
            2,
            "manufacturers.yaml",
        ),
        (GOOD + "  - id: [unclosed\n", 12, "invalid YAML"),
        (GOOD.replace("'^X$'", "'(?=[\\s\\S]*X)'"), 2, "must start with \\A"),
    ],
    ids=[
        "bad-regex",
        "unknown-key",
        "missing-example",
        "unknown-field",
        "missing-expect",
        "unknown-maker",
        "bad-yaml",
        "unanchored-lookahead",
    ],
)
def test_broken_rule_file_names_file_and_line(
    tmp_path: Path, text: str, line: int, needle: str
) -> None:
    with pytest.raises(FingerprintDataError) as err:
        load_rules(_broken_dir(tmp_path, text))
    msg = str(err.value)
    assert f"broken.yaml:{line}:" in msg, msg
    assert needle in msg, msg


def test_good_file_loads(tmp_path: Path) -> None:
    rs = load_rules(_broken_dir(tmp_path, GOOD))
    assert any(r.id == "t.one" for r in rs.rules)


MAKER_FILE = """manufacturers:
  - name: Testmaker
    makes: cameras
brands:
  - brand: Testbrand
    manufacturer: Testmaker
    level: strong
    evidence: owned by Testmaker
    sources: [test]
    examples:
      - value: Testbrand
        expect: {manufacturer: Testmaker}
        source: test
rules:
  - id: t.maker
    field: http.server
    literal: Testmaker-Webs
    asserts: {manufacturer: Testmaker}
    source: test
    examples:
      - value: Testmaker-Webs
        expect: {manufacturer: Testmaker}
        source: test
"""


def test_a_maker_file_declares_its_maker_and_brands(tmp_path: Path) -> None:
    rs = load_rules(_broken_dir(tmp_path, MAKER_FILE))
    assert rs.manufacturers["Testmaker"].makes == "cameras"
    assert rs.oem["testbrand"].manufacturer == "Testmaker"
    assert any(r.id == "t.maker" for r in rs.rules)


def test_a_maker_declared_twice_is_refused(tmp_path: Path) -> None:
    text = MAKER_FILE.replace("name: Testmaker", "name: Axis").replace("Testmaker}", "Axis}")
    with pytest.raises(FingerprintDataError, match="declared twice"):
        load_rules(_broken_dir(tmp_path, text))


def _cli(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "camscan", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_identify_one_and_many(tmp_path: Path) -> None:
    r = _cli(["identify", "-"], json.dumps(d.hikvision_camera()))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["manufacturer"] == "Hikvision"
    lines = tmp_path / "many.jsonl"
    lines.write_text(json.dumps(d.axis_camera()) + "\n\n" + json.dumps(d.printer()) + "\n")
    r = _cli(["identify", "--many", str(lines)])
    assert r.returncode == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["manufacturer"] for o in out] == ["Axis", "HP"]
    arr = tmp_path / "many.json"
    arr.write_text(json.dumps([d.axis_camera(), "not an object"]))
    out = [json.loads(x) for x in _cli(["identify", "--many", str(arr)]).stdout.splitlines()]
    assert out[0]["manufacturer"] == "Axis" and out[1]["errors"]


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (["identify", "-"], "{not json", "invalid JSON"),
        (["identify", "/nonexistent/capture.json"], None, "cannot read"),
    ],
)
def test_cli_identify_errors(args: list[str], stdin: str | None, needle: str) -> None:
    r = _cli(args, stdin)
    assert r.returncode == 2
    assert needle in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
