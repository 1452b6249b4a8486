"""nmap -oX parsing and the product-string -> manufacturer mapping (bench/nmap_*.py)."""

from __future__ import annotations

from pathlib import Path

from bench.nmap_map import attribute
from bench.nmap_xml import NmapRun, parse_nmap_xml, split_by_ip

SAMPLE = Path(__file__).with_name("nmap-sample.xml")


def _run() -> NmapRun:
    return parse_nmap_xml(SAMPLE.read_bytes())


def test_hosts_up_with_services_scripts_and_mac() -> None:
    run = _run()
    assert run.errors == []
    assert sorted(run.hosts) == [
        "10.77.0.11",
        "10.77.0.12",
        "10.77.0.30",
        "10.77.0.40",
        "10.77.0.99",
        "10.77.8.20",
    ]  # the host that was down is not listed
    hik = run.hosts["10.77.0.11"]
    assert hik.mac == "c0:56:e3:12:34:56"
    assert hik.mac_vendor == "Hangzhou Hikvision Digital Technology"
    assert [s.port for s in hik.open_services] == [80, 554]  # 8000 was closed
    http = hik.open_services[0]
    assert http.product == "Hikvision IP camera httpd" and http.devicetype == "webcam"
    assert http.scripts["http-server-header"] == "App-webs/"
    assert run.hosts["10.77.0.30"].services[0].cpes == ["cpe:/a:apache:http_server"]


def test_broadcast_findings_attached_to_their_host() -> None:
    run = _run()
    dahua = run.hosts["10.77.0.12"].broadcast["broadcast-upnp-info"]
    assert "Manufacturer: Dahua" in dahua and "Generic Router" not in dahua
    assert "Generic Router" in run.hosts["10.77.0.99"].broadcast["broadcast-upnp-info"]


def test_split_by_ip_stops_at_shallower_lines() -> None:
    out = (
        "\n  Devices\n    10.0.0.1\n        Type: a\n    10.0.0.2\n        Type: b\n  Other\n    x"
    )
    assert split_by_ip(out) == {"10.0.0.1": "Type: a", "10.0.0.2": "Type: b"}


def test_mapping_uses_nmaps_own_strings() -> None:
    run = _run()
    verdicts = {ip: attribute(h) for ip, h in run.hosts.items()}
    assert (verdicts["10.77.0.11"].is_camera, verdicts["10.77.0.11"].manufacturer) == (
        True,
        "Hikvision",
    )
    assert (verdicts["10.77.0.12"].is_camera, verdicts["10.77.0.12"].manufacturer) == (
        True,
        "Dahua",
    )
    # Axis makes print servers too: the name plus an RTSP service makes it a camera.
    assert (verdicts["10.77.0.30"].is_camera, verdicts["10.77.0.30"].manufacturer) == (
        True,
        "Axis",
    )
    # nmap names the brand, not the OEM; the mapping does not add knowledge nmap lacks.
    assert verdicts["10.77.8.20"].manufacturer == "Amcrest"
    assert verdicts["10.77.8.20"].is_camera
    for ip in ("10.77.0.40", "10.77.0.99"):
        assert not verdicts[ip].is_camera, verdicts[ip].evidence
        assert verdicts[ip].manufacturer is None


def test_device_type_from_product_words() -> None:
    xml = SAMPLE.read_bytes().replace(
        b"Hikvision IP camera httpd", b"Hikvision Network Video Recorder http admin"
    )
    assert attribute(parse_nmap_xml(xml).hosts["10.77.0.11"]).device_type == "nvr"


def test_xml_cut_short_keeps_finished_hosts() -> None:
    data = SAMPLE.read_bytes()
    cut = data.index(b'<address addr="10.77.0.30"')  # nmap killed while writing this host
    run = parse_nmap_xml(data[:cut])
    assert sorted(run.hosts) == ["10.77.0.11", "10.77.0.12", "10.77.8.20"]
    assert run.errors and "cut short" in run.errors[0]
    garbage = parse_nmap_xml(data[:200])
    assert garbage.hosts == {} and "unreadable" in garbage.errors[0]


def test_host_nmap_gave_up_on_is_listed_without_ports() -> None:
    xml = SAMPLE.read_bytes().replace(
        b'<host><status state="up" reason="echo-reply"',
        b'<host timedout="true"><status state="up" reason="echo-reply"',
    )
    host = parse_nmap_xml(xml).hosts["10.77.8.20"]
    assert host.timed_out and not parse_nmap_xml(SAMPLE.read_bytes()).hosts["10.77.8.20"].timed_out


def test_entity_bomb_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE n [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><nmaprun>&b;</nmaprun>'
    )
    run = parse_nmap_xml(bomb)
    assert run.hosts == {} and run.errors


def test_invalid_utf8_and_script_in_banner_kept_as_text() -> None:
    xml = SAMPLE.read_bytes().replace(
        b'output="App-webs/"', b'output="&lt;script&gt;alert(1)&lt;/script&gt;"'
    )
    host = parse_nmap_xml(xml).hosts["10.77.0.11"]
    assert host.open_services[0].scripts["http-server-header"] == "<script>alert(1)</script>"
    assert parse_nmap_xml(b"\xff\xfe<nmaprun>\x80</nmaprun>").errors
