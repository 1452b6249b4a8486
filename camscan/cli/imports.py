"""camscan CLI: `camscan import FILE` - an inventory from files users already have."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from camscan.cli import AppContext
from camscan.cli.output import emit_json, table

commands: list[click.Command] = []


class _ByteProgress:
    """A progress line on stderr for a long file: at most one every ``interval`` seconds."""

    def __init__(self, total: int, quiet: bool, interval: float = 2.0) -> None:
        self.total = max(total, 1)
        self.quiet = quiet or self.total < (8 << 20)  # a small file needs no progress
        self.interval = interval
        self._last = time.monotonic()
        self._done = 0
        self._phase = "checking"  # the ingest reads a file twice: check, then store

    def __call__(self, done: int) -> None:
        if done < self._done:
            self._phase = "importing"
        self._done = done
        if self.quiet:
            return
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            pct = 100.0 * done / self.total
            click.echo(
                f"camscan: {self._phase} {done / (1 << 20):,.0f} of "
                f"{self.total / (1 << 20):,.0f} MiB ({pct:.0f}%)",
                err=True,
            )


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "format_name",
    metavar="FORMAT",
    help="Read FILE as this format instead of recognising it (nmap-xml, csv, switch-text, "
    "camscan-json, pcap, bundle).",
)
@click.option(
    "--site",
    default=None,
    help="File the hosts under this site (merged with what scans of it found)  "
    "[default: a bundle's own site, else 'default'].",
)
@click.option("--dry-run", is_flag=True, help="Read and identify, show the summary, store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def import_cmd(
    app: AppContext,
    file: Path,
    format_name: str | None,
    site: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import hosts from a file: nmap XML, a MAC/ARP table or DHCP leases (CSV or switch
    text), a camscan export, a capture; identify them like a scan and store them.

    The format is recognised from the file's first bytes (--format to force one).  The
    same file into the same site twice adds nothing.  A file camscan cannot use at all
    changes nothing and exits 2; records it could not read are counted and shown, and the
    rest imported (exit 1).

    \b
    Examples:
      camscan import audit-2025.xml --site "St Mary's"
      camscan import dhcp-leases.csv --site "St Mary's" --dry-run
      camscan import core-sw1-mac-table.txt --format switch-text
      camscan import other-site-export.json --site north
    """
    from camscan.app.ingest import ingest, open_import
    from camscan.cli import settings
    from camscan.fingerprint import load_engine
    from camscan.inventory.db import open_inventory

    if format_name:
        from camscan.imports import format_named

        format_named(format_name)  # an unknown name is a usage error before any reading
    size = file.stat().st_size if file.is_file() else 0
    progress = _ByteProgress(size, app.quiet or as_json)
    source, records = open_import(file, format_name=format_name, on_bytes=progress)
    if site is None:  # a bundle knows the site it was scanned at (camscan/bundle.py)
        from camscan.bundle import bundle_site

        site = (bundle_site(file) if source.format == "bundle" else None) or "default"
    inv = open_inventory(app.db)
    engine = load_engine(settings.fingerprints_dir())
    from camscan.cli import settings

    report = ingest(
        inv,
        site=site,
        source=source,
        hosts=records,
        dry_run=dry_run,
        engine=engine,
        policy=settings.policy_path(),
        vulns=settings.vulns_path(),
    )
    if as_json:
        emit_json(report.as_dict())
    else:
        _summary(report)
    if report.record_errors:
        sys.exit(1)


def _summary(report: object) -> None:
    from camscan.app.ingest import IngestReport

    assert isinstance(report, IngestReport)
    src = report.source
    if report.status == "already imported":
        click.echo(
            f"{src.name} ({src.format}, sha256 {str(src.sha256)[:12]}) was already imported "
            f"into site {report.site!r} at {report.imported_before}: nothing added"
        )
        return
    makers = ", ".join(f"{k} {v}" for k, v in report.makers.most_common(6)) or "-"
    rows = [
        ("file", f"{src.name} ({src.format}, {src.size or 0:,} bytes)"),
        (
            "site",
            report.site + (" (dry run: nothing stored)" if report.status == "dry run" else ""),
        ),
        ("hosts", report.hosts),
        ("cameras/NVRs/DVRs", report.cameras),
        ("makers", makers),
        ("white labels", report.white_labels),
        ("new devices", report.new_devices),
        ("updated devices", report.updated_devices),
        ("record errors", report.record_errors),
    ]
    table(f"camscan import: {src.name}", ["what", "count"], rows)
    for line in report.error_samples[:10]:
        click.echo(f"  error: {line}", err=True)
    if report.record_errors > len(report.error_samples[:10]):
        click.echo(
            f"  ... {report.record_errors - len(report.error_samples[:10])} more record errors",
            err=True,
        )


commands.append(import_cmd)
