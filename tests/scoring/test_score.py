"""Each factor of the default policy moves the score as docs/scoring.md says."""

from __future__ import annotations

from typing import Any

import pytest
import sample_site
from sample_site import HOSTILE_MODEL, TODAY, Site, exposure, verdict

from camscan.app.scores import rescore
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.records import DeviceRecord
from camscan.scoring import load_policy, score_device
from camscan.scoring.policy import FACTORS
from camscan.scoring.score import Score
from camscan.scoring.vulns import load_vulns

POLICY = load_policy()
VULNS = load_vulns()


def record(**kw: Any) -> DeviceRecord:
    """A device record as camscan.inventory.queries returns it, of a verdict."""
    return sample_site.device_record(**verdict(**kw))


def axis(**kw: Any) -> DeviceRecord:
    """A device no factor touches: the baseline (score 0)."""
    base: dict[str, Any] = {"manufacturer": "Axis", "model": "P3245-LVE", "firmware": "10.12.114"}
    return record(**{**base, **kw})


def score(dev: DeviceRecord) -> Score:
    return score_device(dev, POLICY, VULNS, TODAY)


def points(s: Score, factor: str) -> float:
    return float(next(f["points"] for f in s.factors if f["factor"] == factor))


def test_baseline_scores_zero_and_lists_every_factor() -> None:
    s = score(axis())
    assert s.value == 0 and s.band == "P4"
    assert tuple(f["factor"] for f in s.factors) == FACTORS
    assert all(f["reason"] for f in s.factors)


def test_policy_listed_maker_adds_20_plus_15_and_follows_the_maker_not_the_label() -> None:
    fresh = exposure(firmware_date="2025-10-01")
    own = score(record(manufacturer="Hikvision", model="I91BM", exposure=fresh))
    relabelled = score(
        record(manufacturer="Hikvision", brand="Annke", model="I91BM", exposure=fresh)
    )
    assert points(own, "prc_intelligence_law") == 20
    assert points(own, "us_covered_list") == 15
    assert own.value == relabelled.value == 35
    assert "sold as Annke" in relabelled.factors[0]["reason"]
    hytera = score(axis(manufacturer="Hytera"))  # on the US list only
    assert hytera.value == 15 and points(hytera, "prc_intelligence_law") == 0


def test_known_exploited_vulnerability_adds_30_and_half_when_firmware_unknown() -> None:
    cam = {"manufacturer": "Hikvision", "model": "DS-2CD2042WD-I"}
    before_fix = score(record(**cam, firmware="V5.5.0 build 210627"))
    fixed = score(record(**cam, firmware="V5.5.0 build 210628"))
    unknown = score(record(**cam))
    assert points(before_fix, "known_exploited") == 30
    assert "CVE-2021-36260" in before_fix.factors[2]["reason"]
    assert points(fixed, "known_exploited") == 0
    assert "fixed" in fixed.factors[2]["reason"]
    assert points(unknown, "known_exploited") == 15
    assert before_fix.value - fixed.value == pytest.approx(30, abs=0.1)


def test_kev_reaches_oem_units_by_brand_and_by_maker() -> None:
    amcrest = score(
        record(manufacturer="Dahua", brand="Amcrest", model="IP2M-841",
               firmware="2.800.00AC000.0.R.200101")
    )  # fmt: skip
    assert points(amcrest, "known_exploited") == 30
    assert "CVE-2020-5735" in amcrest.factors[2]["reason"]
    patched = score(
        record(manufacturer="Dahua", brand="Amcrest", model="IP2M-841",
               firmware="2.800.00AC000.0.R.200330")
    )  # fmt: skip
    assert points(patched, "known_exploited") == 0
    # Dahua's own CVE-2021-33045 cut-off for NVRs is December 2019, by build date
    nvr = {"manufacturer": "Dahua", "device_type": "nvr", "model": "DHI-NVR5216-16P-4KS2E"}
    old = score(record(**nvr, firmware="V4.001.0000000.1.R, Build Date: 2019-11-30"))
    new = score(record(**nvr, firmware="V4.001.0000000.1.R, Build Date: 2019-12-01"))
    assert points(old, "known_exploited") == 30 and points(new, "known_exploited") == 0


def test_cve_2017_7921_series_ranges() -> None:
    cam = {"manufacturer": "Hikvision", "model": "DS-2CD2132F-IS"}
    inside = score(record(**cam, firmware="V5.3.0 build 150513"))
    assert "CVE-2017-7921" in inside.factors[2]["reason"]
    after = score(record(**cam, firmware="V5.4.5 build 170123"))
    assert "CVE-2017-7921" not in after.factors[2]["reason"]


def test_critical_cve_adds_12() -> None:
    san = {"manufacturer": "Hikvision", "device_type": "nvr", "model": "DS-A71024"}
    hit = score(record(**san, firmware="2.3.8-6"))
    clear = score(record(**san, firmware="2.3.9"))
    assert points(hit, "critical_cve") == 12
    assert "CVE-2022-28171" in hit.factors[3]["reason"]
    assert points(clear, "critical_cve") == 0
    assert hit.value - clear.value == 12


def test_end_of_life_adds_15_on_top_of_the_kev() -> None:
    eol = score(axis(manufacturer="D-Link", model="DCS-930L", firmware="1.16"))
    other = score(axis(manufacturer="D-Link", model="DCS-936L", firmware="1.16"))
    assert points(eol, "end_of_life") == 15
    assert points(eol, "known_exploited") == 30
    assert eol.value - other.value == 45


