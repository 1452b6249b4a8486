"""Every personality is a valid, cited record whose templates render to well-formed replies.

Pure tests: no sockets.  The wire behaviour is tested by the lab tests (tests/lab).
"""

from __future__ import annotations

import json
import re
from collections import Counter

import defusedxml
import defusedxml.ElementTree as DET
import pytest
from personality_render import render

from camscan_lab.personalities import (
    ALL,
    CAMERA_TYPES,
    CANONICAL_MANUFACTURERS,
    DEVICE_TYPES,
    by_name,
)
from camscan_lab.personalities.base import Personality, draw_serial, firmware_parts

HOSTILE_TOKENS = {
    "tarpit",
    "slowloris",
    "endless-body",
    "xxe",
    "entity-bomb",
    "bad-utf8",
    "script-model",
    "malformed-udp",
    "all-ports",
}
# Hostile payloads that are not well-formed on purpose.
MALFORMED_ON_PURPOSE = {"xxe", "entity-bomb", "bad-utf8", "malformed-udp"}
OUI = re.compile(r"^[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$")
TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110 header field name

ids = [p.name for p in ALL]


def _wellformed(p: Personality) -> bool:
    return not (set(p.hostile) & MALFORMED_ON_PURPOSE)


def test_names_unique_and_found() -> None:
    counts = Counter(p.name for p in ALL)
    assert [n for n, c in counts.items() if c > 1] == []
    for p in ALL:
        assert by_name(p.name) is p
    with pytest.raises(KeyError, match="unknown personality"):
        by_name("no-such-device")


@pytest.mark.parametrize("p", ALL, ids=ids)
def test_ground_truth_valid(p: Personality) -> None:
    assert p.device_type in DEVICE_TYPES
    assert p.is_camera == (p.device_type in CAMERA_TYPES)
    # Corpus replays carry the corpus's maker names (the fingerprint files' canonical names).
    assert p.manufacturer in CANONICAL_MANUFACTURERS or p.name.startswith("corpus-")
    assert p.brand
    assert p.weight > 0
    assert p.models and all(p.models)
    assert p.firmwares and all(p.firmwares)
    assert p.ouis and all(OUI.match(o) for o in p.ouis), p.ouis
    assert set(p.hostile) <= HOSTILE_TOKENS
    # The e2e tests tell hostile hosts apart by name.
    assert bool(p.hostile) == ("hostile" in p.name)


@pytest.mark.parametrize("p", ALL, ids=ids)
def test_cites_sources(p: Personality) -> None:
    assert p.sources, f"{p.name} cites no source"
    assert all(len(s) > 10 for s in p.sources)


@pytest.mark.parametrize("p", ALL, ids=ids)
def test_serials_draw(p: Personality) -> None:
    import random

    serials = {
        draw_serial(p.serial_format, p.models[0], f"{p.ouis[0]}:00:00:{i:02x}", random.Random(i))
        for i in range(20)
    }
    assert all(serials)
    # Serial numbers tell hosts apart (the inventory merges on them).
    assert len(serials) > 15


@pytest.mark.parametrize("p", ALL, ids=ids)
def test_http_replies_well_formed(p: Personality) -> None:
    r = render(p)
    for (port, path), (status, reason, headers, body) in r.http.items():
        assert p.http[port][path].version in ("HTTP/1.0", "HTTP/1.1")
        assert 0 < port < 65536
        assert path == "*" or path.startswith("/"), path
        assert 100 <= status <= 599 and reason and "\r" not in reason and "\n" not in reason
        for name, value in headers:
            assert TOKEN.match(name), (path, name)
            assert "\r" not in value and "\n" not in value, (path, name)
        ctype = next((v for k, v in headers if k.lower() == "content-type"), "")
        if "xml" in ctype and body and _wellformed(p):
            DET.fromstring(body.lstrip("\ufeff").encode())
        if "json" in ctype and _wellformed(p):
            json.loads(body)
    assert set(p.https_ports) <= set(p.http), "an HTTPS port without HTTP replies"
    if p.https_ports:
        assert p.tls_subject, "TLS served without a certificate subject"


