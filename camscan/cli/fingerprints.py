"""camscan CLI: list the fingerprint rules (camscan/fingerprints/) by maker, with their sources."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import click

from camscan.cli.output import Column, emit_json, format_option, table
from camscan.errors import UsageError
from camscan.fingerprint import Engine, load_engine
from camscan.fingerprint.rules import Rule

commands: list[click.Command] = []

ANY_MAKER = "(any maker)"  # rules that say camera / not a camera / a model, but no maker
SHOWN_SOURCES = 3  # origins named per maker in the table (all of them in JSON)
_URL = re.compile(r"https?://(?:www\.)?(?:github\.com/([\w.-]+/[\w.-]+)|([\w.-]+))")
_REPO = re.compile(r"^([\w.-]+/[\w.-]+)(?::|\s|$)")


def origin(citation: str) -> str:
    """Where a citation points, short: ``owner/repo`` for GitHub and repository paths, else
    the host name (``www.iana.org`` -> ``iana.org``); the citation's first words otherwise."""
    text = citation.strip()
    m = _REPO.match(text)
    if m:
        return m.group(1)
    m = _URL.search(text)
    if m:
        return m.group(1) or m.group(2)
    return " ".join(text.split()[:3])[:40].rstrip(":;,")


def rule_maker(engine: Engine, rule: Rule) -> str | None:
    """The maker a rule points to: its asserted manufacturer, or the maker behind a brand it
    names literally (``brand: EZVIZ`` -> Hikvision); None for maker-less rules."""
    maker = rule.asserts.get("manufacturer")
    if isinstance(maker, str):
        return maker
    brand = rule.asserts.get("brand")
    if isinstance(brand, str) and not brand.startswith("{"):
        canon = engine.canonical(brand)
        implied = engine.maker_of_brand(canon) if canon else None
        if implied:
            return implied[0]
    return None


def _family(rule: Rule) -> str:
    return rule.field.split(".", 1)[0]


def _citations(rule: Rule) -> list[str]:
    return [rule.source, *(ex.source for ex in rule.examples)]


def catalogue(engine: Engine) -> list[dict[str, Any]]:
    """One entry per maker (and one for maker-less rules): counts and sources."""
    rs = engine.ruleset
    by_maker: dict[str, list[Rule]] = {name: [] for name in rs.manufacturers}
    by_maker[ANY_MAKER] = []
    for rule in rs.rules:
        by_maker.setdefault(rule_maker(engine, rule) or ANY_MAKER, []).append(rule)
    brands: dict[str, list[str]] = {}
    for oem in rs.oem.values():
        brands.setdefault(oem.manufacturer, []).append(oem.brand)
    out: list[dict[str, Any]] = []
    for name, rules in by_maker.items():
        info = rs.manufacturers.get(name)
        origins = Counter(origin(c) for r in rules for c in _citations(r))
        out.append(
            {
                "maker": name,
                "makes": info.makes if info else None,
                "rules": len(rules),
                "by_field": dict(sorted(Counter(_family(r) for r in rules).items())),
                "brands": sorted(brands.get(name, []), key=str.lower),
                "files": sorted({r.file for r in rules}),
                "sources": [{"origin": o, "citations": n} for o, n in origins.most_common()],
            }
        )
    out.sort(key=lambda e: (e["maker"] == ANY_MAKER, -e["rules"], e["maker"].lower()))
    return out


def maker_detail(engine: Engine, maker: str) -> dict[str, Any]:
    """Every rule and OEM brand of one maker, with its citations."""
    rules = [r for r in engine.ruleset.rules if (rule_maker(engine, r) or ANY_MAKER) == maker]
    info = engine.ruleset.manufacturers.get(maker)
    return {
        "maker": maker,
        "makes": info.makes if info else None,
        "aliases": list(info.aliases) if info else [],
        "rules": [
            {
                "id": r.id,
                "field": r.field,
                "strength": r.strength,
                "asserts": r.asserts,
                "source": r.source,
                "file": f"{r.file}:{r.line}",
                "examples": [{"source": ex.source} for ex in r.examples],
            }
            for r in rules
        ],
        "brands": [
            {"brand": o.brand, "level": o.level, "examples": [ex.source for ex in o.examples]}
            for o in sorted(engine.ruleset.oem.values(), key=lambda o: o.brand.lower())
            if o.manufacturer == maker
        ],
    }


