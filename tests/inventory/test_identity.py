"""A device keeps one identity across scans: IP change, firmware change, disappearing and
returning, on a real SQLite file."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from camscan.fingerprint.verdict import Verdict
from camscan.inventory import models as m
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory
from camscan.observations import Observation

SCOPE = {"targets": ["10.1.0.0/24"], "cidrs": ["10.1.0.0/24"]}


def verdict(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "is_camera": True,
        "device_type": "camera",
        "brand": "Hikvision",
        "manufacturer": "Hikvision",
        "white_label": False,
        "model": "DS-2CD2143G0-I",
        "firmware": "V5.5.0 build 170725",
        "serial": None,
        "confidence": 0.9,
        "evidence": [],
        "errors": [],
        "endpoint_reference": None,
        "mac": None,
    }
    base.update(kw)
    return base


def http_obs(ip: str) -> list[Observation]:
    raw = b"HTTP/1.1 200 OK\r\nServer: App-webs/\r\n\r\n<html></html>"
    return [
        Observation(probe="tcp", ip=ip, port=80),
        Observation(probe="http", ip=ip, port=80, raw=raw, meta={"path": "/", "tls": False}),
    ]


def scan(inv: Inventory, hosts: list[tuple[str, str | None, dict[str, Any]]]) -> int:
    sid = repo.start_scan(inv, "school", SCOPE, {})
    for ip, mac, v in hosts:
        repo.record_host(inv, sid, ip, mac, http_obs(ip), Verdict.from_dict(v))
    repo.finish_scan(inv, sid, "complete", len(hosts))
    return sid


def history(inv: Inventory, dev_id: int) -> list[tuple[str, str | None, str | None]]:
    with inv.session() as s:
        return [
            (c.field, c.old_value, c.new_value)
            for c in s.scalars(
                select(m.Change).where(m.Change.device_id == dev_id).order_by(m.Change.id)
            )
        ]


def test_three_scans(inv: Inventory) -> None:
    cam_mac = "44:19:B6:00:00:01"  # a Hikvision OUI block, written in capitals
    routed = {"serial": "DS-2CD2143G0-I20200101AAWRE12345678"}
    s1 = scan(
        inv,
        [
            ("10.1.0.10", cam_mac, verdict()),  # local: identified by MAC
            ("10.1.0.20", None, verdict(**routed)),  # routed: no MAC, identified by serial
            ("10.1.0.30", None, verdict(endpoint_reference="urn:uuid:abcdef01-0000-1111-2222")),
            ("10.1.0.40", None, verdict(brand="Axis", manufacturer="Axis")),  # nothing but the IP
        ],
    )
    devs = {d.ip: d for d in queries.list_devices(inv)}
    assert len(devs) == 4
    assert devs["10.1.0.10"].mac == "44:19:b6:00:00:01"
    ids = {ip: d.id for ip, d in devs.items() if ip}

    # scan 2: the MAC device moved to .11; the serial device got new firmware and a new IP;
    # the ONVIF device is missing; the IP-only device is the same
    s2 = scan(
        inv,
        [
            ("10.1.0.11", "44-19-b6-00-00-01", verdict()),
            ("10.1.0.21", None, verdict(firmware="V5.7.3 build 220112", **routed)),
            ("10.1.0.40", None, verdict(brand="Axis", manufacturer="Axis")),
        ],
    )
    devs2 = {d.id: d for d in queries.list_devices(inv)}
    assert len(devs2) == 4, "no duplicate devices after IP and firmware changes"
    assert devs2[ids["10.1.0.10"]].ip == "10.1.0.11"
    assert devs2[ids["10.1.0.20"]].firmware == "V5.7.3 build 220112"
    assert ("ip", "10.1.0.10", "10.1.0.11") in history(inv, ids["10.1.0.10"])
    assert ("firmware", "V5.5.0 build 170725", "V5.7.3 build 220112") in history(
        inv, ids["10.1.0.20"]
    )
    assert ("presence", "present", "missing") in history(inv, ids["10.1.0.30"])

    # scan 3: the ONVIF device returns at a new address, found by its endpoint reference
    s3 = scan(
        inv,
        [
            ("10.1.0.31", None, verdict(endpoint_reference="URN:UUID:ABCDEF01-0000-1111-2222")),
            ("10.1.0.11", "44:19:b6:00:00:01", verdict()),
        ],
    )
    devs3 = {d.id: d for d in queries.list_devices(inv)}
    assert len(devs3) == 4
    onvif = devs3[ids["10.1.0.30"]]
    assert onvif.ip == "10.1.0.31"
    h = history(inv, ids["10.1.0.30"])
    assert h[-2:] == [("presence", "missing", "present"), ("ip", "10.1.0.30", "10.1.0.31")]
    assert onvif.first_seen and onvif.last_seen and onvif.first_seen <= onvif.last_seen
    # the old values are kept as addresses too
    detail = queries.device_detail(inv, str(ids["10.1.0.30"]))
    assert [a["ip"] for a in detail.addresses] == ["10.1.0.30", "10.1.0.31"]
    assert detail.scans == [s1, s3]

    changes = queries.scan_changes(inv, s1, s2)
    assert [d.ip for d in changes.missing] == ["10.1.0.31"]  # current ip of the device
    assert {m.old_ip for m in changes.moved} == {"10.1.0.10", "10.1.0.20"}
    assert [c["new"] for c in changes.firmware_changed] == ["V5.7.3 build 220112"]
    assert [d.id for d in queries.scan_changes(inv, s2, s3).new] == [ids["10.1.0.30"]]
    # the JSON form keeps the moved device's record with its two addresses
    moved = queries.scan_changes(inv, s1, s2).as_dict()["moved"]
    assert {(d["id"], d["old_ip"], d["new_ip"]) for d in moved} == {
        (ids["10.1.0.10"], "10.1.0.10", "10.1.0.11"),
        (ids["10.1.0.20"], "10.1.0.20", "10.1.0.21"),
    }


def test_conflicting_mac_is_another_device(inv: Inventory) -> None:
    scan(inv, [("10.1.0.10", "44:19:b6:00:00:01", verdict())])
    # same IP, other MAC: a replacement unit, not the same device
    scan(inv, [("10.1.0.10", "44:19:b6:00:00:02", verdict(model="DS-2CD2347G2-LU"))])
    rows = queries.list_devices(inv)
    assert len(rows) == 2
    assert {r.model for r in rows} == {"DS-2CD2143G0-I", "DS-2CD2347G2-LU"}


def test_placeholder_serials_do_not_merge(inv: Inventory) -> None:
    scan(
        inv,
        [
            ("10.1.0.50", None, verdict(serial="0000000000")),
            ("10.1.0.51", None, verdict(serial="unknown")),
        ],
    )
    assert len(queries.list_devices(inv)) == 2


def test_services_and_observations_kept(inv: Inventory) -> None:
    big = b"HTTP/1.1 200 OK\r\n\r\n" + b"A" * 70000
    sid = repo.start_scan(inv, "school", SCOPE, {})
    obs = [
        Observation.capped("http", "10.1.0.60", big, port=8080, meta={"path": "/"}),
        Observation(probe="rtsp", ip="10.1.0.60", port=554, error="timeout after 3.0 s"),
    ]
    dev = repo.record_host(inv, sid, "10.1.0.60", None, obs, Verdict.from_dict(verdict()))
    detail = queries.device_detail(inv, str(dev))
    o = {x["probe"]: x for x in detail.observations}
    assert o["http"]["bytes"] == 64 * 1024 and o["http"]["truncated"] is True
    assert o["rtsp"]["error"] == "timeout after 3.0 s"
    assert [(s["port"], s["name"]) for s in detail.services] == [(8080, "http")]
    doc = queries.evidence_for(inv, str(dev))
    assert doc["http"][0]["port"] == 8080
    assert {"probe": "rtsp", "port": 554, "error": "timeout after 3.0 s"} in doc["probe_errors"]


def test_a_partial_rescan_marks_only_its_own_scope_missing(inv: Inventory) -> None:
    """Re-scanning one /26 of a site says nothing of the devices outside it."""
    s1 = scan(inv, [(f"10.1.0.{n}", None, verdict(serial=f"SN{n}")) for n in (10, 20, 100, 110)])
    part = {**SCOPE, "cidrs": ["10.1.0.0/26"]}
    s2 = repo.start_scan(inv, "school", part, {})
    repo.record_host(
        inv, s2, "10.1.0.10", None, http_obs("10.1.0.10"), Verdict.from_dict(verdict(serial="SN10"))
    )
    repo.finish_scan(inv, s2, "complete", 1)
    changes = queries.scan_changes(inv, s1, s2)
    assert [d.ip for d in changes.missing] == ["10.1.0.20"]
    assert sorted(str(d.ip) for d in changes.not_scanned) == ["10.1.0.100", "10.1.0.110"]
    ids = {d.ip: d.id for d in queries.list_devices(inv)}
    assert ("presence", "present", "missing") in history(inv, ids["10.1.0.20"])
    assert all(h[0] != "presence" for h in history(inv, ids["10.1.0.100"]))


@pytest.mark.parametrize(
    ("spelling", "mac"),
    [
        ("44:19:B6:00:00:01", "44:19:b6:00:00:01"),
        ("44-19-b6-00-00-01", "44:19:b6:00:00:01"),
        ("44 19 b6 00 00 01", "44:19:b6:00:00:01"),  # how some ONVIF/SADP replies write it
        ("4419B6000001", "44:19:b6:00:00:01"),
        ("4419.b600.0001", "44:19:b6:00:00:01"),  # Cisco's show mac address-table
        ("44:19-b6:00:00:01", None),  # mixed separators: not one spelling
        ("00:00:00:00:00:00", None),
        ("ff:ff:ff:ff:ff:ff", None),
        ("MAC 44:19:b6:00:00:01", None),
        ("44:19:b6:00:00", None),
    ],
)
def test_one_mac_normaliser_for_identity_and_parsers(spelling: str, mac: str | None) -> None:
    from camscan.inventory.identity import normalise_mac as for_identity
    from camscan.protocols._common import normalise_mac as for_parsers

    assert for_identity is for_parsers
    assert for_parsers(spelling) == mac
