"""camscan CLI: identify evidence documents offline (docs/evidence.md)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from camscan.cli.output import emit_json
from camscan.errors import UsageError

commands: list[click.Command] = []

# A saved capture larger than this is refused rather than read into memory.
MAX_INPUT_BYTES = 256 * 1024 * 1024


def _read(source: str) -> str:
    """The text of FILE (or stdin for ``-``); unreadable input is a usage error."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with open(source, "rb") as fh:
                data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as err:
        raise UsageError(f"cannot read {source}: {err.strerror or err}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise UsageError(f"{source}: larger than {MAX_INPUT_BYTES // 2**20} MiB; split it")
    return data.decode("utf-8", errors="replace")


def _loads(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        msg = getattr(err, "msg", "too deeply nested")
        line = getattr(err, "lineno", None)
        at = f" (line {line})" if line else ""
        raise UsageError(f"{where}: invalid JSON{at}: {msg}") from None


def documents(text: str, source: str, many: bool) -> list[Any]:
    """The evidence documents in ``text``: one object, or with ``many`` a JSON list or JSONL."""
    if not many:
        return [_loads(text, source)]
    stripped = text.lstrip()
    if stripped.startswith("["):
        docs = _loads(stripped, source)
        if not isinstance(docs, list):
            raise UsageError(f"{source}: expected a JSON list")
        return docs
    return [
        _loads(line, f"{source}:{n}")
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


@click.command()
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option(
    "--many",
    is_flag=True,
    help="FILE holds many devices: a JSON list or JSON Lines; one verdict a line.",
)
def identify(source: str, many: bool) -> None:
    """Identify a device offline from its evidence document (docs/evidence.md) and print
    the verdict as JSON: camera or not, brand shown, real manufacturer, model, evidence.

    \b
    Example:
      camscan identify capture.json
      camscan show 12 --evidence-document | camscan identify -
      camscan identify --many site-captures.jsonl > verdicts.jsonl
    """
    from camscan.fingerprint import load_engine

    docs = documents(_read(source), source, many)
    engine = load_engine()
    if not many:
        emit_json(engine.identify(docs[0]).to_dict())
        return
    for doc in docs:
        click.echo(json.dumps(engine.identify(doc).to_dict(), ensure_ascii=False))


commands.append(identify)