@pytest.mark.parametrize("p", [p for p in ALL if p.rtsp], ids=[p.name for p in ALL if p.rtsp])
def test_rtsp_replies_well_formed(p: Personality) -> None:
    r = render(p)
    for key in ("rtsp.options", "rtsp.describe"):
        text = r.texts[key]
        assert text.startswith("RTSP/1.0 "), key
        head, sep, body = text.partition("\r\n\r\n")
        assert sep, f"{key}: no blank line after the headers"
        lines = head.split("\r\n")
        assert re.match(r"^RTSP/1\.0 \d{3} \S", lines[0])
        assert all(":" in line and "\n" not in line for line in lines[1:]), key
        assert any(line.startswith("CSeq:") for line in lines), key
        length = [line for line in lines if line.lower().startswith("content-length:")]
        if body:
            assert length and int(length[0].split(":")[1]) == len(body.encode())


@pytest.mark.parametrize("p", ALL, ids=ids)
def test_discovery_payloads_parse(p: Personality) -> None:
    r = render(p)
    if not _wellformed(p):
        return
    for key in ("sadp", "ssdp.description", "onvif.probe_match"):
        if key in r.texts:
            if key == "onvif.probe_match" and "wsd-truncated" in p.quirks:
                # Cut mid-document on purpose: not XML, but types and scopes are readable.
                with pytest.raises(DET.ParseError):
                    DET.fromstring(r.texts[key].encode())
                assert "NetworkVideoTransmitter" in r.texts[key]
                assert "onvif://www.onvif.org/hardware/" in r.texts[key]
                continue
            DET.fromstring(r.texts[key].encode())
    if "dhip" in r.texts:
        doc = json.loads(r.texts["dhip"])
        assert doc["params"]["deviceInfo"]
    if p.onvif:
        assert r.texts["onvif.epr"].startswith("urn:uuid:")
        assert all(s.startswith("onvif://www.onvif.org/") for s in p.onvif.scopes)
        assert " " not in r.texts["onvif.scopes"].replace(" onvif://", "")


def test_firmware_parts() -> None:
    assert firmware_parts("V5.5.0 build 170725") == ("V5.5.0", "build 170725")
    assert firmware_parts("2.800.0000000.6.R, Build Date: 2020-03-14") == (
        "2.800.0000000.6.R",
        "Build Date: 2020-03-14",
    )
    assert firmware_parts("7.1.2") == ("7.1.2", "")


def test_default_mix_shares() -> None:
    from camscan_lab.personalities import GROUPS, MIX_SHARES, mix_group, mix_weights

    for group in GROUPS:
        assert sum(p.weight for p in ALL if mix_group(p) == group) == pytest.approx(100.0)
    classic = mix_weights("classic")
    for group, share in MIX_SHARES.items():
        assert sum(w for p, w in classic if mix_group(p) == group) == pytest.approx(share)
    cams = [p for p in ALL if p.is_camera and not p.hostile and not p.field]
    by_maker = Counter[str]()
    for p in cams:
        by_maker[p.manufacturer] += p.weight
    # Hikvision and Dahua families (OEM units included) are the largest share of cameras.
    assert [m for m, _ in by_maker.most_common(2)] == ["Hikvision", "Dahua"]
    assert by_maker["Hikvision"] + by_maker["Dahua"] > 0.6 * sum(by_maker.values())


