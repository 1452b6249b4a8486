"""The ``camscan`` command: a thin click layer over functions a script could call.

Each command group lives in its own module and exposes ``commands``, a list of click
commands registered here.  Errors from the library (:mod:`camscan.errors`) become a
one-line message and an exit code: 0 ok, 1 findings-level errors, 2 usage errors.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from camscan import __version__
from camscan.errors import CamscanError


def default_db() -> str:
    """``$CAMSCAN_DB``, else ``camscan.db`` in the XDG data directory."""
    env = os.environ.get("CAMSCAN_DB")
    if env:
        return env
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "camscan" / "camscan.db")


@dataclass
class AppContext:
    """What every command gets through ``click.pass_obj``."""

    db: str
    quiet: bool = False
    verbose: int = 0


class CamscanGroup(click.Group):
    """A group that turns CamscanError into a one-line message and its exit code."""

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


def _register() -> None:
    from camscan.cli import fingerprints, identify, inventory, lab, report, scan

    for module in (scan, inventory, identify, fingerprints, report, lab):
        for command in module.commands:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="camscan")
