"""Every camscan command docs/passive.md shows parses as written (options, values)."""

from __future__ import annotations

import shlex
from pathlib import Path

import click
import pytest

from camscan.cli.imports import import_cmd
from camscan.cli.listen import listen_cmd

PAGE = Path(__file__).resolve().parents[2] / "docs" / "passive.md"


def _commands() -> list[str]:
    out: list[str] = []
    lines = iter(PAGE.read_text(encoding="utf-8").splitlines())
    for line in lines:
        while line.endswith("\\"):
            line = line[:-1] + next(lines)
        words = line.removeprefix("sudo ").split()
        if words[:2] in (["camscan", "listen"], ["camscan", "import"]):
            out.append(line.removeprefix("sudo "))
    return out


def test_the_page_shows_listen_and_import() -> None:
    cmds = _commands()
    assert sum(c.startswith("camscan listen") for c in cmds) >= 3
    assert any(c.startswith("camscan import") for c in cmds)


@pytest.mark.parametrize("command", _commands())
def test_each_command_parses(command: str) -> None:
    words = shlex.split(command)
    cmd: click.Command = listen_cmd if words[1] == "listen" else import_cmd
    with cmd.make_context(words[1], words[2:], resilient_parsing=False) as ctx:
        assert ctx.params
