"""Issue 4 and 5 acceptance on the simulated site: everything found on both segments,
the makers right, white labels revealed, no ordinary host called a camera, hostile hosts
recorded without stalling the scan."""

from __future__ import annotations

import collections
from typing import Any

import pytest

from tests.e2e.conftest import LabScan

pytestmark = pytest.mark.lab


def test_every_camera_found_on_both_segments(lab_scan: LabScan) -> None:
    found = lab_scan.by_ip
    cams = [h for h in lab_scan.truth if h["is_camera"]]
    assert {h["segment"] for h in cams} == {"local", "routed"}
    missed = [
        (h["ip"], h["personality"]) for h in cams if not found.get(h["ip"], {}).get("is_camera")
    ]
    assert not missed, f"cameras not reported as cameras: {missed}"


def test_ordinary_hosts_listed_and_not_cameras(lab_scan: LabScan) -> None:
    found = lab_scan.by_ip
    ordinary = [
        h for h in lab_scan.truth if not h["is_camera"] and "hostile" not in h["personality"]
    ]
    assert ordinary
    wrongly = [
        (h["ip"], h["personality"], found[h["ip"]]["manufacturer"])
        for h in ordinary
        if found.get(h["ip"], {}).get("is_camera")
    ]
    assert not wrongly, f"ordinary hosts called cameras: {wrongly}"
    unlisted = [h["ip"] for h in ordinary if h["ip"] not in found]
    assert not unlisted, f"ordinary hosts not listed: {unlisted}"


def _confusion(lab_scan: LabScan) -> collections.Counter[tuple[str, str]]:
    found = lab_scan.by_ip
    return collections.Counter(
        (h["manufacturer"], str(found.get(h["ip"], {}).get("manufacturer")))
        for h in lab_scan.truth
        if h["is_camera"]
    )


def test_manufacturer_accuracy(lab_scan: LabScan) -> None:
    table = _confusion(lab_scan)
    print("\nconfusion (actual maker -> camscan's verdict):")
    for (actual, said), n in sorted(table.items()):
        print(f"  {actual:<14} -> {said:<14} {n:4d}{'' if actual == said else '  <-- wrong'}")
    total = sum(table.values())
    right = sum(n for (a, s), n in table.items() if a == s)
    print(f"  {right}/{total} correct = {right / total:.1%}")
    assert right / total >= 0.98


def test_white_labels_revealed(lab_scan: LabScan) -> None:
    found = lab_scan.by_ip
    white = [h for h in lab_scan.truth if h["is_camera"] and h["brand"] != h["manufacturer"]]
    assert len({h["brand"] for h in white}) >= 6
    bad: list[Any] = []
    for h in white:
        d = found.get(h["ip"], {})
        if not (d.get("white_label") and d.get("manufacturer") == h["manufacturer"]):
            bad.append(
                (
                    h["ip"],
                    h["brand"],
                    h["manufacturer"],
                    d.get("brand"),
                    d.get("manufacturer"),
                    d.get("white_label"),
                )
            )
    assert not bad, f"white-label units not revealed: {bad}"


def test_hostile_hosts_recorded_not_fatal(lab_scan: LabScan) -> None:
    assert lab_scan.summary["status"] == "complete"
    hostile = [h for h in lab_scan.truth if "hostile" in h["personality"]]
    assert hostile, "the default mix holds hostile hosts"
    found = lab_scan.by_ip
    recorded = [h for h in hostile if h["ip"] in found and found[h["ip"]]["errors"]]
    assert recorded, "hostile hosts leave a record of what failed"
    assert "Traceback" not in lab_scan.stderr


def test_routed_cameras_keep_their_mac_identity(lab_scan: LabScan) -> None:
    """Behind the router ARP cannot see a MAC; SADP, DHIP or ONVIF GetNetworkInterfaces
    (with the lab's credentials) must give each routed camera its own, as the truth says."""
    routed = [h for h in lab_scan.truth if h["is_camera"] and h["segment"] == "routed"]
    assert routed
    found = lab_scan.by_ip
    wrong = [
        (h["ip"], h["personality"], found.get(h["ip"], {}).get("mac"), h["mac"])
        for h in routed
        if (found.get(h["ip"], {}).get("mac") or "").lower() != h["mac"].lower()
    ]
    assert not wrong, f"routed cameras without their own MAC: {wrong}"
