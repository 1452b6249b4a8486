"""nmap's -sV reading as evidence: every camera nmap names in its XML is a camera in camscan's
import (bench/nmap_map.py's reading of the same file beside it), a port-number guess
(method="table") names nothing, a printer stays a printer, hostile attribute values are cut
and cleaned.  The service lines are nmap-service-probes product names
(nmap/nmap:nmap-service-probes@db4aefddfa348ec815ffa83a109c97e05db88766) in the element
layout of nmap/nmap:output.cc print_xml_service."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bench.imports import nmap_import_row
from camscan.app.ingest import import_file
from camscan.errors import FingerprintDataError
from camscan.fingerprint import load_engine
from camscan.fingerprint.extract import extract
from camscan.fingerprint.rules import RuleSet, build_rule
from camscan.fingerprint.verdict import Verdict
from camscan.imports import RecordError
from camscan.imports.nmap import NmapHost, host_observations, iter_nmap, parse_nmap_xml
from camscan.inventory import queries
from camscan.inventory.db import open_inventory
from camscan.observations import evidence_document
from camscan.protocols.nmapservice import parse_nmap_service

NMAP = Path(__file__).parents[1] / "bench" / "nmap-sample.xml"


def _xml(*services: str) -> bytes:
    hosts = "".join(
        f'<host><status state="up" reason="syn-ack" reason_ttl="64"/>'
        f'<address addr="10.9.0.{i + 1}" addrtype="ipv4"/><ports>'
        f'<port protocol="tcp" portid="80"><state state="open" reason="syn-ack" '
        f'reason_ttl="64"/>{svc}</port></ports></host>\n'
        for i, svc in enumerate(services)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n'
        f'<nmaprun scanner="nmap" version="7.93">\n{hosts}</nmaprun>\n'
    ).encode()


def _verdicts(data: bytes) -> dict[str, Verdict]:
    engine = load_engine()
    run = parse_nmap_xml(data)
    return {
        ip: engine.identify(evidence_document(ip, host_observations(h)))
        for ip, h in run.hosts.items()
    }


def test_sample_every_camera_nmap_names_is_a_camera(tmp_path: Path) -> None:
    row = nmap_import_row(NMAP, tmp_path, None)
    assert row.nmap_cameras == 4 and row.nmap_only == []
    assert row.camscan_cameras == 4 and row.both == 4 and row.camscan_white_labels == 1
    inv = open_inventory(str(tmp_path / "inv.db"))
    import_file(inv, NMAP, site="audit")
    devices = {d.ip: d for d in queries.list_devices(inv)}
    inv.close()
    amcrest, dahua = devices["10.77.8.20"], devices["10.77.0.12"]
    assert amcrest.is_camera and amcrest.brand == "Amcrest" and amcrest.manufacturer == "Dahua"
    assert amcrest.white_label
    assert dahua.is_camera and dahua.manufacturer == "Dahua"
    assert not devices["10.77.0.40"].is_camera  # HP LaserJet printer


def test_the_service_element_is_in_the_document() -> None:
    run = parse_nmap_xml(NMAP.read_bytes())
    doc = evidence_document("10.77.0.11", host_observations(run.hosts["10.77.0.11"]))
    entry = doc["nmap"][0]
    assert entry["port"] == 80 and 'product="Hikvision IP camera httpd"' in entry["raw"]
    fields = {(o.field, o.value) for o in extract(doc).observed}
    assert ("nmap.product", "Hikvision IP camera httpd") in fields
    assert ("nmap.devicetype", "webcam") in fields and ("nmap.method", "probed") in fields


def test_a_port_number_guess_names_nothing() -> None:
    # A forged method="table" reading with a maker's product: nmap never writes one (conf 3,
    # name only), and camscan reads no product field from it.
    table = '<service name="http" product="Hikvision IP camera httpd" devicetype="webcam" '
    verdicts = _verdicts(
        _xml(
            table + 'method="table" conf="3"/>',
            '<service name="rtsp" method="table" conf="3"/>',
        )
    )
    for v in verdicts.values():
        assert not v.is_camera and v.manufacturer is None
    svc = parse_nmap_service(table + 'method="table" conf="3"/>')
    assert svc.fields() == [("nmap.method", "table"), ("nmap.conf", "3")]
    # The same reading probed is a Hikvision camera.
    probed = _verdicts(_xml(table + 'method="probed" conf="10"/>'))["10.9.0.1"]
    assert probed.is_camera and probed.manufacturer == "Hikvision"


def test_a_printer_product_is_not_a_camera() -> None:
    v = _verdicts(
        _xml(
            '<service name="http" product="HP LaserJet printer http config" '
            'devicetype="printer" method="probed" conf="10"/>',
            '<service name="http" product="Axis 5400 print server web config" '
            'devicetype="print server" method="probed" conf="10"/>',
        )
    )
    assert not v["10.9.0.1"].is_camera
    axis = v["10.9.0.2"]
    assert not axis.is_camera and axis.device_type == "not_camera"


def test_hostile_attribute_values_are_cut_and_cleaned(tmp_path: Path) -> None:
    huge = "Hikvision IP camera httpd" + "A" * 2_000_000
    controls = "Dahua&#x9b;[2J&#x9;IP&#xa;camera&#x85; rtspd"  # C1 CSI, tab, newline, NEL
    data = _xml(
        f'<service name="http" product="{huge}" extrainfo="{"x" * 900_000}" '
        'method="probed" conf="10"/>',
        f'<service name="rtsp" product="{controls}" devicetype="webcam" method="probed" '
        'conf="99999999999999"/>',
    )
    run = parse_nmap_xml(data)
    assert not run.errors
    docs = {ip: evidence_document(ip, host_observations(h)) for ip, h in run.hosts.items()}
    first = docs["10.9.0.1"]["nmap"][0]["raw"]
    assert len(first) < 4096  # each attribute cut at 1 KiB in the stored element
    fields = {o.field: o.value for o in extract(docs["10.9.0.2"]).observed}
    assert fields["nmap.product"] == "Dahua [2J IP camera rtspd"
    assert "nmap.conf" not in fields  # not one of nmap's 0-10
    one = {o.field: o.value for o in extract(docs["10.9.0.1"]).observed}
    assert len(one["nmap.product"]) == 80 and len(one["nmap.extrainfo"]) == 256
    path = tmp_path / "hostile.xml"
    path.write_bytes(data)
    inv = open_inventory(str(tmp_path / "inv.db"))
    report = import_file(inv, path, site="x")
    devices = {d.ip: d for d in queries.list_devices(inv)}
    inv.close()
    assert report.record_errors == 0
    assert devices["10.9.0.1"].manufacturer == "Hikvision"
    assert devices["10.9.0.2"].manufacturer == "Dahua"


def test_a_broken_service_entry_is_one_error() -> None:
    doc = {"ip": "10.9.0.9", "nmap": [{"port": 80, "raw": "<service name="}, {"port": 1}, 7]}
    ex = extract(doc)
    assert [e["probe"] for e in ex.errors] == ["nmap", "nmap", "nmap"]
    assert not [o for o in ex.observed if o.field.startswith("nmap.")]


class _Trickle(io.BytesIO):
    """A file that hands out at most 3 bytes a read (references split across reads)."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(3)


