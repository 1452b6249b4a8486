"""camscan CLI: `camscan listen` - an inventory from traffic alone, sending nothing."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

import click

from camscan.cli import AppContext
from camscan.cli.output import emit_json, table
from camscan.errors import UsageError

commands: list[click.Command] = []

SCAN_WOULD_ADD = (
    "what the devices answer when asked (vendor identification pages, ONVIF device "
    "information, SADP/DHIP inquiries, RTSP DESCRIBE) and the ports nobody used while listening"
)


@click.command("listen")
@click.option(
    "-i",
    "--interface",
    required=True,
    metavar="IFACE",
    help="The interface to listen on: an access port, or a switch's SPAN/mirror port.",
)
@click.option(
    "--duration",
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    help="Stop after this many seconds (default: until Ctrl-C).",
)
@click.option(
    "--only",
    multiple=True,
    metavar="CIDR",
    help="Record only these networks (repeatable; default: private, link-local and shared "
    "address space).",
)
@click.option("--exclude", multiple=True, metavar="CIDR", help="Never record these networks.")
@click.option(
    "--site", default="default", show_default=True, help="File the hosts under this site."
)
@click.option(
    "--fetch-descriptions",
    is_flag=True,
    help="After listening, GET the UPnP description each in-scope device's own SSDP message "
    "names (the one thing listen may send; off by default).",
)
@click.option(
    "--write-pcap",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="FILE",
    help="Also write the in-scope frames to FILE (pcap) for `camscan import` elsewhere.",
)
@click.option("--dry-run", is_flag=True, help="Listen and identify, store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def listen_cmd(
    app: AppContext,
    interface: str,
    duration: float | None,
    only: tuple[str, ...],
    exclude: tuple[str, ...],
    site: str,
    fetch_descriptions: bool,
    write_pcap: Path | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Build or update the inventory from traffic alone, sending nothing.

    Opens a receive-only packet socket on IFACE (root or CAP_NET_RAW) and reads what
    devices announce (ARP, DHCP, WS-Discovery Hello/Bye, SADP, DHIP, SSDP NOTIFY, mDNS)
    and, on a mirror port, the server side of HTTP, RTSP and TLS handshakes.  Every host
    goes through the same evidence document and fingerprint engine as a scan; a device
    seen only by listening is marked so, with what a scan would add (docs/passive.md).

    \b
    Examples:
      camscan listen -i eth1 --duration 900 --site "St Mary's"
      camscan listen -i span0 --only 10.20.0.0/16 --exclude 10.20.99.0/24
      camscan listen -i eth1 --duration 300 --write-pcap ward3.pcap --dry-run
    """
    from camscan.app.ingest import ImportSource, ingest
    from camscan.app.listen import Tally, listen
    from camscan.app.listen import fetch_descriptions as fetch_upnp
    from camscan.cli import settings
    from camscan.fingerprint import load_engine
    from camscan.inventory.db import open_inventory
    from camscan.passive.capture import interface_exists
    from camscan.passive.scope import recording_scope

    try:
        in_scope = recording_scope(only, exclude)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if not interface_exists(interface):
        raise UsageError(f"no interface {interface!r} on this host; `ip link` lists them")
    if os.geteuid() != 0:
        raise UsageError(
            "listen needs root (or CAP_NET_RAW) to open a packet socket; run it with sudo"
        )
    inv = None if dry_run else open_inventory(app.db)  # a bad --db fails before listening
    engine = load_engine(settings.fingerprints_dir())
    stopping = [False]

    def on_sigint(_sig: int, _frame: FrameType | None) -> None:
        stopping[0] = True

    quiet = app.quiet or as_json
    tty = sys.stderr.isatty()

    def on_tick(tally: Tally, remaining: float | None) -> None:
        if quiet:
            return
        line = tally.line(interface, remaining)
        click.echo(f"\r{line}\x1b[K" if tty else line, err=True, nl=not tty)

    def on_start() -> None:
        if not app.quiet:
            until = f"for {duration:g} s" if duration else "until Ctrl-C"
            click.echo(f"camscan: listening on {interface} (receive-only) {until}", err=True)

    old = signal.signal(signal.SIGINT, on_sigint)
    started = time.monotonic()
    try:
        decoder, tally = listen(
            interface,
            in_scope,
            duration=duration,
            engine=engine,
            stop=lambda: stopping[0],
            on_tick=on_tick,
            interval=2.0 if tty else 10.0,
            write_pcap=write_pcap,
            on_start=on_start,
        )
    except OSError as err:
        raise UsageError(f"cannot listen on {interface}: {err.strerror or err}") from None
    finally:
        signal.signal(signal.SIGINT, old)
    if tty and not quiet:
        click.echo("", err=True)
    fetched = fetch_upnp(decoder) if fetch_descriptions else 0
    source = ImportSource(
        name=interface,
        format="listen",
        origin="listen",
        sha256=None,
        size=None,
        scan_would_add=SCAN_WOULD_ADD,
    )
    hosts = list(decoder.imported())
    stats = decoder.stats
    summary: dict[str, object] = {
        "interface": interface,
        "seconds": round(time.monotonic() - started, 1),
        "stopped": "Ctrl-C" if stopping[0] else "duration",
        "packets": stats.packets,
        "dropped_by_kernel": tally.dropped,
        "malformed": sum(stats.malformed.values()),
        "out_of_scope": stats.out_of_scope,
        "hosts": len(hosts),
        "descriptions_fetched": fetched,
        "pcap": str(write_pcap) if write_pcap else None,
        "pcap_full": tally.pcap_full,
    }
    if dry_run:
        summary["cameras"] = len(tally.cameras)
        summary["makers"] = dict(sorted(tally.makers.items()))
        summary["stored"] = False
    else:
        assert inv is not None
        report = ingest(
            inv,
            site=site,
            source=source,
            hosts=hosts,
            engine=engine,
            policy=settings.policy_path(),
            vulns=settings.vulns_path(),
        )
        summary.update(
            {
                "cameras": report.cameras,
                "makers": dict(sorted(report.makers.items())),
                "white_labels": report.white_labels,
                "new_devices": report.new_devices,
                "updated_devices": report.updated_devices,
                "scan_id": report.scan_id,
                "stored": True,
                "site": site,
            }
        )
    if as_json:
        emit_json(summary)
        return
    makers = summary["makers"]
    assert isinstance(makers, dict)
    rows = [
        ("listened", f"{summary['seconds']} s on {interface} (stopped by {summary['stopped']})"),
        (
            "packets",
            f"{stats.packets:,} ({summary['malformed']:,} malformed, skipped; "
            f"{tally.dropped:,} dropped by the kernel)",
        ),
        ("hosts", len(hosts)),
        ("cameras/NVRs/DVRs", summary["cameras"]),
        ("makers", ", ".join(f"{k} {v}" for k, v in makers.items()) or "-"),
    ]
    if dry_run:
        rows.append(("stored", "no (dry run)"))
    else:
        rows += [
            ("new devices", summary["new_devices"]),
            ("updated devices", summary["updated_devices"]),
            ("site", site),
        ]
    if write_pcap:
        full = " (stopped at 2 GiB)" if tally.pcap_full else ""
        rows.append(("capture", f"{write_pcap}, {tally.pcap_bytes:,} bytes{full}"))
    table(f"camscan listen: {interface}", ["what", "count"], rows)
    click.echo(
        "Sent nothing"
        + (f" but {fetched} UPnP description request(s)" if fetch_descriptions else "")
        + f". Devices seen only by listening are marked so; a scan would add {SCAN_WOULD_ADD}."
    )


commands.append(listen_cmd)