@pytest.mark.parametrize(
    ("built", "expected"),
    [("2025-11-25", 0.0), ("2024-11-26", 0.0), ("2022-11-25", 6.0), ("2020-11-25", 12.0),
     ("2009-01-01", 12.0)],
)  # fmt: skip
def test_firmware_age_is_linear_from_2_to_6_years(built: str, expected: float) -> None:
    s = score(axis(exposure=exposure(firmware_date=built)))
    assert points(s, "firmware_age") == pytest.approx(expected, abs=0.1)
    assert s.value == pytest.approx(expected, abs=0.1)


def test_unknown_firmware_age_scores_nothing() -> None:
    s = score(axis(firmware=None))
    assert points(s, "firmware_age") == 0
    assert "unknown" in s.factors[5]["reason"]


@pytest.mark.parametrize(
    ("signal", "expected"),
    [
        ({"telnet": True}, 8),
        ({"sdk_ports": [8000]}, 4),
        ({"http_plain_only": True}, 3),
        ({"upnp": True}, 2),
        ({"rtsp_no_auth": True}, 6),
        ({"onvif_no_auth": True}, 5),
        ({"activated": False}, 6),
        ({"activated": True}, 0),
        ({"activated": None}, 0),
    ],
)
def test_each_exposure_signal(signal: dict[str, Any], expected: float) -> None:
    assert score(axis(exposure=exposure(**signal))).value == expected


def test_exposure_is_held_to_its_weight() -> None:
    everything = exposure(
        telnet=True, sdk_ports=[37777], http_plain_only=True, upnp=True, rtsp_no_auth=True,
        onvif_no_auth=True, activated=False,
    )  # fmt: skip
    s = score(axis(exposure=everything))
    assert s.value == 20 and "held to 20" in s.factors[6]["reason"]


@pytest.mark.parametrize(("kind", "expected"), [("nvr", 10), ("dvr", 10), ("encoder", 4)])
def test_role(kind: str, expected: float) -> None:
    assert score(axis(device_type=kind)).value == expected


@pytest.mark.parametrize(("level", "expected"), [("high", 12), ("medium", 6), ("low", 0)])
def test_criticality(level: str, expected: float) -> None:
    assert score(axis(criticality=level)).value == expected


def test_score_is_held_to_100_and_the_factors_still_add_up() -> None:
    worst = record(
        manufacturer="Dahua", device_type="nvr", model="DHI-NVR5216-16P-4KS2E",
        firmware="V4.001.0000000.1.R, Build Date: 2019-03-20",
        exposure=exposure(telnet=True, rtsp_no_auth=True, sdk_ports=[37777]), criticality="high",
    )  # fmt: skip
    s = score(worst)
    assert s.value == 100 and s.band == "P1"
    assert s.factors[-1]["factor"] == "held_to_100" and s.factors[-1]["points"] < 0
    assert sum(f["points"] for f in s.factors) == pytest.approx(100)


@pytest.mark.parametrize(
    ("value", "band"), [(100, "P1"), (60, "P1"), (59.9, "P2"), (40, "P2"), (20, "P3"),
                        (19.9, "P4"), (0, "P4")]
)  # fmt: skip
def test_band_thresholds(value: float, band: str) -> None:
    assert POLICY.band(value) == band


def test_non_cameras_are_not_ranked() -> None:
    s = score(record(is_camera=False, device_type="not_camera", manufacturer="HP"))
    assert s.band == "-" and s.value == 0 and s.factors[0]["factor"] == "scope"


def test_hostile_strings_do_not_break_scoring() -> None:
    s = score(record(manufacturer="Dahua", model=HOSTILE_MODEL, firmware="<svg onload=x>" * 50))
    assert s.band in ("P1", "P2", "P3", "P4")


def test_rescore_stores_factors_that_add_up(site: Site) -> None:
    assert rescore(site.inv, today=TODAY) == len(site.ids)
    for dev in queries.list_devices(site.inv):
        assert dev.band is not None
        assert sum(f["points"] for f in dev.score_factors) == pytest.approx(dev.score)
    old = queries.device_detail(site.inv, str(site.ids["hik_old"])).device
    assert old.band == "P1"
    assert any("CVE-2021-36260" in f["reason"] for f in old.score_factors)
    assert queries.device_detail(site.inv, str(site.ids["printer"])).device.band == "-"


def test_tagging_criticality_raises_the_stored_score(site: Site) -> None:
    rescore(site.inv, today=TODAY)
    ref = str(site.ids["axis"])
    before = queries.device_detail(site.inv, ref).device.score or 0
    repo.set_tags(site.inv, device_refs=[ref], zone="Server room", criticality="high")
    rescore(site.inv, today=TODAY)
    after = queries.device_detail(site.inv, ref).device
    assert (after.score or 0) - before == 12
    assert any("zone Server room" in f["reason"] for f in after.score_factors)
    # a whole site tagged: every device there without its own tag
    repo.set_tags(site.inv, site="North school", criticality="medium")
    rescore(site.inv, today=TODAY)
    annke = queries.device_detail(site.inv, str(site.ids["annke"])).device
    assert any(f["factor"] == "criticality" and f["points"] == 6 for f in annke.score_factors)
