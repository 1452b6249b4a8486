"""camscan CLI: replacement priority and reports - report, plan, diff, tag, rescore, vulns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from camscan.cli import AppContext
from camscan.cli.output import Column, emit_json, format_option, paragraph, table, text
from camscan.errors import UsageError
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.db import read_inventory, to_url
from camscan.inventory.records import DeviceRecord

commands: list[click.Command] = []

POLICY_HELP = "Policy file (TOML) laid over the default; see docs/scoring.md."
FILE = click.Path(dir_okay=False, path_type=Path)
EXISTING = click.Path(dir_okay=False, exists=True, path_type=Path)


def _money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.0f}"


def _band_counts(
    devices: Sequence[DeviceRecord] | Sequence[dict[str, Any]] | Counter[str],
) -> str:
    if isinstance(devices, Counter):
        counts = devices
    else:
        bands = [d.band if isinstance(d, DeviceRecord) else d.get("band") for d in devices]
        counts = Counter(b for b in bands if b)
    return ", ".join(f"{b} {counts.get(b, 0)}" for b in ("P1", "P2", "P3", "P4"))


@click.command()
@click.option("--output", "-o", type=FILE, help="Write the HTML report here.")
@click.option("--pdf", type=FILE, help="Also print it to this PDF (needs chromium).")
@click.option("--site", help="Only this site.")
@click.option("--policy", type=EXISTING, help=POLICY_HELP + " Scores computed, not stored.")
@click.option("--budget", help="Budget per phase of the replacement plan (e.g. 20000).")
@click.option("--costs", type=EXISTING, help="Unit costs file (TOML); see docs/scoring.md.")
@click.option("--csv", "csv_path", type=FILE, help="Also export the inventory as CSV.")
@click.option("--json", "json_path", type=FILE, help="Also export the inventory as JSON.")
@click.option("--xlsx", "xlsx_path", type=FILE, help="Also export inventory and plan as XLSX.")
@click.option("--cameras", is_flag=True, help="Exports list only cameras, NVRs, DVRs, encoders.")
@click.option("--client", help="Client named on the first page (who the report is for).")
@click.option("--assessor", help="Assessor named on the first page (who made it).")
@click.option(
    "--evidence",
    type=click.Choice(["none", "summary", "full"]),
    default="summary",
    show_default=True,
    help="The evidence appendix: none, a summary (two devices a page) or full.",
)
@click.pass_obj
def report(
    app: AppContext,
    output: Path | None,
    pdf: Path | None,
    site: str | None,
    policy: Path | None,
    budget: str | None,
    costs: Path | None,
    csv_path: Path | None,
    json_path: Path | None,
    xlsx_path: Path | None,
    cameras: bool,
    client: str | None,
    assessor: str | None,
    evidence: str,
) -> None:
    """Write the site report for a board: page 1 is the executive summary (how many
    cameras, how many by makers on the policy lists, white-labelled units, what to replace
    first and what it costs, the policy basis), then contents, scope and method, charts,
    the prioritised list, the replacement plan, changes since the previous scan and the
    evidence appendix (--evidence none|summary|full).

    The HTML file is self-contained (inline styles and SVG charts, nothing fetched), so it
    can be mailed or archived as it is; --pdf prints it with headless Chromium.  Without
    --output, --pdf or an export, the report goes to ./camscan-report.html.

    \b
    Example:
      camscan report --output site-report.html --pdf site-report.pdf
      camscan report --site "Main school" --budget 20000 -o main-school.html
      camscan report --xlsx inventory.xlsx --csv inventory.csv --cameras
      camscan report --client "Example Trust" --assessor "J. Smith" --pdf board.pdf
    """
    from camscan.app.report import write_report
    from camscan.cli import settings
    from camscan.scoring.plan import load_costs, parse_amount
    from camscan.scoring.policy import load_policy
    from camscan.scoring.vulns import load_vulns

    if not any((output, pdf, csv_path, json_path, xlsx_path)):
        output = Path("camscan-report.html")
    files = write_report(
        read_inventory(app.db),
        html=output,
        pdf=pdf,
        csv=csv_path,
        json=json_path,
        xlsx=xlsx_path,
        site=site,
        policy=load_policy(policy) if policy else None,
        default_policy=load_policy(settings.policy_path()),
        vulns=load_vulns(user_copy=settings.vulns_path()),
        budget=parse_amount(budget) if budget else None,
        costs=load_costs(costs),
        client=client,
        assessor=assessor,
        evidence=evidence,
        cameras_only=cameras,
    )
    s = files.view.summary
    if not app.quiet:
        click.echo(
            f"{s['ranked']} cameras/NVRs/DVRs ({_band_counts(files.view.ranked)}); "
            f"plan: {files.view.plan.totals_line()}",
            err=True,
        )
    for kind, path in files.written.items():
        click.echo(f"{kind}: {path.resolve()}")


commands.append(report)


@click.command()
@click.option("--budget", required=True, help="Budget per phase, e.g. 20000, 20,000 or 20k.")
@click.option("--costs", type=EXISTING, help="Unit costs file (TOML); see docs/scoring.md.")
@click.option("--site", help="Only this site.")
@click.option(
    "--bands",
    default="P1,P2,P3",
    show_default=True,
    help="Bands to plan for, comma-separated.",
)
@format_option("table", "json", "csv")
@click.pass_obj
def plan(
    app: AppContext, budget: str, costs: Path | None, site: str | None, bands: str, fmt: str
) -> None:
    """A phased replacement plan: devices by band and score, unit costs by class (camera,
    PTZ, NVR, DVR, encoder), phases that fit the budget, totals per phase and per site.

    A phase closes when the next device in priority order does not fit; a device dearer
    than a whole phase is listed as unfunded.  Uses the stored scores (`camscan rescore`).

    \b
    Example:
      camscan plan --budget 20000
      camscan plan --budget 15k --costs costs.toml --format csv > plan.csv
    """
    from camscan.app.report import plan_inputs
    from camscan.cli import settings
    from camscan.scoring.plan import build_plan, load_costs, parse_amount
    from camscan.scoring.policy import load_policy
    from camscan.scoring.vulns import load_vulns

    chosen = tuple(b.strip().upper() for b in bands.split(",") if b.strip())
    if not chosen or set(chosen) - {"P1", "P2", "P3", "P4"}:
        raise UsageError(f"--bands {bands!r}: give bands from P1, P2, P3, P4")
    amount = parse_amount(budget)
    inputs = plan_inputs(  # a device never scored is scored now, nothing stored
        read_inventory(app.db),
        site=site,
        default_policy=load_policy(settings.policy_path()),
        vulns=load_vulns(user_copy=settings.vulns_path()),
    )
    p = build_plan(inputs.devices, amount, load_costs(costs), chosen)
    named = {k: v.describe() for k, v in inputs.policies.items()}
    if fmt == "json":
        emit_json(p.as_dict() | {"policies": named})
        return
    if fmt == "csv":
        from camscan.cli.output import to_csv

        cols = ("phase", "id", "ip", "site", "zone", "manufacturer", "brand", "model",
                "device_type", "class", "band", "score", "cost", "currency", "reasons")  # fmt: skip
        click.echo(to_csv(p.rows(), cols), nl=False)
        return
    cur = p.costs.currency
    if not p.phases and not p.unfunded:
        click.echo(f"Nothing to replace in bands {', '.join(chosen)}.")
        return
    for ph in p.phases:
        table(
            f"Phase {ph.number}: {_money(ph.total, cur)} ({ph.bands})",
            (
                Column("band", 0),
                Column("score", 4),
                Column("ip", 0, whole=True),
                Column("site", 5),
                Column("made by", 0),
                Column("brand", 3),
                Column("model", 2),
                Column("class", 6),
                Column("cost", 0, whole=True),
            ),
            (
                (
                    i.device.band,
                    f"{i.device.score or 0:.0f}",
                    i.device.ip,
                    i.device.site,
                    i.device.manufacturer,
                    i.device.brand,
                    i.device.model,
                    i.device_class,
                    _money(i.cost, cur),
                )
                for i in ph.items
            ),
        )
        sites = "; ".join(f"{text(k)} {_money(v, cur)}" for k, v in ph.by_site().items())
        click.echo(f"  per site: {sites}")
    if p.unfunded:
        click.echo(
            f"\nUnfunded: each costs more than one phase's budget ({_money(p.budget, cur)}):"
        )
        for i in p.unfunded:
            click.echo(
                f"  {text(i.device.ip)} {text(i.device.manufacturer)} "
                f"{text(i.device.model)} ({i.device_class}) {_money(i.cost, cur)}"
            )
    say = paragraph
    say(f"\nTotals: {p.totals_line()}.")
    say(
        "Funded per site: "
        + ("; ".join(f"{text(k)} {_money(v, cur)}" for k, v in p.by_site().items()) or "none")
        + f". Unit costs: {p.costs.source}."
    )
    say(
        "A phase is one round of spending of at most the budget (e.g. one financial year), "
        "P1 (replace now) first."
    )
    say(
        "Scored with policy "
        + "; ".join(f"{text(k)}: {v}" if len(named) > 1 else v for k, v in named.items())
    )


commands.append(plan)


@click.command()
@click.argument("scan_a", type=int)
@click.argument("scan_b", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.pass_obj
def diff(app: AppContext, scan_a: int, scan_b: int, as_json: bool) -> None:
    """What changed between two scans: new, missing and moved devices, new firmware and
    other changed fields (scan ids from `camscan scans`).

    \b
    Example:
      camscan diff 3 4
      camscan diff 3 4 --json | jq '.firmware_changed'
    """
    changes = queries.scan_changes(read_inventory(app.db), scan_a, scan_b)
    if as_json:
        emit_json(changes.as_dict())
        return
    total = sum(len(v) for k, v in changes.as_dict().items() if k != "not_scanned")
    click.echo(f"scan {scan_a} -> scan {scan_b}: {total} changes")
    if changes.not_scanned:
        click.echo(
            f"  ({len(changes.not_scanned)} devices of scan {scan_a} were outside the "
            f"scope of scan {scan_b}: not asked, so not counted as missing)"
        )

    def who(d: DeviceRecord) -> str:
        return f"{text(d.manufacturer or 'unknown')} {text(d.model)}".strip()

    for d in changes.new:
        click.echo(f"  new       #{d.id} {text(d.ip)} {who(d)}")
    for d in changes.missing:
        click.echo(f"  missing   #{d.id} {text(d.ip)} {who(d)}")
    for m in changes.moved:
        click.echo(
            f"  moved     #{m.device.id} {text(m.old_ip)} -> {text(m.new_ip)} {who(m.device)}"
        )
    for c in changes.firmware_changed:
        click.echo(f"  firmware  #{c['id']} {text(c['ip'])} {text(c['old'])} -> {text(c['new'])}")
    for c in changes.changed:
        click.echo(
            f"  {text(c['field']):<9} #{c['id']} {text(c['ip'])} {text(c['old'])} -> "
            f"{text(c['new'])}"
        )


commands.append(diff)


def _rescore_and_say(
    db: str,
    policy: Path | None = None,
    *,
    default_policy: bool = False,
    site: str | None = None,
) -> None:
    """Re-score with the policy in force for each site (after storing ``policy`` or going
    back to the default when asked), then say which policy, the bands, and what moved."""
    from camscan.app.scores import policies_in_force, rescore_changes, store_policy
    from camscan.cli import settings
    from camscan.scoring.policy import load_policy
    from camscan.scoring.vulns import load_vulns

    inv = read_inventory(db)
    if policy is not None or default_policy:
        # load first: a broken file is refused before anything is stored
        store_policy(inv, load_policy(policy) if policy is not None else None, site)
    default = load_policy(settings.policy_path())
    # streamed: the bands and the moves are gathered chunk by chunk, no device list held
    done = rescore_changes(inv, vulns=load_vulns(user_copy=settings.vulns_path()), default=default)
    in_force = policies_in_force(inv, default=default)
    used = sorted({p.describe() for p in in_force.values()})
    if len(used) <= 1:
        what = f"policy {used[0]}" if used else f"policy {default.describe()}"
    else:
        what = "policies " + "; ".join(f"{text(k)}: {v.describe()}" for k, v in in_force.items())
    click.echo(f"scored {done.scored} devices with {what}: {_band_counts(done.bands)}")
    moves = done.moves
    if moves:
        click.echo(f"{len(moves)} device{'' if len(moves) == 1 else 's'} changed band:")
    for mv in moves:
        click.echo(
            f"  #{mv['id']} {text(mv['ip'])} {text(mv['manufacturer'] or 'unknown')} "
            f"{text(mv['model'])}: {mv['old_band'] or 'unscored'} -> {mv['new_band']} "
            f"(score {mv['old_score'] or 0:.0f} -> {mv['new_score'] or 0:.0f})"
        )
        for w in mv["why"]:
            click.echo(f"      {w['factor']} {w['old']:+g} -> {w['new']:+g}: {text(w['reason'])}")


@click.command()
@click.argument("devices", nargs=-1)
@click.option("--site", help="Tag the whole site (its criticality applies to every device).")
@click.option("--zone", help="Zone name, e.g. 'Server room' or 'Car park'.")
@click.option(
    "--criticality",
    type=click.Choice(["high", "medium", "low"]),
    help="How critical the place is; raises the score (docs/scoring.md).",
)
@click.option("--clear", is_flag=True, help="Remove the zone and criticality given before.")
@click.pass_obj
def tag(
    app: AppContext,
    devices: tuple[str, ...],
    site: str | None,
    zone: str | None,
    criticality: str | None,
    clear: bool,
) -> None:
    """Assign zone and criticality to devices (by id, IP, MAC or serial) or to a whole
    site, then re-score.

    \b
    Example:
      camscan tag 10.77.0.23 10.77.0.24 --zone "Server room" --criticality high
      camscan tag --site "Main school" --criticality medium
      camscan tag 10.77.0.23 --clear
    """
    if not devices and not site:
        raise UsageError("name devices (id, IP, MAC or serial) or a --site to tag")
    if zone is None and criticality is None and not clear:
        raise UsageError("give --zone and/or --criticality, or --clear")
    if clear and (zone is not None or criticality is not None):
        raise UsageError("--clear removes tags: give it without --zone/--criticality")
    if devices and site:
        raise UsageError("tag either devices or a --site, not both")
    n = repo.set_tags(
        read_inventory(app.db),
        device_refs=devices,
        site=site,
        zone=zone,
        criticality=criticality,
        clear=clear,
    )
    count = f"{n} device" + ("" if n == 1 else "s")
    what = f"site {text(site)} ({count})" if site else count
    click.echo(f"{'cleared tags of' if clear else 'tagged'} {what}", err=True)
    _rescore_and_say(app.db)


commands.append(tag)


@click.command()
@click.option(
    "--policy",
    type=EXISTING,
    help=POLICY_HELP + " Stored in the inventory: later scans, tags and updates use it.",
)
@click.option(
    "--default-policy", is_flag=True, help="Go back to the default policy (forget the stored one)."
)
@click.option("--site", help="Set the policy of this site only (default: every site).")
@click.pass_obj
def rescore(app: AppContext, policy: Path | None, default_policy: bool, site: str | None) -> None:
    """Score every device again with the policy in force and the current vulnerability
    data, and store each factor's contribution (no rescan needed).

    The policy belongs to the inventory: --policy stores the file's text and hash for the
    site (or every site), and every later re-score (after a scan, `tag` or `vulns update`)
    uses it until --policy or --default-policy changes it.  A site with no stored policy
    uses the default, or $CAMSCAN_POLICY when set.

    \b
    Example:
      camscan rescore
      camscan rescore --policy hospital.toml
      camscan rescore --site "Main school" --default-policy
    """
    if policy is not None and default_policy:
        raise UsageError("give --policy FILE or --default-policy, not both")
    if site and policy is None and not default_policy:
        raise UsageError(
            "--site chooses whose policy to set: give it with --policy or --default-policy"
        )
    _rescore_and_say(app.db, policy, default_policy=default_policy, site=site)


commands.append(rescore)


@click.group()
def vulns() -> None:
    """The vulnerability data used for scoring: CISA KEV entries and critical CVEs of
    camera, NVR and DVR makers, with the firmware ranges camscan matches.

    \b
    Example:
      camscan vulns list
      camscan vulns update --from known_exploited_vulnerabilities.json
    """


@vulns.command("list")
@click.option("--kev", "kev_only", is_flag=True, help="Only known exploited (CISA KEV) entries.")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
def vulns_list(kev_only: bool, as_json: bool) -> None:
    """List the vulnerability entries, with the data's date and sources.

    \b
    Example:
      camscan vulns list --kev
    """
    from camscan.cli import settings
    from camscan.scoring.vulns import load_vulns

    data = load_vulns(user_copy=settings.vulns_path())
    entries = [e for e in data.raw["entries"] if e.get("kev") or not kev_only]
    if as_json:
        emit_json({k: v for k, v in data.raw.items() if k != "entries"} | {"entries": entries})
        return
    table(
        f"{len(entries)} entries; data of {data.data_date} "
        f"(KEV catalog {data.kev_catalog_version}) from {data.path}",
        (
            Column("cve", 0, whole=True),
            Column("kev added", 3, whole=True),
            Column("vendor", 0),
            Column("product", 1),
            Column("cvss", 2),
            Column("eol", 4),
            Column("fixed in", 5),
        ),
        (
            (
                e["cve"],
                e.get("kev_date_added") or "",
                e.get("vendor"),
                e.get("product"),
                e.get("cvss") or "",
                "yes" if e.get("eol") else "",
                e.get("fixed_in") or "",
            )
            for e in entries
        ),
    )


@vulns.command("update")
@click.option(
    "--from",
    "source",
    type=EXISTING,
    help="Import this file offline: a CISA KEV catalog JSON, CVE JSON 5 records or camscan data.",
)
@click.option(
    "--url",
    help="Fetch the KEV catalog from this address instead of CISA's.",
)
@click.option("--no-rescore", is_flag=True, help="Do not re-score the inventory afterwards.")
@click.pass_obj
def vulns_update(app: AppContext, source: Path | None, url: str | None, no_rescore: bool) -> None:
    """Update the vulnerability data: from a file (--from, offline) or by downloading CISA's
    KEV catalog (only when run without --from).  Entries camscan knows keep their firmware
    ranges; new ones match their vendor as 'possible'.  The inventory is then re-scored.

    \b
    Example:
      camscan vulns update --from known_exploited_vulnerabilities.json
      camscan vulns update
    """
    from camscan.cli import settings
    from camscan.scoring import vulns as v

    if source is not None and url:
        raise UsageError("give --from FILE or --url, not both")
    user_copy = settings.vulns_path()
    if source is not None:
        result = v.update_from_file(source, target=user_copy)
    else:
        target = url or v.KEV_URL
        click.echo(f"fetching {target}", err=True)
        result = v.update_from(v.fetch(target), target, target=user_copy)
    click.echo(
        f"vulnerability data of {result['data_date']}: {result['added']} added, "
        f"{result['updated']} updated, {result['total']} entries; written to {result['path']}"
    )
    if no_rescore:
        return
    url_db = to_url(app.db)
    if url_db.startswith("sqlite:///") and not Path(url_db.removeprefix("sqlite:///")).exists():
        return
    _rescore_and_say(app.db)


commands.append(vulns)
