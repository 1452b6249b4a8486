"""camscan CLI: scan."""

from __future__ import annotations

import functools
import getpass
import os
import sys
from pathlib import Path
from typing import Any

import click

from camscan.cli import AppContext
from camscan.cli.output import Column, emit_json, table
from camscan.config import DEFAULT_PORTS
from camscan.errors import UsageError
from camscan.inventory.db import open_inventory
from camscan.scope import build_scope

commands: list[click.Command] = []


def probe_choices() -> tuple[str, ...]:
    """The --probes names: the probe registry's (camscan/probes), read when asked."""
    from camscan.probes import names

    return names()


def parse_ports(text: str) -> tuple[int, ...]:
    """``80,443,8000-8010`` -> ports; UsageError on anything else."""
    ports: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        try:
            a, b = int(lo), int(hi or lo)
        except ValueError:
            raise UsageError(f"bad port {part!r} in --ports; write e.g. 80,443,8000-8010") from None
        if not (1 <= a <= b <= 65535):
            raise UsageError(f"port range {part!r} is outside 1-65535")
        ports.update(range(a, b + 1))
    if not ports:
        raise UsageError("--ports is empty; write e.g. 80,443,554")
    return tuple(sorted(ports))


@click.command()
@click.argument("targets", nargs=-1)
@click.option(
    "-iL",
    "--input-list",
    "input_lists",
    multiple=True,
    metavar="FILE",
    help="Read targets from FILE (one a line, # comments).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="TARGETS",
    help="Addresses, ranges or CIDRs not to touch (comma-separated, repeatable).",
)
@click.option(
    "--site",
    default="default",
    show_default=True,
    help="File the results under this site (a school, a hospital building...).",
)
@click.option(
    "--allow-public",
    is_flag=True,
    help="Allow public address space (only networks you are authorised to scan).",
)
@click.option("--large", is_flag=True, help="Allow scopes larger than a /16.")
@click.option(
    "--ports",
    default=",".join(map(str, DEFAULT_PORTS)),
    show_default=True,
    help="TCP ports to sweep, e.g. 80,443,554,8000-8010.",
)
@click.option(
    "--rate",
    type=click.IntRange(1, 100000),
    default=1000,
    show_default=True,
    help="Most packets/connections per second, all probes together.",
)
@click.option("--interface", help="Network interface to scan from (default: from the routes).")
@click.option(
    "--probes",
    "probe_list",
    default=None,
    help="Probes to run, comma-separated (default: every probe; snmp only runs with "
    "--snmp-community).  Choices: " + ", ".join(probe_choices()) + ".",
)
@click.option(
    "--thorough",
    is_flag=True,
    help="Ask every probe and vendor page of every host, whatever its first replies say "
    "(slower; for audits that want all the evidence).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 60),
    default=2.0,
    show_default=True,
    help="Seconds to wait for one probe's reply.",
)
@click.option(
    "--host-budget",
    type=click.FloatRange(1, 600),
    default=30.0,
    show_default=True,
    help="Most seconds spent on one host.",
)
@click.option("--onvif-user", help="ONVIF user for GetDeviceInformation (read-only account).")
@click.option(
    "--onvif-password-env",
    metavar="VAR",
    help="Environment variable holding the ONVIF password (else you are asked).",
)
@click.option("--snmp-community", help="SNMP v2c community for sysDescr/sysObjectID/sysName.")
@click.option(
    "--bundle",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the scan to this offline bundle instead of the inventory (a site that cannot "
    "reach it); load it centrally with `camscan import FILE` (docs/sensors.md).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scan summary as JSON.")
@click.pass_obj
def scan(
    app: AppContext,
    targets: tuple[str, ...],
    input_lists: tuple[str, ...],
    exclude: tuple[str, ...],
    site: str,
    allow_public: bool,
    large: bool,
    ports: str,
    rate: int,
    interface: str | None,
    probe_list: str | None,
    thorough: bool,
    timeout: float,
    host_budget: float,
    onvif_user: str | None,
    onvif_password_env: str | None,
    snmp_community: str | None,
    bundle: Path | None,
    as_json: bool,
) -> None:
    """Find and identify the cameras, NVRs and DVRs in TARGETS; store them in the inventory.

    TARGETS are addresses, CIDRs (10.0.0.0/24), ranges (10.0.0.10-50) or hostnames. Only
    private, link-local and loopback space is scanned unless you add --allow-public.
    camscan never tries to log in with guessed passwords.

    \b
    Example:
      camscan scan 192.168.10.0/24 --site "St Mary's primary"
      camscan scan -iL subnets.txt --exclude 192.168.10.1 --rate 100
      CAM_PW=... camscan scan 10.20.0.0/22 --onvif-user audit --onvif-password-env CAM_PW
      camscan scan 10.30.0.0/24 --site "Site A" --bundle site-a.camscan
    """
    scope = build_scope(
        targets, target_files=input_lists, exclude=exclude, allow_public=allow_public, large=large
    )
    port_list = parse_ports(ports)
    if interface is not None:
        from camscan.discovery.netinfo import interface_names

        names = interface_names()
        if interface not in names:
            raise UsageError(
                f"--interface {interface}: no such interface on this machine "
                f"(it has {', '.join(names)}); see `ip -br addr`"
            )
    from camscan.probes import default_names

    choices = probe_choices()
    if probe_list is None:
        probes = default_names()
    else:
        probes = tuple(p.strip() for p in probe_list.split(",") if p.strip())
    unknown = sorted(set(probes) - set(choices))
    if unknown:
        raise UsageError(f"unknown probe(s) {', '.join(unknown)}; choose from {', '.join(choices)}")
    password: str | None = None
    if onvif_user:
        if onvif_password_env:
            password = os.environ.get(onvif_password_env)
            if password is None:
                raise UsageError(
                    f"--onvif-password-env {onvif_password_env}: that variable is "
                    "not set; export it or leave the option out to be asked"
                )
        elif sys.stdin.isatty():
            password = getpass.getpass(f"ONVIF password for {onvif_user}: ")
        else:
            raise UsageError("--onvif-user needs --onvif-password-env VAR when not on a terminal")
    inv = open_inventory(app.db) if bundle is None else None
    from camscan.discovery.records import ScanOptions

    options = ScanOptions(
        ports=port_list,
        rate=rate,
        interface=interface,
        probes=frozenset(probes),
        timeout=timeout,
        host_budget=host_budget,
        onvif_user=onvif_user,
        onvif_password=password,
        snmp_community=snmp_community,
        thorough=thorough,
    )
    # What is recorded on the scan: never the password, nor the SNMP community.
    recorded: dict[str, Any] = {
        "ports": list(port_list),
        "rate": rate,
        "interface": interface,
        "probes": list(probes),
        "timeout": timeout,
        "host_budget": host_budget,
        "onvif_user": onvif_user,
        "snmp": bool(snmp_community),
        "thorough": thorough,
    }
    from camscan.app import scan as scanning
    from camscan.cli import settings
    from camscan.cli.progress import ScanProgress

    with ScanProgress(total=scope.size, quiet=app.quiet or as_json) as progress:
        report = scanning.run(
            inv,
            scope,
            site=site,
            options=options,
            recorded_options=recorded,
            on_progress=progress.update,
            on_device=progress.device,
            fingerprints=settings.fingerprints_dir(),
            spool_dir=settings.spool_dir(),
            event_loop=settings.event_loop(),
            policy=settings.policy_path(),
            vulns=settings.vulns_path(),
            bundle=bundle,
        )
    if as_json:
        emit_json(report.as_dict())
    else:
        say = functools.partial(click.echo, err=not app.quiet)
        say(
            f"scan {report.scan_id} {report.status}: {report.devices:,} of "
            f"{report.addresses:,} addresses answered, {report.cameras} cameras/NVRs/DVRs, "
            f"{report.errors} probe errors recorded, {report.seconds:.1f} s. "
            + (
                "See `camscan devices`."
                if bundle is None
                else f"Written to {bundle}: load it with `camscan import {bundle}`."
            )
        )
        for note in report.notes:
            say(f"note: {note}")
        if report.no_route:
            say(
                f"note: {report.no_route:,} addresses have no route from this machine and were "
                "not probed"
            )
        if not app.quiet and report.device_ids and inv is not None and report.status != "spooled":
            from camscan.inventory import queries

            found = set(report.device_ids)
            rows = [
                r for r in queries.list_devices(inv, site=site) if r.id in found and r.is_camera
            ]
            if rows:
                table(
                    f"Cameras, NVRs and DVRs found in scan {report.scan_id}",
                    (
                        Column("id", 4, whole=True),
                        Column("ip", 0, whole=True),
                        Column("type", 0),
                        Column("brand shown", 1),
                        Column("made by", 0),
                        Column("model", 2),
                        Column("firmware", 3),
                    ),
                    (
                        (
                            r.id,
                            r.ip,
                            r.device_type,
                            r.brand,
                            (r.manufacturer or "") + (" (white label)" if r.white_label else ""),
                            r.model,
                            r.firmware,
                        )
                        for r in rows
                    ),
                )
    if report.status == "complete" and report.devices == 0:
        first = next(scope.iter_hosts(), "the first address")
        click.echo(
            "camscan: warning: no host answered. Check that this machine is on the network you "
            f"named (`ip route get {first}`), the --interface, and that no firewall drops the "
            "probes; then scan again.",
            err=True,
        )
        sys.exit(1)
    if report.status != "complete":
        sys.exit(1)


commands.append(scan)
