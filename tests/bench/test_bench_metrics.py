"""Precision/recall/F1 and white-label attribution on tiny made-up sites (bench/metrics.py)."""

from __future__ import annotations

from typing import Any

import pytest

from bench.metrics import Found, from_device_records, score


def _host(ip: str, maker: str, brand: str | None = None, camera: bool = True) -> dict[str, Any]:
    return {
        "ip": ip,
        "manufacturer": maker if camera else "",
        "brand": brand or maker,
        "is_camera": camera,
        "device_type": "camera" if camera else "not_camera",
    }


TRUTH = [
    _host("10.0.0.1", "Hikvision"),
    _host("10.0.0.2", "Hikvision", brand="LTS"),  # white label
    _host("10.0.0.3", "Dahua", brand="Amcrest"),  # white label
    _host("10.0.0.4", "Axis"),
    _host("10.0.0.10", "", camera=False),  # a printer
    _host("10.0.0.11", "", camera=False),  # a PC
]


def test_perfect_tool() -> None:
    found = [Found(h["ip"], h["is_camera"], h["manufacturer"] or None) for h in TRUTH]
    s = score(TRUTH, found)
    assert (s.tp, s.fp, s.fn) == (4, 0, 0)
    assert s.precision == s.recall == s.f1 == 1.0
    assert (s.white_label_right, s.white_label_truth) == (2, 2)
    assert (s.hosts_found, s.cameras_found, s.false_cameras) == (6, 4, 0)


def test_wrong_maker_missed_camera_and_false_camera() -> None:
    found = [
        Found("10.0.0.1", True, "hikvision"),  # right (case does not matter)
        Found("10.0.0.2", True, "LTS"),  # brand, not maker: FP and FN
        Found("10.0.0.3", True, None),  # camera without maker: FN only
        # 10.0.0.4 missed: FN
        Found("10.0.0.10", True, "Dahua"),  # printer called a Dahua camera: FP
        Found("10.0.0.11", False, None),
        Found("10.0.0.254", False, None),  # the lab's router, not in the truth
    ]
    s = score(TRUTH, found)
    assert (s.tp, s.fp, s.fn) == (1, 2, 3)
    assert s.precision == pytest.approx(1 / 3)
    assert s.recall == pytest.approx(1 / 4)
    assert s.f1 == pytest.approx(2 * (1 / 3) * (1 / 4) / (1 / 3 + 1 / 4))
    assert (s.white_label_right, s.white_label_truth) == (0, 2)
    assert (s.cameras_found, s.false_cameras, s.false_camera_ips) == (3, 1, ["10.0.0.10"])
    assert s.wrong_makers == [("10.0.0.2", "Hikvision", "LTS")]
    assert (s.hosts_found, s.extra_hosts) == (5, 1)


def test_nothing_found_scores_zero_without_dividing_by_zero() -> None:
    s = score(TRUTH, [])
    assert (s.tp, s.fp, s.fn) == (0, 0, 4)
    assert s.precision == s.recall == s.f1 == 0.0


def test_camscan_device_records() -> None:
    records = [
        {"ip": "10.0.0.2", "is_camera": True, "manufacturer": "Hikvision", "device_type": "nvr"},
        {"ip": "10.0.0.10", "is_camera": False, "manufacturer": None, "device_type": None},
    ]
    found = from_device_records(records)
    assert found[0] == Found("10.0.0.2", True, "Hikvision", "nvr")
    assert found[1] == Found("10.0.0.10", False, None, "unknown")
    s = score(TRUTH, found)
    assert (s.tp, s.white_label_right) == (1, 1)
