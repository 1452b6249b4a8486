"""The phased replacement plan under a budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sample_site import TODAY, Site
from sample_site import device_record as record

from camscan.app.scores import rescore
from camscan.errors import PolicyError
from camscan.inventory import queries
from camscan.inventory.records import DeviceRecord
from camscan.scoring.plan import build_plan, device_class, load_costs, parse_amount


def dev(i: int, band: str, score: float, kind: str, site: str, model: str = "X") -> DeviceRecord:
    return record(
        id=i,
        ip=f"10.0.0.{i}",
        site=site,
        band=band,
        score=score,
        device_type=kind,
        model=model,
        score_factors=[
            {"factor": "known_exploited", "points": 30, "reason": "CVE-2021-36260"},
            {"factor": "role", "points": 0, "reason": "camera"},
        ],
    )


DEVICES = [
    dev(6, "P3", 30, "camera", "South"),
    dev(2, "P1", 90, "nvr", "North"),
    dev(1, "P1", 95, "camera", "South"),
    dev(3, "P1", 80, "camera", "South", model="DS-2DE4425IW-DE"),  # a PTZ
    dev(4, "P2", 70, "camera", "North"),
    dev(5, "P2", 50, "dvr", "South"),
    dev(7, "P4", 10, "camera", "South"),
    dev(8, "-", 0, "not_camera", "South"),
]


def ids(items: list[Any]) -> list[int]:
    return [i.device.id for i in items]


def test_phases_fill_in_priority_order() -> None:
    plan = build_plan(DEVICES, 5000)
    assert [ids(p.items) for p in plan.phases] == [[1, 2], [3, 4], [5, 6]]
    assert [p.total for p in plan.phases] == [4000, 4500, 4000]
    assert [p.by_site() for p in plan.phases] == [
        {"North": 3000, "South": 1000},
        {"North": 1000, "South": 3500},
        {"South": 4000},
    ]
    assert plan.by_site() == {"North": 4000, "South": 8500}
    assert plan.total == 12500 and plan.unfunded == []
    assert plan.not_planned == 1  # the P4 camera; the printer is not ranked at all
    assert plan.phases[0].items[0].reasons == ["CVE-2021-36260"]
    assert all(p.total <= 5000 for p in plan.phases)


def test_device_too_expensive_for_any_phase_is_unfunded() -> None:
    plan = build_plan(DEVICES, 3200)
    assert ids(plan.unfunded) == [3]  # the PTZ at 3,500
    assert [ids(p.items) for p in plan.phases] == [[1], [2], [4], [5], [6]]
    d = plan.as_dict()
    assert d["total_unfunded"] == 3500 and d["total"] == 9000
    assert [r["phase"] for r in plan.rows()] == ["1", "2", "3", "4", "5", "unfunded"]


def test_costs_file_overrides_classes_and_models(tmp_path: Path) -> None:
    f = tmp_path / "costs.toml"
    f.write_text('currency = "GBP"\n[classes]\nptz = 3000\n[models]\n"X" = 500\n', encoding="utf-8")
    costs = load_costs(f)
    plan = build_plan(DEVICES, 3200, costs)
    assert plan.unfunded == []
    assert plan.costs.currency == "GBP"
    by_id = {i.device.id: i.cost for p in plan.phases for i in p.items}
    assert by_id == {1: 500, 2: 500, 3: 3000, 4: 500, 5: 500, 6: 500}


def test_bands_choice() -> None:
    plan = build_plan(DEVICES, 100_000, bands=("P1",))
    assert [ids(p.items) for p in plan.phases] == [[1, 2, 3]]
    assert plan.not_planned == 4


@pytest.mark.parametrize(
    ("model", "kind", "cls"),
    [
        ("DS-2DE4425IW-DE", "camera", "ptz"),
        ("DH-SD49225XA-HNR", "camera", "ptz"),
        ("AXIS Q6135-LE", "camera", "ptz"),
        ("DS-2CD2042WD-I", "camera", "camera"),
        ("DS-7608NI-K2", "nvr", "nvr"),
        (None, "encoder", "encoder"),
    ],
)
def test_device_class(model: str | None, kind: str, cls: str) -> None:
    assert device_class(record(model=model, device_type=kind)) == cls


@pytest.mark.parametrize(
    ("text", "value"), [("20000", 20000), ("20,000", 20000), ("£20k", 20000), ("1.5m", 1.5e6)]
)
def test_parse_amount(text: str, value: float) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["0", "-5", "lots", "", "inf"])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(PolicyError):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[classes]\ndrone = 5\n", "unknown class 'drone'"),
        ("[classes]\ncamera = -5\n", "amount >= 0"),
        ("budget = 5\n", "unknown key"),
    ],
)
def test_bad_costs_file(tmp_path: Path, text: str, needle: str) -> None:
    f = tmp_path / "c.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match=needle):
        load_costs(f)


def test_plan_of_a_scored_inventory(site: Site) -> None:
    rescore(site.inv, today=TODAY)
    devices = queries.list_devices(site.inv)
    plan = build_plan(devices, 20_000)
    planned = [i.device for p in plan.phases for i in p.items]
    assert planned[0].band == "P1"
    bands = [str(d.band) for d in planned]
    assert bands == sorted(bands)
    assert site.ids["printer"] not in {d.id for d in planned}
    assert plan.by_site() == {"North school": plan.total}