def test_a_forbidden_character_reference_does_not_end_the_file() -> None:
    # nmap writes an ESC in a script output or banner as "&#x1b;" (nmap/nmap:xml.cc escape()),
    # which XML 1.0 forbids: before, expat stopped there and every later host was lost.
    data = _xml(
        '<service name="http" product="Hikvision IP camera httpd&#x1b;[31m&#0;&#65;" '
        'method="probed" conf="10"/>',
        '<service name="rtsp" product="Dahua IP camera rtspd" method="probed" conf="10"/>',
    )
    for stream in (io.BytesIO(data), _Trickle(data)):
        items = list(iter_nmap(stream))
        hosts = [h for h in items if isinstance(h, NmapHost)]
        assert [h.ip for h in hosts] == ["10.9.0.1", "10.9.0.2"]
        assert not [e for e in items if isinstance(e, RecordError)]
        assert hosts[0].services[0].product == "Hikvision IP camera httpd\ufffd[31m\ufffdA"
    v = _verdicts(data)
    assert v["10.9.0.1"].manufacturer == "Hikvision" and v["10.9.0.2"].manufacturer == "Dahua"


@pytest.mark.parametrize(
    ("fld", "value", "asserts"),
    [
        ("nmap.method", "table", {"brand": "Hikvision"}),
        ("nmap.conf", "3", {"device_type": "camera"}),
    ],
)
def test_no_rule_may_name_a_maker_or_camera_from_how_nmap_named_a_port(
    fld: str, value: str, asserts: dict[str, str]
) -> None:
    rule = {
        "id": "test.nmap.method",
        "field": fld,
        "literal": value,
        "asserts": asserts,
        "strength": "weak",
        "source": "tests/imports/test_nmap_services.py",
        "examples": [{"value": value, "expect": asserts, "source": "test"}],
    }
    with pytest.raises(FingerprintDataError, match="names no maker and no camera"):
        build_rule(Path("test.yaml"), rule, RuleSet())
