"""Who lives on the simulated site: the draw is reproducible, follows the contract's
addresses and covers every maker on both segments (pure: no namespaces needed)."""

from __future__ import annotations

import collections
import ipaddress

import pytest

from camscan.errors import LabError
from camscan_lab import population
from camscan_lab.personalities import by_name, mix_weights

TRUTH_KEYS = {
    "ip",
    "mac",
    "segment",
    "personality",
    "brand",
    "manufacturer",
    "device_type",
    "is_camera",
    "model",
    "firmware",
    "serial",
    "quirks",
}


def test_same_seed_same_hosts_other_seed_other_hosts() -> None:
    assert population.draw(250, 7) == population.draw(250, 7)
    other = population.draw(250, 8)
    assert [h["personality"] for h in other] != [h["personality"] for h in population.draw(250, 7)]
    assert population.draw(250, 7, "cameras") != population.draw(250, 7)


@pytest.mark.parametrize("devices", [1, 40, 250, 1000, population.MAX_DEVICES])
def test_addresses_follow_the_contract(devices: int) -> None:
    hosts = population.draw(devices, 7)
    assert len(hosts) == devices
    assert len({h["ip"] for h in hosts}) == devices
    assert len({h["mac"] for h in hosts}) == devices
    assert [h["id"] for h in hosts] == [f"h{i:04d}" for i in range(1, devices + 1)]
    local = [h for h in hosts if h["segment"] == "local"]
    routed = [h for h in hosts if h["segment"] == "routed"]
    assert len(local) + len(routed) == devices
    # addresses handed out in order from .10, skipping the boundaries, router and scanner
    assert [h["ip"] for h in local] == population.LOCAL_ADDRESSES[: len(local)]
    assert [h["ip"] for h in routed] == population.ROUTED_ADDRESSES[: len(routed)]
    if local:
        assert local[0]["ip"] == "10.77.0.10"
    for h in hosts:
        ip = ipaddress.IPv4Address(h["ip"])
        net = population.LOCAL_NET if h["segment"] == "local" else population.ROUTED_NET
        assert ip in net
        assert int(ip) & 0xFF not in (0, 1, 255)
        assert h["ip"] not in (population.SCANNER_IP, population.LOCAL_GATEWAY)
        assert h["netns"] == f"cslab-{h['id']}"
        assert h["mac"][:8] in by_name(h["personality"]).ouis


def test_a_quarter_routed_and_half_cameras_in_the_default_mix() -> None:
    hosts = population.draw(1000, 7)
    routed = sum(1 for h in hosts if h["segment"] == "routed")
    assert 230 <= routed <= 250
    well_behaved = [h for h in hosts if not h["personality"].startswith("hostile")]
    cameras = sum(1 for h in well_behaved if h["is_camera"])
    assert 0.45 <= cameras / len(hosts) <= 0.55
    hostile = len(hosts) - len(well_behaved)
    assert 5 <= hostile <= 40  # a low rate, but present


@pytest.mark.parametrize("mix", ["field", "classic"])
@pytest.mark.parametrize("devices", [100, 250, 1000])
def test_every_maker_and_type_on_both_segments(devices: int, mix: str) -> None:
    hosts = population.draw(devices, 7, mix)
    # Corpus replays are drawn by weight only (population.CORPUS_PREFIX): not forced.
    pool = [p for p, _ in mix_weights(mix) if not p.hostile and not p.name.startswith("corpus-")]
    for segment in ("local", "routed"):
        on = [h for h in hosts if h["segment"] == segment]
        makers = {h["manufacturer"] for h in on if not h["personality"].startswith("hostile")}
        types = {h["device_type"] for h in on if not h["personality"].startswith("hostile")}
        assert makers >= {p.manufacturer for p in pool}, segment
        assert types >= {p.device_type for p in pool}, segment
        assert any(h["personality"].startswith("hostile") for h in on), segment
    assert {h["brand"] for h in hosts} >= {p.brand for p in pool}


def test_field_is_the_default_and_classic_keeps_the_old_default() -> None:
    assert population.draw(120, 5) == population.draw(120, 5, "field")
    assert population.draw(120, 5, "classic") == population.draw(120, 5, "default")
    assert population.draw(120, 5, "field") != population.draw(120, 5, "classic")
    assert all(h["quirks"] == [] for h in population.draw(250, 7, "classic"))


def test_field_truth_records_every_quirk() -> None:
    hosts = population.draw(250, 7, "field")
    quirky = [h for h in hosts if h["quirks"]]
    assert {q for h in quirky for q in h["quirks"]} >= {
        "gzip",
        "lf-only",
        "header-space",
        "catch-all",
        "auth-everywhere",
    }
    for h in hosts:
        assert h["quirks"] == list(by_name(h["personality"]).quirks)
    cams = [h for h in hosts if h["is_camera"]]
    assert sum(1 for h in cams if h["quirks"]) >= len(cams) // 5
    field_cams = sum(1 for h in cams if by_name(h["personality"]).field)
    assert 0.3 <= field_cams / len(cams) <= 0.7
    ordinary = [h for h in hosts if not h["is_camera"] and "hostile" not in h["personality"]]
    lookalikes = sum(1 for h in ordinary if by_name(h["personality"]).field)
    assert 0.3 <= lookalikes / len(ordinary) <= 0.7
    assert {h["device_type"] for h in cams} == {"camera", "nvr", "dvr", "encoder"}


def test_cameras_mix_is_only_well_behaved_cameras() -> None:
    hosts = population.draw(300, 3, "cameras")
    assert all(h["is_camera"] for h in hosts)
    assert not [h for h in hosts if h["personality"].startswith("hostile")]
    makers = collections.Counter(h["manufacturer"] for h in hosts if h["segment"] == "routed")
    assert len(makers) == 12  # every camera maker behind the router too


def test_identity_fields_are_complete() -> None:
    for h in population.draw(250, 7):
        p = by_name(h["personality"])
        assert h["model"] in p.models and h["firmware"] in p.firmwares
        assert (h["brand"], h["manufacturer"], h["device_type"], h["is_camera"]) == (
            p.brand,
            p.manufacturer,
            p.device_type,
            p.is_camera,
        )
        assert h["serial"] and h["uuid"] and h["hostname"] and h["boot_time"]
    truth = population.truth(population.draw(20, 7))
    assert all(TRUTH_KEYS <= set(t) and "netns" not in t for t in truth)


@pytest.mark.parametrize(
    ("devices", "mix", "needle"),
    [
        (0, "default", "at least 1"),
        (population.MAX_DEVICES + 1, "default", "at most"),
        (10, "office", "unknown mix"),
    ],
)
def test_impossible_requests_say_why(devices: int, mix: str, needle: str) -> None:
    with pytest.raises(LabError, match=needle):
        population.draw(devices, 7, mix)


def test_lab_up_offers_the_mixes_with_field_as_default() -> None:
    from click.testing import CliRunner

    from camscan_lab.cli import lab

    result = CliRunner().invoke(lab, ["up", "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "[field|classic|cameras|hostile|default]" in text
    assert "[default: field]" in text
