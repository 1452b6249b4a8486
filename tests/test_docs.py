"""Documentation that is generated from the code must match it."""

from __future__ import annotations

from pathlib import Path

from camscan.cli.reference import render

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    committed = (ROOT / "docs" / "cli-reference.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/cli-reference.md is stale: run `make docs`"


def test_readme_quick_start() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_cli_reference_does_not_depend_on_what_ran_before() -> None:
    """A command parsed on its own first (as tests/passive/test_passive_docs.py does, without
    the group's -h): click caches that help option on the command; the page stays the same."""
    from camscan.cli import cli

    cli.load_all()
    cmd = cli.commands["listen"]
    cmd._help_option = None  # as if nothing had rendered it yet in this process
    with cmd.make_context("listen", ["-i", "lo"]):
        pass
    committed = (ROOT / "docs" / "cli-reference.md").read_text(encoding="utf-8")
    assert committed == render()
