"""The ``camscan`` command: a thin click layer over functions a script could call.

Each command group lives in its own module and exposes ``commands``, a list of click
commands registered here.  Errors from the library (:mod:`camscan.errors`) become a
one-line message and an exit code: 0 ok, 1 findings-level errors, 2 usage errors.
"""

from __future__ import annotations

import importlib
import os
import sys
import textwrap
from dataclasses import dataclass

import click

from camscan import __version__
from camscan.errors import CamscanError


def default_db() -> str:
    """``$CAMSCAN_DB``, else ``camscan.db`` in camscan's data directory."""
    env = os.environ.get("CAMSCAN_DB")
    if env:
        return env
    from camscan.config import data_dir

    return str(data_dir() / "camscan.db")


# Every command: the module that defines it and the line `camscan --help` shows for it.  A
# module is imported only when one of its commands runs, so `camscan --help` and `camscan
# devices` never import the fingerprint engine or the probes (the simulated site is another
# distribution, camscan-lab in lab/, with its own `camscan-lab` command; camscan never
# imports it)
# (tests/cli/test_startup.py checks these lines against the commands' own help).
SHORT_HELP = 88  # characters of a command's help kept for `camscan --help`
COMMANDS: dict[str, tuple[str, str]] = {
    "scan": (
        "camscan.cli.scan",
        "Find and identify the cameras, NVRs and DVRs in TARGETS; store them in the inventory.",
    ),
    "devices": ("camscan.cli.inventory", "List the inventory, highest replacement priority first."),
    "show": (
        "camscan.cli.inventory",
        "Everything known about one device (by id, IP, MAC or serial), with the evidence.",
    ),
    "scans": ("camscan.cli.inventory", "Scan history: when, what scope, how it ended."),
    "export": (
        "camscan.cli.inventory",
        "Export the inventory (devices with verdicts and scores) for scripts and spreadsheets.",
    ),
    "reidentify": (
        "camscan.cli.inventory",
        "Re-run fingerprinting over stored observations (after fingerprints change), no rescan.",
    ),
    "import": (
        "camscan.cli.imports",
        "Import hosts from a file: nmap XML, a MAC/ARP table or DHCP leases (CSV or switch...",
    ),
    "listen": (
        "camscan.cli.listen",
        "Build or update the inventory from traffic alone, sending nothing.",
    ),
    "identify": (
        "camscan.cli.identify",
        "Identify a device offline from its evidence document (docs/evidence.md) and print the...",
    ),
    "fingerprints": (
        "camscan.cli.fingerprints",
        "List the fingerprint rules: every maker with its rule counts per field family (http,...",
    ),
    "report": (
        "camscan.cli.report",
        "Write the site report for a board: page 1 is the executive summary (how many cameras,...",
    ),
    "plan": (
        "camscan.cli.report",
        "A phased replacement plan: devices by band and score, unit costs by class (camera,...",
    ),
    "diff": (
        "camscan.cli.report",
        "What changed between two scans: new, missing and moved devices, new firmware and...",
    ),
    "tag": (
        "camscan.cli.report",
        "Assign zone and criticality to devices (by id, IP, MAC or serial) or to a whole site,...",
    ),
    "rescore": (
        "camscan.cli.report",
        "Score every device again with the policy in force and the current vulnerability data,...",
    ),
    "vulns": (
        "camscan.cli.report",
        "The vulnerability data used for scoring: CISA KEV entries and critical CVEs of...",
    ),
    "serve": (
        "camscan.cli.serve",
        "Serve the web dashboard over the inventory: sites, devices with filters, each...",
    ),
    "users": (
        "camscan.cli.serve",
        "The accounts that may log in to the dashboard (`camscan serve`), each with a role:...",
    ),
}


@dataclass
class AppContext:
    """What every command gets through ``click.pass_obj``."""

    db: str
    quiet: bool = False
    verbose: int = 0


class CamscanGroup(click.Group):
    """The top-level group: commands load on first use, and CamscanError becomes a one-line
    message and its exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self._load(COMMANDS[cmd_name][0])
        return super().get_command(ctx, cmd_name)

    def _load(self, module_name: str) -> None:
        for command in importlib.import_module(module_name).commands:
            self.add_command(command)

    def load_all(self) -> None:
        """Import every command (for the generated CLI reference)."""
        for module_name in dict.fromkeys(m for m, _ in COMMANDS.values()):
            self._load(module_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx) if name in COMMANDS]
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl(
                    [(n, textwrap.shorten(h, limit, placeholder="...")) for n, h in rows]
                )

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CamscanError as err:
            click.echo(f"camscan: error: {err}", err=True)
            sys.exit(err.exit_code)


@click.group(cls=CamscanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="camscan")
@click.option(
    "--db",
    default=default_db,
    show_default="$CAMSCAN_DB or ~/.local/share/camscan/camscan.db",
    help="Inventory: a SQLite file path or a SQLAlchemy URL (postgresql+psycopg://...).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only results and errors.")
@click.option("-v", "--verbose", count=True, help="More log output (repeat for more).")
@click.pass_context
def cli(ctx: click.Context, db: str, quiet: bool, verbose: int) -> None:
    """Find the IP cameras, NVRs and DVRs on your own network, work out who really
    made them, keep an inventory and rank them for replacement.

    \b
    Example:
      camscan scan 192.168.1.0/24 --site "Main school"
      camscan devices
      camscan report --output site-report.html
    """
    ctx.obj = AppContext(db=db, quiet=quiet, verbose=verbose)


def main() -> None:
    cli(prog_name="camscan")
