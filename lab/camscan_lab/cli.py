"""The ``camscan-lab`` command: the simulated site (up, down, status, run).

A command of its own (the lab is its own distribution, ``camscan-lab``): the product's
``camscan`` never imports it.
"""

from __future__ import annotations

import collections
import os
import sys
from typing import Any

import click

from camscan.cli.output import emit_json, text
from camscan.errors import CamscanError
from camscan_lab import site
from camscan_lab.personalities import ALIASES, DEFAULT_MIX, MIXES
from camscan_lab.population import MAX_DEVICES


class LabGroup(click.Group):
    """A library error (LabError and the other CamscanErrors) becomes one line and its exit
    code, as in ``camscan``."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CamscanError as err:
            click.echo(f"camscan-lab: error: {err}", err=True)
            sys.exit(err.exit_code)


@click.group(cls=LabGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-q", "--quiet", is_flag=True, help="Print only results and errors.")
@click.pass_context
def lab(ctx: click.Context, quiet: bool) -> None:
    """A simulated site of cameras, NVRs and ordinary hosts in Linux network namespaces,
    to try camscan on without touching a real network (needs root).

    \b
    Example:
      sudo camscan-lab up --devices 250 --truth truth.json
      sudo camscan-lab run -- camscan scan 10.77.0.0/22 10.77.8.0/24
      sudo camscan-lab down
    """
    ctx.obj = quiet


@lab.command()
@click.option(
    "--devices",
    type=click.IntRange(1, MAX_DEVICES),
    default=250,
    show_default=True,
    help="Number of simulated hosts (about a quarter on the routed segment).",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Population seed.")
@click.option(
    "--mix",
    type=click.Choice([*MIXES, *ALIASES]),
    default=DEFAULT_MIX,
    show_default=True,
    help="field: half cameras/NVRs/DVRs/encoders (half of them with real firmware quirks: "
    "gzip, LF-only, 'Server :', chunked, slow TLS, cut or oddly prefixed WS-Discovery), half "
    "ordinary hosts (half of those embedded look-alikes: Boa/thttpd/lighttpd/GoAhead, "
    "catch-all and 401-everywhere web servers, printers, NAS, TVs, gateways), a few "
    "misbehaving ones; classic (alias default): the lab's earlier population; cameras: only "
    "well-behaved cameras/NVRs/DVRs; hostile: half misbehaving hosts.",
)
@click.option(
    "--truth",
    type=click.Path(dir_okay=False, writable=True),
    help=f"Also write the ground truth (JSON list of hosts) here; always in {site.TRUTH_FILE}.",
)
@click.option(
    "--announce",
    is_flag=True,
    help="The hosts announce themselves as real ones do (DHCP, ARP, WS-Discovery Hello/Bye, "
    "SADP, DHIP, mDNS, SSDP NOTIFY; the cited schedule is in docs/lab.md); off: they only "
    "answer.",
)
@click.option(
    "--announce-speed",
    type=click.FloatRange(0.01, 3600),
    help="With --announce (implied): simulated seconds per real second (60: 1 s is 1 "
    "simulated minute, so 1/5/15 simulated minutes take 1/5/15 s).  [default: 1]",
)
@click.option(
    "--boot-delay",
    type=click.FloatRange(0, 3600),
    default=0.0,
    show_default=True,
    help="With --announce: real seconds before the first host powers on (time to start a "
    "listener first).",
)
@click.option(
    "--boot-spread",
    type=click.FloatRange(0, 86400),
    default=60.0,
    show_default=True,
    help="With --announce: simulated seconds over which the hosts power on (900: hosts "
    "keep appearing for 15 simulated minutes).",
)
@click.option(
    "--listener",
    type=click.Choice(site.MIRRORS),
    help="Add the listening namespace cslab-listener whose eth0 gets a copy of the traffic "
    "(a SPAN port): local = every frame entering the local segment (hosts, scanner, router), "
    "all = both segments, scanner = the scanner's port both ways.",
)
@click.pass_obj
def up(
    quiet: bool,
    devices: int,
    seed: int,
    mix: str,
    truth: str | None,
    announce: bool,
    announce_speed: float | None,
    boot_delay: float,
    boot_spread: float,
    listener: str | None,
) -> None:
    """Build the simulated site and start its devices' services.

    The same --devices/--seed/--mix always give the same hosts at the same addresses.

    \b
    Example:
      sudo camscan-lab up
      sudo camscan-lab up --devices 1000 --seed 3 --truth /tmp/truth.json
      sudo camscan-lab up --devices 60 --mix hostile
      sudo camscan-lab up --mix classic
      sudo camscan-lab up --devices 50 --announce-speed 60 --listener local
    """
    speed = announce_speed if announce_speed is not None else (1.0 if announce else None)
    state = site.up(
        devices=devices,
        seed=seed,
        mix=mix,
        truth=truth,
        announce_speed=speed,
        listener=listener,
        boot_delay=boot_delay,
        boot_spread=boot_spread,
    )
    if quiet:
        return
    segments = collections.Counter(h["segment"] for h in state["hosts"])
    cameras = sum(1 for h in state["hosts"] if h["is_camera"])
    click.echo(
        f"Lab up in {state['up_seconds']:.1f} s: {len(state['hosts'])} hosts "
        f"({segments['local']} on {state['segments']['local']} with the scanner, "
        f"{segments['routed']} routed on {state['segments']['routed']}), {cameras} cameras/"
        "NVRs/DVRs."
    )
    click.echo(f"Ground truth: {truth or site.TRUTH_FILE}")
    click.echo(f"ONVIF user {state['onvif_user']}, password {state['onvif_password']}")
    if speed:
        click.echo(f"Announcing: 1 real second = {speed:g} simulated seconds")
    if listener:
        click.echo(
            f"Listen:   camscan-lab run --ns listener -- CMD  ({site.LISTENER} "
            f"{site.LISTENER_IFACE}, mirror of {listener})"
        )
    click.echo("Scan it:  camscan-lab run -- camscan scan 10.77.0.0/22 10.77.8.0/24")
    click.echo("Remove:   camscan-lab down")


@lab.command()
@click.pass_obj
def down(quiet: bool) -> None:
    """Remove the simulated site: every cslab-* namespace, its processes and its state.
    Safe to repeat, and works after a crash.

    \b
    Example:
      sudo camscan-lab down
    """
    removed = site.down()
    if quiet:
        return
    if removed["namespaces"] or removed["processes"]:
        click.echo(
            f"Lab removed: {removed['namespaces']} namespaces, {removed['processes']} "
            f"process{'' if removed['processes'] == 1 else 'es'}."
        )
    else:
        click.echo("No lab was up; nothing to remove.")


def _counts(hosts: list[dict[str, Any]], key: str) -> str:
    counts = collections.Counter(str(h.get(key)) for h in hosts)
    return ", ".join(f"{text(k)} {n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))


@lab.command()
@click.option("--json", "as_json", is_flag=True, help="Print the state as JSON.")
@click.option("--hosts", "with_hosts", is_flag=True, help="With --json: include every host.")
def status(as_json: bool, with_hosts: bool) -> None:
    """Show whether a lab is up, what it holds and how to reach it (exit code 1 if none).

    \b
    Example:
      camscan-lab status
      camscan-lab status --json | jq -r .onvif_password
      camscan-lab status --json --hosts > lab-state.json
    """
    state = site.status()
    if state is None:
        if as_json:
            emit_json({"up": False})
        else:
            click.echo("No lab is up; start one with `camscan-lab up`.")
        sys.exit(1)
    hosts: list[dict[str, Any]] = state.get("hosts") or []
    if as_json:
        out = {"up": bool(hosts), **state}
        if not with_hosts:
            out["hosts"] = len(hosts)
        emit_json(out)
        return
    p = click.echo
    if state["broken"]:
        p(
            f"A broken lab: {state['namespaces']} cslab-* namespaces but "
            f"{'no state file' if not hosts else f'{len(hosts)} hosts in the state'}; "
            "run `camscan-lab down`."
        )
    server = "running" if state["server_running"] else "NOT running"
    p(f"Lab up since {state.get('started')} (took {state.get('up_seconds')} s)")
    p(f"  devices   {len(hosts)} (seed {state.get('seed')}, mix {state.get('mix')})")
    p(f"  server    pid {state.get('server_pid')}, {server}")
    p(f"  scanner   {state.get('scanner_netns')} at {state.get('scanner_ip')}")
    for name, net in (state.get("segments") or {}).items():
        on = [h for h in hosts if h.get("segment") == name]
        p(f"  {name:<9} {net}: {len(on)} hosts")
    p(f"  types     {_counts(hosts, 'device_type')}")
    p(f"  makers    {_counts(hosts, 'manufacturer')}")
    quirks = collections.Counter(q for h in hosts for q in h.get("quirks") or ())
    if quirks:
        p(f"  quirks    {', '.join(f'{q} {n}' for q, n in quirks.most_common())}")
    p(f"  ONVIF     user {state.get('onvif_user')}, password {state.get('onvif_password')}")
    speed = state.get("announce_speed")
    p(f"  announce  {f'on, 1 s = {speed:g} simulated s' if speed else 'off (hosts only answer)'}")
    listener = state.get("listener")
    if listener:
        where = f"{listener['netns']} {listener['interface']}"
        p(f"  listener  {where}, mirror of {listener['mirror']}")


@lab.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option(
    "--ns",
    type=click.Choice(list(site.NAMESPACES)),
    default="scanner",
    show_default=True,
    help="The namespace: the scanner's, or the listener's (a lab up with --listener).",
)
@click.argument("cmd", nargs=-1, required=True, type=click.UNPROCESSED)
def run(ns: str, cmd: tuple[str, ...]) -> None:
    """Run CMD inside the lab's scanner namespace (the only place that reaches the lab),
    or with --ns listener in the listening namespace; its exit code, stdin, stdout and
    stderr pass through.

    \b
    Example:
      sudo camscan-lab run -- ping -c1 10.77.8.10
      sudo camscan-lab run -- camscan scan 10.77.0.0/22 10.77.8.0/24 --site lab
      sudo camscan-lab run --ns listener -- camscan listen -i eth0 --duration 60
    """
    argv = site.scanner_command(list(cmd), ns)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvp(argv[0], argv)  # noqa: S606 - the user's own command, as `ip netns exec` runs it


def main() -> None:
    lab(prog_name="camscan-lab")
