"""Start-up: `camscan --help` and `camscan devices` load only what they need (never the lab,
the probes or the fingerprint engine), and the command list `--help` shows is the commands'
own help."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from camscan.cli import COMMANDS, SHORT_HELP, cli
from camscan.inventory.db import open_inventory

# The probe registry (camscan.probes itself) is a table the inventory reads for service
# names; the probes it names (their modules) must not load.
HEAVY = ("camscan_lab", "camscan.fingerprint", "camscan.discovery", "camscan.probes.")

PROBE = """
import json, sys
from camscan.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="camscan", standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_modules(*args: str) -> list[str]:
    r = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60
    )
    modules: list[str] = json.loads(r.stderr.strip().splitlines()[-1])
    return modules


def test_help_loads_no_command_module() -> None:
    modules = loaded_modules("--help")
    assert not [m for m in modules if m.startswith((*HEAVY, "camscan.probes"))]
    assert "sqlalchemy" not in modules


def test_devices_loads_the_inventory_but_not_the_engine_or_lab(tmp_path: Path) -> None:
    db = tmp_path / "inv.db"
    open_inventory(str(db)).close()
    modules = loaded_modules("--db", str(db), "devices")
    assert "camscan.cli.inventory" in modules and "sqlalchemy" in modules
    assert not [m for m in modules if m.startswith(HEAVY)], [
        m for m in modules if m.startswith(HEAVY)
    ]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_listed_help_is_the_commands_own(name: str) -> None:
    module, short = COMMANDS[name]
    commands = {c.name: c for c in importlib.import_module(module).commands}
    assert short == commands[name].get_short_help_str(limit=SHORT_HELP)


def test_every_command_is_listed() -> None:
    cli.load_all()
    assert set(cli.commands) == set(COMMANDS)
