"""Generate docs/cli-reference.md from the commands themselves (`make docs`).

A test regenerates it and fails when the committed file has drifted from the CLI.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from camscan.cli import cli

HELP = ["-h", "--help"]
HEADER = """# CLI reference

Generated from the commands' own help by `make docs` (`python -m camscan.cli.reference`);
a test fails when this file and the CLI disagree. Do not edit by hand.
"""


def _walk(prefix: list[str], cmd: click.Command) -> list[tuple[list[str], click.Command]]:
    out = [(prefix, cmd)]
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            out.extend(_walk([*prefix, name], cmd.commands[name]))
    return out


def render() -> str:
    cli.load_all()
    parts = [HEADER]
    for path, cmd in _walk([], cli):
        name = " ".join(["camscan", *path])
        with click.Context(
            cli, info_name="camscan", terminal_width=100, help_option_names=HELP
        ) as root:
            ctx = root
            for p in path:
                parent = ctx.command
                assert isinstance(parent, click.Group)
                ctx = click.Context(
                    parent.commands[p],
                    info_name=p,
                    parent=ctx,
                    help_option_names=HELP,
                    terminal_width=100,
                )
            # click caches a command's help option on first use (Command._help_option);
            # a caller that ran the command under other help names (a test invoking a
            # subcommand directly) would change the page, so the cache is dropped here.
            cmd._help_option = None
            help_text = cmd.get_help(ctx)
        parts.append(f"\n## `{name}`\n\n```\n{help_text}\n```\n")
    return "".join(parts)


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/cli-reference.md")
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
