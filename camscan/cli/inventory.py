"""camscan CLI: the inventory — devices, show, scans, export, reidentify."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import click

from camscan.cli import AppContext
from camscan.cli.output import (
    DEVICE_COLUMNS,
    Column,
    emit_json,
    format_option,
    table,
    text,
    to_csv,
)
from camscan.config import PORT_NAMES
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.db import read_inventory
from camscan.inventory.records import DeviceRecord

commands: list[click.Command] = []


def _fmt_conf(value: Any) -> str:
    return f"{float(value):.2f}" if isinstance(value, (int, float)) else ""


BANDS = ("P1", "P2", "P3", "P4")
TYPES = ("camera", "nvr", "dvr", "encoder", "not_camera", "unknown")


def _priority(row: DeviceRecord) -> tuple[float, int]:
    """Highest replacement score first; unscored (not cameras) last, then by id."""
    score = row.score
    return (-(score if score is not None else -1.0), row.id)


def _made_by(row: DeviceRecord) -> str:
    if row.manufacturer:
        return str(row.manufacturer) + (" (white label)" if row.white_label else "")
    vendor = row.mac_vendor
    return f"? (NIC: {vendor})" if vendor else ""


def select_devices(
    rows: list[DeviceRecord],
    *,
    bands: tuple[str, ...] = (),
    makers: tuple[str, ...] = (),
    types: tuple[str, ...] = (),
    white_label: bool = False,
) -> list[DeviceRecord]:
    """The rows that pass every filter given, in priority order."""
    wanted_makers = {mk.casefold() for mk in makers}
    out = [
        r
        for r in rows
        if (not bands or r.band in bands)
        and (not types or r.device_type in types)
        and (not wanted_makers or (r.manufacturer or "").casefold() in wanted_makers)
        and (not white_label or r.white_label)
    ]
    return sorted(out, key=_priority)


DEVICE_TABLE = (
    Column("band", 0),
    Column("ip", 0, whole=True),
    Column("type", 0),
    Column("made by", 0),
    Column("brand shown", 1),
    Column("model", 2),
    Column("score", 3),
    Column("conf", 7),
    Column("firmware", 6),
    Column("mac", 5, whole=True),
    Column("id", 4, whole=True),
)


@click.command()
@click.option("--site", help="Only devices of this site (case ignored).")
@click.option("--cameras", is_flag=True, help="Only cameras, NVRs, DVRs and encoders.")
@click.option("--band", "bands", multiple=True, type=click.Choice(BANDS), help="Only this band.")
@click.option("--maker", "makers", multiple=True, help="Only devices made by this maker.")
@click.option("--type", "types", multiple=True, type=click.Choice(TYPES), help="Only this type.")
@click.option("--white-label", is_flag=True, help="Only white-labelled units (brand != maker).")
@format_option(
    "table", "json", "csv", help="Output format (json is documented in docs/json-output.md)."
)
@click.option("--wide", is_flag=True, help="Every column, however wide the terminal.")
@click.option("--explain", is_flag=True, help="Show the score factors of each ranked device.")
@click.pass_obj
def devices(
    app: AppContext,
    site: str | None,
    cameras: bool,
    bands: tuple[str, ...],
    makers: tuple[str, ...],
    types: tuple[str, ...],
    white_label: bool,
    fmt: str,
    wide: bool,
    explain: bool,
) -> None:
    """List the inventory, highest replacement priority first.

    \b
    Example:
      camscan devices --cameras
      camscan devices --band P1 --band P2
      camscan devices --maker Hikvision --white-label
      camscan devices --format json > inventory.json
      camscan devices --explain
    """
    inv = read_inventory(app.db)
    rows = queries.list_devices(inv, site=site, cameras_only=cameras)
    rows = select_devices(rows, bands=bands, makers=makers, types=types, white_label=white_label)
    if fmt == "json":
        emit_json([r.as_dict() for r in rows])
        return
    if fmt == "csv":
        click.echo(to_csv([r.as_dict() for r in rows], DEVICE_COLUMNS), nl=False)
        return
    if not rows:
        click.echo("No devices match; run `camscan scan <network>` first, or loosen the filters.")
        return
    table(
        f"{len(rows)} devices ({sum(1 for r in rows if r.is_camera)} cameras/NVRs/DVRs)",
        DEVICE_TABLE,
        (
            (
                r.band or "-",
                r.ip,
                r.device_type,
                _made_by(r),
                r.brand,
                r.model,
                "" if r.score is None else f"{r.score:.0f}",
                _fmt_conf(r.confidence),
                r.firmware,
                r.mac,
                r.id,
            )
            for r in rows
        ),
        wide=wide,
    )
    if explain:
        for r in rows:
            if r.score_factors and r.band:
                click.echo(f"\n#{r.id} {text(r.ip)}: score {r.score or 0:.0f} ({r.band})")
                for f in r.score_factors:
                    click.echo(
                        f"  {f.get('points', 0):+6.1f}  {f.get('factor')}: {f.get('reason')}"
                    )


commands.append(devices)


def shown(value: Any, limit: int = 100) -> str:
    """Device text for one line: CR, LF and TAB written as \\r, \\n, \\t (a reader sees
    the line endings a device sent), other control codes as ?, cut at ``limit``."""
    s = str(value if value is not None else "")[:limit]
    s = s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return text(s)


def evidence_lines(evidence: list[dict[str, Any]]) -> list[tuple[tuple[Any, str], list[str]]]:
    """Evidence as lines a person reads: the same rule on the same value, seen on several
    paths or ports, is one line naming every place it was seen."""
    lines: dict[tuple[Any, str], list[str]] = {}
    for e in evidence:
        body = (
            f"{text(e.get('field'))} = {shown(e.get('value'))} -> "
            f"{text(json.dumps(e.get('asserts')))}"
        )
        key = (e.get("strength", ""), body)
        place = str(e.get("source") or "")
        if place not in lines.setdefault(key, []):
            lines[key].append(place)
    return list(lines.items())


@click.command()
@click.argument("device")
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
@click.option(
    "--evidence-document",
    is_flag=True,
    help="Print the evidence document of the latest scan (input of `camscan identify`).",
)
@click.pass_obj
def show(app: AppContext, device: str, as_json: bool, evidence_document: bool) -> None:
    """Everything known about one device (by id, IP, MAC or serial), with the evidence.

    \b
    Example:
      camscan show 10.77.0.23
      camscan show 12 --json
      camscan show 12 --evidence-document | camscan identify -
    """
    inv = read_inventory(app.db)
    if evidence_document:
        emit_json(queries.evidence_for(inv, device))
        return
    detail = queries.device_detail(inv, device)
    if as_json:
        emit_json(detail.as_dict())
        return
    rec = detail.device
    p = click.echo
    p(f"Device #{rec.id}  {text(rec.ip)}  {text(rec.mac)}  site {text(rec.site)}")
    p(f"  type         {text(rec.device_type)} (camera: {'yes' if rec.is_camera else 'no'})")
    p(f"  brand shown  {text(rec.brand)}")
    wl = "  (WHITE LABEL: brand differs from maker)" if rec.white_label else ""
    p(f"  made by      {text(rec.manufacturer)}{wl}")
    p(f"  model        {text(rec.model)}")
    p(f"  firmware     {text(rec.firmware)}")
    p(f"  serial       {text(rec.serial)}")
    p(f"  confidence   {_fmt_conf(rec.confidence)}")
    p(f"  seen         {rec.first_seen} .. {rec.last_seen} in scans {detail.scans}")
    if rec.zone or rec.criticality:
        p(f"  zone         {text(rec.zone)}  criticality {text(rec.criticality)}")
    if rec.score is not None:
        p(f"\nReplacement priority: {rec.band}  score {rec.score:.0f}/100")
        for f in rec.score_factors:
            p(f"  {f.get('points', 0):+6.1f}  {text(f.get('factor'))}: {text(f.get('reason'))}")
    if rec.evidence:
        p("\nEvidence:")
        for line, sources in evidence_lines(rec.evidence):
            more = f"  (also {', '.join(sources[1:4])}" if len(sources) > 1 else ""
            if len(sources) > 4:
                more += f" and {len(sources) - 4} more"
            p(f"  [{line[0]}] {text(sources[0])} {line[1]}{more + ')' if more else ''}")
    if rec.notes:  # e.g. a catch-all web port (docs/fingerprints.md)
        p("\nNotes:")
        for note in rec.notes:
            p(f"  {text(note)}")
    plan = rec.plan or {}
    if plan:  # what the scan asked this host, what it skipped and why (docs/probes.md)
        p(f"\nProbe plan: {plan.get('requests', 0)} requests; {text(plan.get('why'))}")
        for what in plan.get("skipped") or []:
            p(f"  skipped {text(what)}")
    if rec.errors:
        p("\nWhat failed:")
        for e in rec.errors:
            p(f"  {text(json.dumps(e)[:200])}")
    if detail.services:
        p("\nServices:")
        for sv in detail.services:
            known = PORT_NAMES.get(sv["port"]) if sv["protocol"] == "tcp" else None
            name = text(sv["name"]) + (f" ({known})" if known and sv["name"] == "tcp" else "")
            p(f"  {sv['port']}/{sv['protocol']:<4} {name:<16} {shown(sv['banner'])}")
    if detail.addresses:
        p("\nAddresses:")
        for a in detail.addresses:
            p(f"  {text(a['ip'])}  {text(a['mac'])}  {a['first_seen']} .. {a['last_seen']}")
    if detail.history:
        p("\nHistory:")
        for h in detail.history:
            p(f"  scan {h['scan_id']}: {h['field']} {text(h['old'])} -> {text(h['new'])}")


commands.append(show)


@click.command()
@format_option("table", "json")
@click.pass_obj
def scans(app: AppContext, fmt: str) -> None:
    """Scan history: when, what scope, how it ended.

    \b
    Example:
      camscan scans
      camscan scans --format json
    """
    inv = read_inventory(app.db)
    repo.reap_interrupted(inv)  # scans whose process is gone are shown as incomplete
    rows = queries.list_scans(inv)
    if fmt == "json":
        emit_json(rows)
        return
    if not rows:
        click.echo("No scans yet; run `camscan scan <network>`.")
        return
    table(
        None,
        (
            Column("id", 0, whole=True),
            Column("site", 0),
            Column("status", 0),
            Column("started", 1, whole=True),
            Column("finished", 3, whole=True),
            Column("targets", 2),
            Column("hosts", 1),
            Column("devices", 0),
        ),
        (
            (
                r["id"],
                r["site"],
                r["status"],
                r["started_at"],
                r["finished_at"] or "",
                " ".join(r["targets"]),
                r["hosts_probed"],
                r["devices_found"],
            )
            for r in rows
        ),
    )


commands.append(scans)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "jsonl"]),
    default="json",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option("--site", help="Only devices of this site.")
@click.option("--cameras", is_flag=True, help="Only cameras, NVRs, DVRs and encoders.")
@click.pass_obj
def export(app: AppContext, fmt: str, output: Path | None, site: str | None, cameras: bool) -> None:
    """Export the inventory (devices with verdicts and scores) for scripts and spreadsheets.
    The CSV is the same as `devices --format csv` and `report --csv` (docs/scoring.md).

    \b
    Example:
      camscan export --format csv --cameras -o cameras.csv
      camscan export --format jsonl | jq .manufacturer
    """
    from camscan.reports.exports import write_text

    records = queries.list_devices(read_inventory(app.db), site=site, cameras_only=cameras)
    rows = [r.as_dict() for r in records]
    if fmt == "csv":
        data = to_csv(rows, DEVICE_COLUMNS)
    elif fmt == "jsonl":
        data = "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows)
    else:
        data = json.dumps(rows, indent=2, ensure_ascii=False, default=str) + "\n"
    if output:
        write_text(output, data)  # whole or not at all; one error line when unwritable
        click.echo(f"wrote {len(rows)} devices to {output}", err=True)
    else:
        click.echo(data, nl=False)


commands.append(export)


@click.command()
@click.option("--site", help="Only devices of this site.")
@click.pass_obj
def reidentify(app: AppContext, site: str | None) -> None:
    """Re-run fingerprinting over stored observations (after fingerprints change), no rescan.

    \b
    Example:
      camscan reidentify
    """
    from camscan.app.identify import identify_document
    from camscan.app.reidentify import reidentify as reidentify_stored
    from camscan.cli import settings
    from camscan.fingerprint import load_engine

    engine = load_engine(settings.fingerprints_dir())
    counts = reidentify_stored(
        read_inventory(app.db), functools.partial(identify_document, engine), site=site
    )
    click.echo(f"re-identified {counts.devices} devices; {counts.changed} changed")


commands.append(reidentify)
