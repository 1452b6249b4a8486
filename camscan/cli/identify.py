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


# The top-level keys of an evidence document (docs/evidence.md, docs/evidence.schema.json).
EVIDENCE_KEYS = frozenset(
    ("ip", "mac", "open_ports", "http", "tls", "rtsp", "wsdiscovery", "sadp", "dahua_discovery",
     "ssdp", "mdns", "snmp", "onvif_device_information", "onvif", "probe_errors")
)  # fmt: skip
# Keys of a device record (`camscan show --json`, `devices --format json`), never of a document.
RECORD_KEYS = frozenset(("score_factors", "band", "first_seen", "last_seen", "is_camera"))


def _evidence_keys() -> frozenset[str]:
    try:  # the probe registry may name keys newer than this list
        from camscan.probes import evidence_keys

        return EVIDENCE_KEYS | {k.key for k in evidence_keys().values()}
    except Exception:  # the registry is optional here: the documented keys suffice
        return EVIDENCE_KEYS


def problem(doc: Any, many: bool) -> str | None:
    """Why ``doc`` is not an evidence document, or None when it is one."""
    if isinstance(doc, list):
        if many:
            return "a JSON list inside the list: give one evidence document per item"
        return f"a JSON list of {len(doc)} items: give --many to identify each"
    if not isinstance(doc, dict):
        return f"a JSON {type(doc).__name__.replace('str', 'string')}, not an evidence document"
    if RECORD_KEYS & set(doc):
        return (
            "a device record (camscan show --json), not an evidence document: "
            "use `camscan show ID --evidence-document`"
        )
    if not _evidence_keys() & set(doc):
        return "no evidence-document fields (ip, http, rtsp, sadp, ...): see docs/evidence.md"
    return None


def documents(text: str, source: str, many: bool) -> list[tuple[str, Any]]:
    """(where, parsed JSON) of each document in ``text``: one object, or with ``many`` a
    JSON list or JSON Lines.  A line that is not JSON is kept as an error, not fatal."""
    if not many:
        return [(source, _loads(text, source))]
    stripped = text.lstrip()
    if stripped.startswith("["):
        docs = _loads(stripped, source)
        if not isinstance(docs, list):
            raise UsageError(f"{source}: expected a JSON list")
        return [(f"{source}: item {n}", d) for n, d in enumerate(docs, start=1)]
    out: list[tuple[str, Any]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{n}"
        try:
            out.append((where, json.loads(line)))
        except (json.JSONDecodeError, RecursionError) as err:
            out.append((where, _Bad(f"invalid JSON: {getattr(err, 'msg', 'too deeply nested')}")))
    return out


class _Bad:
    """A JSON Lines line that did not parse (its message)."""

    def __init__(self, message: str) -> None:
        self.message = message


@click.command()
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option(
    "--many",
    is_flag=True,
    help="FILE holds many devices: a JSON list or JSON Lines; one verdict a line (a bad "
    "line gets an error line, the rest go on, exit 1).",
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
    from camscan.app.identify import verdict_of
    from camscan.cli import settings
    from camscan.fingerprint import load_engine

    docs = documents(_read(source), source, many)
    if not many:
        why = problem(docs[0][1], many=False)
        if why:
            raise UsageError(f"{source}: {why}")
        emit_json(verdict_of(load_engine(settings.fingerprints_dir()), docs[0][1]).to_dict())
        return
    engine = load_engine(settings.fingerprints_dir())
    bad = 0
    for where, doc in docs:
        why = doc.message if isinstance(doc, _Bad) else problem(doc, many=True)
        if why:
            # one output line per input line, so verdicts stay aligned with the input
            bad += 1
            click.echo(f"camscan: error: {where}: {why}", err=True)
            line = {"source": where, "errors": [{"field": "document", "error": why}]}
            click.echo(json.dumps(line, ensure_ascii=False))
            continue
        click.echo(json.dumps(verdict_of(engine, doc).to_dict(), ensure_ascii=False))
    if bad:
        click.echo(
            f"camscan: {bad} of {len(docs)} input{'' if len(docs) == 1 else 's'} "
            "could not be identified (named above); the others were",
            err=True,
        )
        sys.exit(1)


commands.append(identify)
