"""Plan totals for a facilities manager: needed, funded and unfunded amounts, a budget
below the cheapest unit, costs with a currency, placeholder defaults, PTZ pricing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sample_site import Site
from sample_site import cli_run as run
from sample_site import device_record as record

from camscan.scoring.plan import build_plan, device_class, load_costs


@pytest.mark.parametrize(
    ("model", "cls"),
    [
        ("PTZ3E10X-T180", "ptz"),  # "PTZ" inside a word: docs/scoring.md says anywhere
        ("SD-PTZ-400", "ptz"),
        ("DS-2DE4425IW-DE", "ptz"),
        ("DS-2CD2042WD-I", "camera"),
        ("P3245-LVE", "camera"),
    ],
)
def test_ptz_anywhere_in_the_model(model: str, cls: str) -> None:
    assert device_class(record(device_type="camera", model=model)) == cls


def test_costs_carry_a_currency_and_defaults_are_placeholders(tmp_path: Path) -> None:
    default = load_costs()
    assert default.currency == "GBP" and default.placeholder
    assert default.money(3500) == "GBP 3,500" and "placeholder" in default.source
    f = tmp_path / "costs.toml"
    f.write_text(
        'currency = "EUR"\n[classes]\ncamera = 900\nptz = 3000\nnvr = 2500\ndvr = 2500\n'
        "encoder = 800\n",
        encoding="utf-8",
    )
    mine = load_costs(f)
    assert mine.currency == "EUR" and not mine.placeholder and mine.money(900) == "EUR 900"
    f.write_text("currency = 5\n", encoding="utf-8")
    with pytest.raises(Exception, match="currency must be a short code"):
        load_costs(f)


def test_needed_funded_unfunded() -> None:
    devs = [
        record(id=1, band="P1", score=80, device_type="camera", model="A"),
        record(id=2, band="P1", score=70, device_type="nvr", model="B"),
        record(id=3, band="P2", score=50, device_type="camera", model="PTZ3E10X-T180"),
    ]
    p = build_plan(devs, 3000)
    assert (p.needed, p.total, p.unfunded_total) == (7500, 4000, 3500)
    assert not p.below_cheapest
    assert "needed GBP 7,500; funded GBP 4,000" in p.totals_line()
    assert "unfunded GBP 3,500 (1 device dearer" in p.totals_line()
    low = build_plan(devs, 500)
    assert low.below_cheapest and low.total == 0 and low.needed == 7500
    assert "below the cheapest unit (GBP 1,000)" in low.totals_line()


def test_plan_command_totals(site: Site) -> None:
    run(site, "rescore")
    out = run(site, "plan", "--budget", "500").output
    assert "needed GBP 10,500; funded GBP 0 in 0 phases" in out
    assert "below the cheapest unit (GBP 1,000)" in out and "placeholders" in out
    data = json.loads(run(site, "plan", "--budget", "3k", "--format", "json").output)
    assert data["needed"] == data["funded"] + data["total_unfunded"] == 10500
    assert data["currency"] == "GBP" and data["costs_placeholder"] is True
    assert "phase is one round of spending" in run(site, "plan", "--budget", "8000").output
    rows = run(site, "plan", "--budget", "8000", "--format", "csv").output.splitlines()
    assert rows[0].split(",")[12:14] == ["cost", "currency"] and ",GBP," in rows[1]