def test_issue_population_present() -> None:
    white = {p.brand for p in ALL if p.is_camera and p.brand != p.manufacturer}
    hik_oem = {p.brand for p in ALL if p.manufacturer == "Hikvision" and p.brand != "Hikvision"}
    dahua_oem = {p.brand for p in ALL if p.manufacturer == "Dahua" and p.brand != "Dahua"}
    assert len(hik_oem) >= 3 and len(dahua_oem) >= 3 and len(white) >= 6
    makers = {p.manufacturer for p in ALL if p.is_camera}
    assert {
        "Axis",
        "Hanwha",
        "Bosch",
        "Uniview",
        "Vivotek",
        "Mobotix",
        "Ubiquiti",
        "Reolink",
        "Xiongmai",
        "Milesight",
    } <= makers
    for maker in ("Hikvision", "Dahua"):
        types = {p.device_type for p in ALL if p.manufacturer == maker and p.brand == maker}
        assert {"camera", "nvr", "dvr"} <= types
    hik_gens = {
        p.http[80]["/doc/page/login.asp"].headers[0][1]
        for p in ALL
        if p.brand == "Hikvision" and p.device_type == "camera" and 80 in p.http
    }
    assert len(hik_gens) >= 2, "two Hikvision camera firmware generations"
    tokens = {t for p in ALL for t in p.hostile}
    assert tokens == HOSTILE_TOKENS


@pytest.mark.parametrize(
    "p", [p for p in ALL if {"xxe", "entity-bomb"} & set(p.hostile)], ids=lambda p: p.name
)
def test_hostile_xml_is_refused_by_defusedxml(p: Personality) -> None:
    r = render(p)
    poisoned = [
        r.texts[k]
        for k in ("sadp", "ssdp.description", "onvif.probe_match")
        if k in r.texts and "<!DOCTYPE" in r.texts[k]
    ]
    assert poisoned
    for text in poisoned:
        with pytest.raises(
            (
                defusedxml.EntitiesForbidden,
                defusedxml.DTDForbidden,
                defusedxml.ExternalReferenceForbidden,
            )
        ):
            DET.fromstring(text.encode())


def test_hostile_cameras_keep_their_maker() -> None:
    hostile_cams = [p for p in ALL if p.hostile and p.is_camera]
    assert {p.manufacturer for p in hostile_cams} >= {"Hikvision", "Dahua"}
    for p in hostile_cams:
        # Still identifiable over a service that is not the poisoned one.
        assert p.http or p.rtsp, p.name
    for p in ALL:
        if p.hostile and not p.is_camera and p.manufacturer == "Unknown":
            assert p.device_type == "not_camera"


@pytest.mark.parametrize("p", ALL, ids=ids)
def test_reachable_over_tcp(p: Personality) -> None:
    """Multicast does not cross the router: every host needs a TCP service a unicast scan of
    the routed segment can find (all-ports hosts answer on every port by definition)."""
    tcp = set(p.http) | set(p.tcp_banners) | set(p.tcp_replies) | set(p.tcp_silent)
    if p.rtsp:
        tcp.add(p.rtsp.port)
    assert tcp or "all-ports" in p.hostile


@pytest.mark.parametrize("p", ALL, ids=ids)
def test_every_rendered_text_encodes_for_the_wire(p: Personality) -> None:
    """Only \\udc80-\\udcff surrogates are allowed (they become raw bytes 0x80-0xff)."""
    from camscan_lab.personalities.encode import to_bytes

    r = render(p)
    for text in r.texts.values():
        to_bytes(text)
    for _status, _reason, headers, body in r.http.values():
        to_bytes(body)
        for name, value in headers:
            to_bytes(f"{name}: {value}")


@pytest.mark.parametrize("mix", ["field", "classic", "default", "cameras", "hostile"])
def test_mixes_add_up(mix: str) -> None:
    from camscan_lab.personalities import MIXES, mix_group, mix_weights, resolve_mix

    pairs = mix_weights(mix)
    assert sum(w for _, w in pairs) == pytest.approx(100.0)
    groups = {mix_group(p) for p, _ in pairs}
    assert groups == {g for g, share in MIXES[resolve_mix(mix)].items() if share > 0}
    if mix == "cameras":
        assert all(p.is_camera and not p.hostile for p, _ in pairs)
    if mix != "field":
        assert not [p for p, _ in pairs if p.field or p.quirks], "quirks only in the field mix"
    with pytest.raises(KeyError, match="unknown mix"):
        mix_weights("everything")


