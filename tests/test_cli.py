"""The CLI as users meet it: help with examples, one-line errors, exit codes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from camscan.cli import cli
from camscan.inventory.db import open_inventory


def all_commands() -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []

    def walk(prefix: str, cmd: click.Command) -> None:
        out.append((prefix, cmd))
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(f"{prefix} {name}".strip(), sub)

    walk("", cli)
    return out


@pytest.mark.parametrize(
    ("name", "cmd"), all_commands(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_command_has_help_with_example(name: str, cmd: click.Command) -> None:
    result = CliRunner().invoke(cli, [*name.split(), "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Example" in result.output, f"`camscan {name} --help` has no example"


def run(args: list[str], db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "camscan", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _new_inventory(path: Path) -> Path:
    open_inventory(str(path)).close()
    return path


def test_empty_inventory(tmp_path: Path) -> None:
    db = _new_inventory(tmp_path / "i.db")
    r = run(["devices", "--format", "json"], db)
    assert r.returncode == 0 and json.loads(r.stdout) == []
    r = run(["devices"], db)
    assert "camscan scan" in r.stdout
    r = run(["scans", "--format", "json"], db)
    assert json.loads(r.stdout) == []
    r = run(["show", "10.0.0.1"], db)
    assert r.returncode == 2 and "no device" in r.stderr and len(r.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["scan", "8.8.8.8"], "--allow-public"),
        (["scan", "10.0.0.0/8"], "--large"),
        (["scan", "224.0.0.1"], "multicast"),
        (["scan", "10.0.0.1", "--ports", "80,http"], "bad port"),
        (["scan", "10.0.0.1", "--ports", "0-10"], "outside 1-65535"),
        (["scan", "-iL", "/nonexistent/targets.txt"], "cannot read target file"),
        (["scan", "10.0.0.1", "--probes", "tcp,teleport"], "unknown probe"),
        (["scan"], "no targets"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], needle: str) -> None:
    db = tmp_path / "i.db"
    r = run(args, db)
    assert r.returncode == 2, r.stderr
    assert needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr


def test_bad_databases_are_one_line_and_untouched(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 100)
    r = run(["devices"], junk)
    assert r.returncode == 2 and "not a readable camscan inventory" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert junk.read_bytes() == b"\x00garbage" * 100
    future = _new_inventory(tmp_path / "future.db")
    assert run(["devices"], future).returncode == 0
    con = sqlite3.connect(future)
    con.execute("UPDATE alembic_version SET version_num='0099'")
    con.commit()
    con.close()
    r = run(["scans"], future)
    assert r.returncode == 2 and "newer camscan" in r.stderr
    r = run(["devices"], tmp_path)  # a directory
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_db_from_environment(tmp_path: Path) -> None:
    db = _new_inventory(tmp_path / "env.db")
    r = subprocess.run(
        [sys.executable, "-m", "camscan", "scans"],
        capture_output=True,
        text=True,
        env={"CAMSCAN_DB": str(db), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert r.returncode == 0 and db.exists()