def _resolve(engine: Engine, name: str) -> str:
    """The canonical maker for NAME (any known spelling or alias); a usage error otherwise."""
    if name.strip().lower() in (ANY_MAKER, "any", "none"):
        return ANY_MAKER
    canon = engine.canonical(name)
    if canon in engine.ruleset.manufacturers:
        return canon
    implied = engine.maker_of_brand(canon) if canon else None
    if implied:
        return implied[0]
    known = sorted(engine.ruleset.manufacturers, key=str.lower)
    close = [k for k in known if name.strip().lower()[:3] in k.lower()]
    hint = f" (did you mean {', '.join(close[:5])}?)" if close else ""
    raise UsageError(
        f"no maker {name!r} in the fingerprints{hint}; `camscan fingerprints` lists them all"
    )


def _asserts(a: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in a.items())


@click.command("fingerprints")
@click.option(
    "--maker",
    "maker",
    metavar="NAME",
    default=None,
    help="One maker's rules and OEM brands, each with its source (any spelling: hik, DAHUA).",
)
@format_option("table", "json")
@click.option("--wide", is_flag=True, help="Every column, however wide the terminal.")
def fingerprints_cmd(maker: str | None, fmt: str, wide: bool) -> None:
    """List the fingerprint rules: every maker with its rule counts per field family
    (http, rtsp, onvif, sadp, snmp, ...), its OEM brands and where its rules come from.
    Rules that name no maker (camera-or-not evidence, model captures) are listed as
    "(any maker)".  The rules live in camscan/fingerprints/*.yaml ($CAMSCAN_FINGERPRINTS).

    \b
    Examples:
      camscan fingerprints
      camscan fingerprints --maker Hikvision
      camscan fingerprints --maker hik --format json
    """
    from camscan.cli import settings

    engine = load_engine(settings.fingerprints_dir())
    if maker is not None:
        detail = maker_detail(engine, _resolve(engine, maker))
        if fmt == "json":
            emit_json(detail)
            return
        rows = [
            (
                r["id"],
                r["field"],
                f"{r['strength']:.2f}",
                _asserts(r["asserts"]),
                r["source"],
                r["file"],
            )
            for r in detail["rules"]
        ]
        table(
            f"{detail['maker']}: {len(rows)} rules",
            [
                Column("Rule", whole=True),
                Column("Field", keep=1),
                Column("Strength", keep=3),
                Column("Asserts", keep=2),
                Column("Source"),
                Column("File", keep=4),
            ],
            rows,
            wide=wide,
        )
        if detail["brands"]:
            table(
                f"{detail['maker']}: {len(detail['brands'])} brands on its hardware (oem.yaml)",
                [Column("Brand", whole=True), Column("Link"), Column("Sources")],
                [
                    (b["brand"], b["level"], "; ".join(dict.fromkeys(b["examples"])))
                    for b in detail["brands"]
                ],
                wide=wide,
            )
        return
    entries = catalogue(engine)
    if fmt == "json":
        emit_json(
            {
                "rules": len(engine.ruleset.rules),
                "makers": len(engine.ruleset.manufacturers),
                "brands": len(engine.ruleset.oem),
                "entries": entries,
            }
        )
        return
    rows = []
    for e in entries:
        fields = ", ".join(f"{k} {n}" for k, n in e["by_field"].items())
        shown = [s["origin"] for s in e["sources"][:SHOWN_SOURCES]]
        more = len(e["sources"]) - len(shown)
        sources = ", ".join(shown) + (f" +{more}" if more > 0 else "")
        rows.append(
            (e["maker"], e["makes"] or "-", str(e["rules"]), fields, str(len(e["brands"])), sources)
        )
    table(
        f"{len(engine.ruleset.rules)} rules, {len(engine.ruleset.manufacturers)} makers, "
        f"{len(engine.ruleset.oem)} OEM brands",
        [
            Column("Maker", whole=True),
            Column("Makes", keep=3),
            Column("Rules"),
            Column("By field", keep=1),
            Column("Brands", keep=2),
            Column("Sources", keep=1),
        ],
        rows,
        wide=wide,
    )


commands.append(fingerprints_cmd)
