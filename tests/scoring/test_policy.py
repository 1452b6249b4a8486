"""Policy files: the shipped default, a user's file laid over it, and broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sample_site import TODAY, Site, cli_run

from camscan.app.scores import rescore
from camscan.errors import PolicyError
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.scoring import load_policy
from camscan.scoring.policy import FACTORS, default_text


def order(site: Site) -> list[str]:
    names = {v: k for k, v in site.ids.items()}
    ranked = [d for d in queries.list_devices(site.inv) if d.band != "-"]
    ranked.sort(key=lambda d: (-(d.score or 0), d.id))
    return [names[d.id] for d in ranked]


def test_default_ships_with_the_package_and_is_valid() -> None:
    p = load_policy()
    assert p.source == "default" and p.name == "camscan default"
    assert set(p.factors) == set(FACTORS)
    assert "Hikvision" in p.factors["prc_intelligence_law"]["manufacturers"]
    assert "[factors.known_exploited]" in default_text()


def test_custom_policy_changes_the_order(site: Site, tmp_path: Path) -> None:
    rescore(site.inv, today=TODAY)
    default_order = order(site)
    assert default_order.index("annke") < default_order.index("axis")
    assert default_order.index("hik_old") < default_order.index("axis")
    # A hospital's policy: the maker lists do not count, where a device is counts most.
    custom = tmp_path / "hospital.toml"
    custom.write_text(
        'name = "hospital"\n'
        "[factors.prc_intelligence_law]\nweight = 0\n"
        "[factors.us_covered_list]\nweight = 0\n"
        "[factors.criticality]\nweight = 60\nhigh = 60\n",
        encoding="utf-8",
    )
    repo.set_tags(site.inv, device_refs=[str(site.ids["axis"])], criticality="high")
    rescore(site.inv, load_policy(custom), today=TODAY)
    new_order = order(site)
    assert new_order.index("axis") < new_order.index("annke")
    assert new_order.index("axis") < new_order.index("hik_old")
    axis = queries.device_detail(site.inv, str(site.ids["axis"])).device
    assert axis.score == 60 and axis.band == "P1"
    assert all("hospital" in f["policy"] for f in axis.score_factors)


def test_policy_from_environment(
    site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """$CAMSCAN_POLICY is read by the CLI, which passes the file on; the library reads no
    environment (docs/architecture.md)."""
    f = tmp_path / "p.toml"
    f.write_text("[bands]\nP1 = 90\n", encoding="utf-8")
    p = load_policy(f)
    assert p.bands["P1"] == 90 and p.bands["P2"] == 40 and p.source == str(f)
    monkeypatch.setenv("CAMSCAN_POLICY", str(f))
    assert load_policy().source == "default"
    r = cli_run(site, "rescore")
    assert r.exit_code == 0 and f"({f}, sha256 {p.sha256[:12]})" in r.output
    p1_with_file = [d.band for d in queries.list_devices(site.inv)].count("P1")
    monkeypatch.delenv("CAMSCAN_POLICY")
    r = cli_run(site, "rescore")
    assert r.exit_code == 0 and str(f) not in r.output
    # P1 takes 90 points under the file's bands, 60 by default: fewer P1 with the file
    assert p1_with_file < [d.band for d in queries.list_devices(site.inv)].count("P1")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[factors.exposure]\ntelnett = 5\n", "unknown key 'telnett'"),
        ("[factors.nonsense]\nweight = 5\n", "unknown factor"),
        ("[factors.role]\nweight = -1\n", "must be 0..100"),
        ("[factors.role]\nweight = 'ten'\n", "must be a number"),
        ("[bands]\nP1 = 10\nP2 = 50\n", "P1 >= P2 >= P3"),
        ("[bands]\nP5 = 1\n", "takes P1, P2 and P3"),
        ("[factors.known_exploited]\npossible_fraction = 2\n", "must be 0..1"),
        ("[factors.firmware_age]\nstart_years = 8\n", "full_years must exceed"),
        ("[factors.us_covered_list]\nmanufacturers = 'Hikvision'\n", "list of names"),
        ("colour = 'red'\n", "unknown key"),
        ("[factors\n", "not valid TOML"),
    ],
)
def test_broken_policy_is_one_clear_error(tmp_path: Path, text: str, needle: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as err:
        load_policy(f)
    assert needle in str(err.value)
    assert str(f) in str(err.value)


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read the policy file"):
        load_policy(tmp_path / "nope.toml")
