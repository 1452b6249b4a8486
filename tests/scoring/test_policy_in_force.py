"""The policy in force belongs to the inventory: set once with `rescore --policy`, used by
every later re-score (tag, vulns update), changed only when asked."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sample_site import Site
from sample_site import cli_run as run

from camscan.cli import cli

STRICT = 'name = "hospital"\nversion = "2026-12"\n[bands]\nP1 = 30\nP2 = 25\nP3 = 10\n'
KEV = {
    "catalogVersion": "2026.11.20",
    "dateReleased": "2026-11-20T00:00:00Z",
    "vulnerabilities": [
        {"cveID": "CVE-2026-99901", "vendorProject": "Uniview", "product": "IP Cameras",
         "dateAdded": "2026-11-18", "shortDescription": "Auth bypass.",
         "requiredAction": "The impacted product is end-of-life; discontinue use.", "notes": ""}
    ],
}  # fmt: skip


def policies(site: Site) -> set[str]:
    rows = json.loads(run(site, "devices", "--format", "json").output)
    return {f["policy"].split(" (")[0] for d in rows for f in d["score_factors"]}


def test_policy_survives_tag_and_vulns_update(site: Site, tmp_path: Path) -> None:
    f = tmp_path / "hospital.toml"
    f.write_text(STRICT, encoding="utf-8")
    r = run(site, "rescore", "--policy", str(f))
    assert r.exit_code == 0 and "policy hospital 2026-12" in r.output and str(f) in r.output
    p1 = sum(1 for d in json.loads(run(site, "devices", "--format", "json").output)
             if d["band"] == "P1")  # fmt: skip
    f.unlink()  # the inventory keeps the text: moving the file changes nothing
    r = run(site, "tag", "10.20.0.14", "--zone", "Theatre", "--criticality", "high")
    assert r.exit_code == 0 and "policy hospital 2026-12" in r.output, r.output
    assert policies(site) == {"hospital 2026-12"}
    kev = tmp_path / "kev.json"
    kev.write_text(json.dumps(KEV), encoding="utf-8")
    r = run(site, "vulns", "update", "--from", str(kev))
    assert "policy hospital 2026-12" in r.output and policies(site) == {"hospital 2026-12"}
    rows = json.loads(run(site, "devices", "--format", "json").output)
    assert sum(1 for d in rows if d["band"] == "P1") >= p1
    # the report says which policy, with its hash
    out = tmp_path / "r.html"
    assert run(site, "report", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "hospital 2026-12" in page and "sha256" in page
    assert "Scored with policy hospital 2026-12" in run(site, "plan", "--budget", "8k").output
    plan = json.loads(run(site, "plan", "--budget", "8k", "--format", "json").output)
    assert plan["policies"]["North school"].startswith("hospital 2026-12 (")
    xlsx = tmp_path / "r.xlsx"
    assert run(site, "report", "--xlsx", str(xlsx)).exit_code == 0
    from openpyxl import load_workbook

    ws = load_workbook(xlsx)["Plan"]
    labels = {ws.cell(i, 1).value: ws.cell(i, 2).value for i in range(1, ws.max_row + 1)}
    assert str(labels["Policy"]).startswith("hospital 2026-12 (")
    # back to the default only when asked
    r = run(site, "rescore", "--default-policy")
    assert "policy camscan default 2026-11" in r.output
    assert policies(site) == {"camscan default 2026-11"}


def test_policy_per_site_and_bad_input(site: Site, tmp_path: Path) -> None:
    f = tmp_path / "hospital.toml"
    f.write_text(STRICT, encoding="utf-8")
    r = run(site, "rescore", "--policy", str(f), "--site", "north SCHOOL")
    assert r.exit_code == 0 and "hospital" in r.output
    bad = CliRunner().invoke(cli, ["--db", str(site.path), "rescore", "--site", "Nowhere",
                                   "--policy", str(f)])  # fmt: skip
    assert bad.exit_code == 2 and "no site 'Nowhere'" in bad.output and "North school" in bad.output
    both = CliRunner().invoke(
        cli, ["--db", str(site.path), "rescore", "--policy", str(f), "--default-policy"]
    )
    assert both.exit_code == 2 and "not both" in both.output
    lone = CliRunner().invoke(cli, ["--db", str(site.path), "rescore", "--site", "North school"])
    assert lone.exit_code == 2 and "--policy" in lone.output
    f.write_text("[bands]\nP9 = 1\n", encoding="utf-8")
    broken = CliRunner().invoke(cli, ["--db", str(site.path), "rescore", "--policy", str(f)])
    assert broken.exit_code == 2 and "takes P1, P2 and P3" in broken.output
    assert policies(site) == {"hospital 2026-12"}  # a broken file replaces nothing


def test_vulns_update_lists_band_moves_and_possible_is_not_p1(site: Site, tmp_path: Path) -> None:
    run(site, "rescore")
    kev = tmp_path / "kev.json"
    kev.write_text(json.dumps(KEV), encoding="utf-8")
    r = run(site, "vulns", "update", "--from", str(kev))
    assert r.exit_code == 0
    # the Uniview unit: a vendor-wide (possible) KEV entry with an end-of-life note
    assert "changed band:" in r.output, r.output
    line = next(x for x in r.output.splitlines() if "10.20.0.30" in x)
    assert "Uniview" in line and "->" in line
    assert "known_exploited +0 -> +15: possible known exploited vulnerability" in r.output
    show = json.loads(run(site, "show", "10.20.0.30", "--json").output)
    kev_f = next(x for x in show["score_factors"] if x["factor"] == "known_exploited")
    assert kev_f.get("certainty") == "possible" and kev_f["reason"].startswith("possible")
    # possible matches add points but never put a device in P1 on their own
    assert show["band"] != "P1"
