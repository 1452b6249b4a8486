"""The scoring and report commands as a user runs them, on a real inventory file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner
from sample_site import Site
from sample_site import cli_run as run

from camscan.cli import cli


def test_rescore_then_explain_and_show(site: Site) -> None:
    r = run(site, "rescore")
    assert r.exit_code == 0 and "scored 9 devices" in r.output and "P1 " in r.output
    r = run(site, "devices", "--explain")
    assert "known_exploited: known exploited vulnerability (CISA KEV): CVE-2021-36260" in r.output
    r = run(site, "show", "10.20.0.11")
    assert "Replacement priority: P1" in r.output


def test_rescore_with_a_policy_file(site: Site, tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text('name = "strict"\n[bands]\nP1 = 30\nP2 = 25\nP3 = 10\n', encoding="utf-8")
    r = run(site, "rescore", "--policy", str(f))
    assert "policy strict" in r.output
    rows = json.loads(run(site, "devices", "--format", "json").output)
    assert sum(1 for d in rows if d["band"] == "P1") == 6
    f.write_text("[bands]\nP9 = 1\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["--db", str(site.path), "rescore", "--policy", str(f)])
    assert r.exit_code == 2 and "takes P1, P2 and P3" in r.output


def test_tag_rescored(site: Site) -> None:
    run(site, "rescore")
    r = run(site, "tag", "10.20.0.14", "--zone", "Server room", "--criticality", "high")
    assert r.exit_code == 0 and "tagged 1 device\n" in r.output
    dev = json.loads(run(site, "show", "10.20.0.14", "--json").output)
    assert dev["zone"] == "Server room" and dev["score"] == 12
    r = CliRunner().invoke(cli, ["--db", str(site.path), "tag", "10.20.0.14"])
    assert r.exit_code == 2 and "--zone" in r.output


def test_plan_formats(site: Site) -> None:
    run(site, "rescore")
    data = json.loads(run(site, "plan", "--budget", "8,000", "--format", "json").output)
    assert data["budget_per_phase"] == 8000
    assert [p["total"] for p in data["phases"]] == [7500, 3000]
    assert data["by_site"] == {"North school": 10500}
    rows = list(csv.DictReader(run(site, "plan", "--budget", "3k", "--format", "csv").output
                               .splitlines()))  # fmt: skip
    assert [r["phase"] for r in rows][-1] == "unfunded"  # the PTZ at 3,500
    table = run(site, "plan", "--budget", "8000").output
    assert "Phase 1: GBP 7,500 (P1 replace now: 3)" in table
    assert "needed GBP 10,500; funded GBP 10,500 in 2 phases of at most GBP 8,000" in table
    bad = CliRunner().invoke(cli, ["--db", str(site.path), "plan", "--budget", "lots"])
    assert bad.exit_code == 2 and "not an amount" in bad.output


def test_diff(site: Site) -> None:
    r = run(site, "diff", "1", "2")
    assert "scan 1 -> scan 2: 4 changes" in r.output
    assert "moved     #2 10.20.0.12 -> 10.20.0.112" in r.output
    assert "firmware  #4 10.20.0.13 2.800.00AC000.0.R.200101 -> 2.800.00AC000.0.R.210615" in (
        r.output
    )
    data = json.loads(run(site, "diff", "1", "2", "--json").output)
    assert [d["id"] for d in data["new"]] == [site.ids["uniview"]]
    assert [d["id"] for d in data["missing"]] == [site.ids["axis"]]
    bad = CliRunner().invoke(cli, ["--db", str(site.path), "diff", "1", "9"])
    assert bad.exit_code == 2 and "no scan 9" in bad.output


def test_vulns_list_and_update_from_file(site: Site, tmp_path: Path, private_vulns: Path) -> None:
    r = run(site, "vulns", "list", "--kev", "--json")
    listed = json.loads(r.output)
    assert listed["data_date"] == "2026-08-22" and len(listed["entries"]) == 21
    feed = {
        "catalogVersion": "2026.11.20",
        "dateReleased": "2026-11-20T00:00:00Z",
        "vulnerabilities": [
            {"cveID": "CVE-2026-99901", "vendorProject": "Uniview", "product": "IP Cameras",
             "dateAdded": "2026-11-18", "shortDescription": "Auth bypass.",
             "requiredAction": "Apply updates.", "notes": ""}
        ],
    }  # fmt: skip
    f = tmp_path / "kev.json"
    f.write_text(json.dumps(feed), encoding="utf-8")
    r = run(site, "vulns", "update", "--from", str(f))
    assert "1 added" in r.output and str(private_vulns) in r.output
    assert "scored 9 devices" in r.output
    uniview = json.loads(run(site, "show", "10.20.0.30", "--json").output)
    kev = next(x for x in uniview["score_factors"] if x["factor"] == "known_exploited")
    assert kev["points"] == 15 and "CVE-2026-99901" in kev["reason"]


def test_report_command(site: Site, tmp_path: Path) -> None:
    run(site, "rescore")
    out = tmp_path / "r.html"
    r = run(site, "report", "-o", str(out), "--xlsx", str(tmp_path / "r.xlsx"), "--budget", "8000")
    assert r.exit_code == 0
    assert f"html: {out.resolve()}" in r.output and "xlsx:" in r.output
    page = out.read_text(encoding="utf-8")
    assert 'id="evidence"' in page and "&lt;script&gt;document.title" in page