def test_field_mix_quirks_and_lookalikes() -> None:
    """Every quirk of base.QUIRKS is carried by some field personality; camera variants keep
    their family's ground truth; the look-alikes are ordinary hosts with a cited source."""
    from camscan_lab.personalities import mix_weights
    from camscan_lab.personalities.base import QUIRKS

    field = [p for p, _ in mix_weights("field") if p.field]
    assert {q for p in field for q in p.quirks} == QUIRKS
    for p in ALL:
        assert set(p.quirks) <= QUIRKS, p.name
    variants = [p for p in field if p.is_camera and p.quirks]
    assert {p.device_type for p in variants} == {"camera", "nvr", "dvr", "encoder"}
    assert any(p.brand != p.manufacturer for p in variants), "a white label with a quirk"
    for p in variants:
        base = by_name(p.name.split("+", 1)[0])
        assert (p.manufacturer, p.brand, p.device_type, p.models) == (
            base.manufacturer,
            base.brand,
            base.device_type,
            base.models,
        )
        assert p.quirks and p.name == f"{base.name}+{p.quirks[-1]}"
    replays = [
        p for p in field if p.is_camera and not p.quirks and not p.name.startswith("corpus-")
    ]
    assert len(replays) >= 2 and all(p.name.endswith("-replay") for p in replays)
    cited = [p for p in replays if "@" in p.sources[0] or "://" in p.sources[0]]
    assert cited == replays, "a replay cites its capture first"
    lookalikes = [p for p in field if not p.is_camera and not p.name.startswith("corpus-")]
    assert len(lookalikes) >= 12 and all(p.device_type == "not_camera" for p in lookalikes)
    assert all(any("@" in s or "://" in s for s in p.sources) for p in lookalikes)
    # catch-all and 401-everywhere hosts answer only through their "*" path
    for p in ALL:
        if {"catch-all", "auth-everywhere"} & set(p.quirks):
            assert all(set(paths) == {"*"} for paths in p.http.values()), p.name


def test_replays_send_the_captured_bytes() -> None:
    """The Haicam captures keep their quirks: tab-indented SADP with ``flase`` twice and
    SDKOverTLSPort before SDKServerStatus; DHIP names its maker "Private"."""
    hik = render(by_name("hikvision-ds-2cd2385g1-replay"))
    sadp = hik.texts["sadp"]
    assert sadp.count("flase") == 2 and "\t<DeviceType>141945</DeviceType>\n" in sadp
    assert sadp.index("SDKOverTLSPort") < sadp.index("SDKServerStatus")
    assert "<DeviceSN>" + hik.fields["serial"] + "</DeviceSN>" in sadp
    probe = DET.fromstring(hik.texts["onvif.probe_match"].encode())
    assert probe.tag.endswith("}Envelope")
    dh = json.loads(render(by_name("dahua-ipc-hdw1431t1-replay")).texts["dhip"])
    info = dh["params"]["deviceInfo"]
    assert (info["Vendor"], info["Manufacturer"], info["Find"]) == ("Private", "Private", "BC")
    assert info["IPv6Address"]["DefaultGateway"] is None
    amcrest = render(by_name("amcrest-ipc-rtsp-replay"))
    assert "Server:" not in amcrest.texts["rtsp.describe"]
    assert f'realm="Login to {amcrest.fields["serial"]}"' in amcrest.texts["rtsp.describe"]
    sdp = render(by_name("hikvision-ipc-rtsp-open-replay")).texts["rtsp.describe"]
    head, _, body = sdp.partition("\r\n\r\n")
    assert "s=HIK Media Server V5.03.010" in body
    assert f"Content-Length: {len(body.encode())}" in head
