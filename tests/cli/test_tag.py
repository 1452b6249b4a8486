"""`camscan tag` as a person uses it: each device once, tags that can be cleared."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sample_site import Site
from sample_site import cli_run as run

from camscan.cli import cli


def record(site: Site, ref: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(run(site, "show", ref, "--json").output)
    return data


def test_one_device_named_twice_counts_once(scored_site: Site) -> None:
    dev_id = str(record(scored_site, "10.20.0.14")["id"])
    r = run(scored_site, "tag", "10.20.0.14", dev_id, "--zone", "Library")
    assert r.exit_code == 0
    assert "tagged 1 device\n" in r.output
    r = run(scored_site, "tag", "10.20.0.14", "10.20.0.15", "--zone", "Hall")
    assert "tagged 2 devices\n" in r.output


def test_tags_can_be_cleared(scored_site: Site) -> None:
    run(scored_site, "tag", "10.20.0.14", "--zone", "Server room", "--criticality", "high")
    tagged = record(scored_site, "10.20.0.14")
    assert tagged["zone"] == "Server room" and tagged["criticality"] == "high"
    r = run(scored_site, "tag", "10.20.0.14", "--clear")
    assert r.exit_code == 0 and "cleared tags of 1 device" in r.output
    cleared = record(scored_site, "10.20.0.14")
    assert cleared["zone"] is None and cleared["criticality"] != "high"
    assert cleared["score"] is not None and tagged["score"] is not None
    assert float(str(cleared["score"])) < float(str(tagged["score"]))


def test_clear_with_values_is_a_usage_error(scored_site: Site) -> None:
    r = CliRunner().invoke(
        cli, ["--db", str(scored_site.path), "tag", "10.20.0.14", "--clear", "--zone", "X"]
    )
    assert r.exit_code == 2 and "--clear" in r.output
