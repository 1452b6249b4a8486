"""Rule data: load ``camscan/fingerprints/*.yaml``, validate every rule once, report file and line.

A rule reads one field (``http.server``, ``sadp.DeviceSN``, ``model`` ...), matches it with a
literal, a substring or a regex (named captures ``model``, ``firmware``, ``serial``,
``brand``, ``mac``), and asserts facts (manufacturer, brand, device_type, family) with a
strength.  See docs/fingerprints.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from camscan.errors import FingerprintDataError

DEVICE_TYPES = ("camera", "nvr", "dvr", "encoder", "not_camera")
CAMERA_TYPES = ("camera", "nvr", "dvr", "encoder")
CAPTURES = frozenset({"model", "firmware", "serial", "brand", "mac"})
ASSERT_KEYS = frozenset({"manufacturer", "brand", "device_type", "family", "oem_build"})
STRENGTHS = {"strong": 0.9, "medium": 0.6, "weak": 0.25}
# A brand's link to its maker is on the rule scale (``moderate`` is the old spelling of
# ``medium``): strong (ownership, or the parent's own firmware/API on the brand's units),
# medium (one signature or report), weak (unverified: never decides).  The engine still caps
# the implied maker at the strength of the evidence that named the brand.  Moving from the
# old 0.6/0.5/0.25 changed no verdict (maker, brand, type, white label) on the 89 corpus and
# test documents; only confidences rose.
BRAND_LINK = dict(STRENGTHS)
BRAND_LEVELS = {"strong": "strong", "medium": "medium", "moderate": "medium", "weak": "weak"}
BRAND_EXAMPLE_KEYS = frozenset({"value", "field", "expect", "source", "note", "__line__"})
# Decisions need one piece of evidence at least this strong: weak signals never decide alone.
DECIDING = 0.5
# A MAC OUI names the NIC's registrant, not necessarily the maker (a Wi-Fi module's vendor, a
# contract manufacturer): it decides only when nothing else names a maker, and any medium
# firmware signal outweighs it (nmap/nmap:nmap-mac-prefixes lists registrants, not makers).
FIELD_CAPS = {
    "mac.registrant": DECIDING,
    "mac.oui": DECIDING,
    "mac.address": DECIDING,
}
RULE_KEYS = frozenset(
    {
        "id",
        "field",
        "regex",
        "literal",
        "contains",
        "flags",
        "asserts",
        "strength",
        "source",
        "examples",
        "note",
        "__line__",
    }
)
EXAMPLE_KEYS = frozenset({"value", "document", "expect", "source", "note", "__line__"})
# What a value example may expect: the facts the rule asserts, its captures, or that it does
# not match at all (``matches: false``, for near misses worth pinning down).
VALUE_EXPECT_KEYS = ASSERT_KEYS | CAPTURES | {"matches"}
# What a document example may expect of the verdict.
DOCUMENT_EXPECT_KEYS = frozenset(
    {
        "is_camera",
        "device_type",
        "brand",
        "manufacturer",
        "white_label",
        "model",
        "firmware",
        "serial",
        "mac",
        "min_confidence",
    }
)
# Fields the extractor produces (camscan/fingerprint/extract.py, docs/fingerprints.md): what
# each probe of the registry yields (camscan/probes), read live so a registered probe counts;
# and the families of fields named after what the device sent (XML elements, keys).
from camscan.probes import RuleFields, rule_prefixes  # noqa: E402 - kept beside its use

FIELDS = RuleFields()
FIELD_PREFIXES = rule_prefixes()


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records each mapping's line as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def strip_lines(value: Any) -> Any:
    """A loaded value without the ``__line__`` bookkeeping (for documents in examples)."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Example:
    """A real value (or evidence document) and what the rule (or verdict) must give."""

    value: str | None
    document: dict[str, Any] | None
    expect: dict[str, Any]
    source: str
    line: int


@dataclass(frozen=True, slots=True)
class Rule:
    """One fingerprint: field + matcher + assertions + strength + examples."""

    id: str
    field: str
    kind: str  # regex | literal | contains
    pattern: str
    regex: re.Pattern[str] | None
    asserts: dict[str, Any]
    strength: float
    source: str
    examples: tuple[Example, ...]
    file: str
    line: int
    folded: str = ""

    def match(self, value: str) -> dict[str, str] | None:
        """Captures (possibly empty) when ``value`` matches, else None."""
        if self.kind == "literal":
            return {} if value.strip().lower() == self.folded else None
        if self.kind == "contains":
            return {} if self.folded in value.lower() else None
        assert self.regex is not None
        m = self.regex.search(value)
        if m is None:
            return None
        return {k: v.strip() for k, v in m.groupdict().items() if v and v.strip()}


@dataclass(frozen=True, slots=True)
class Manufacturer:
    """A canonical manufacturer and the spellings that mean it."""

    name: str
    aliases: tuple[str, ...]
    contains: tuple[str, ...]
    makes: str  # cameras | mixed | other
    brandless: bool


@dataclass(frozen=True, slots=True)
class BrandExample:
    """A real value a brand's devices present, and the brand and maker it must lead to.

    Without ``field`` the value is a name as a device presents it (ONVIF Manufacturer, DHIP
    Vendor, an IEEE registrant): it must canonicalise to the brand, and the brand must lead
    to its maker.  With ``field`` (``model``, ``http.server`` ...) the rules of that field
    must give the brand and maker from the value.
    """

    value: str
    field: str | None
    expect: dict[str, Any]
    source: str
    line: int


@dataclass(frozen=True, slots=True)
class OemBrand:
    """A brand sold on another company's hardware."""

    brand: str
    aliases: tuple[str, ...]
    manufacturer: str
    strength: float
    level: str = "medium"
    examples: tuple[BrandExample, ...] = ()


@dataclass
class RuleSet:
    """Everything loaded from the fingerprints directory, validated."""

    rules: list[Rule] = field(default_factory=list)
    manufacturers: dict[str, Manufacturer] = field(default_factory=dict)
    oem: dict[str, OemBrand] = field(default_factory=dict)
    generic_brands: frozenset[str] = frozenset()


def _fail(path: Path, line: int | None, msg: str) -> FingerprintDataError:
    where = f"{path}:{line}" if line else str(path)
    return FingerprintDataError(f"{where}: {msg}; fix the rule file and run again")


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except yaml.MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        raise _fail(path, line, f"invalid YAML ({err.problem})") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise _fail(path, None, f"unreadable ({err})") from None


def _strength(path: Path, line: int, value: Any) -> float:
    if isinstance(value, str) and value in STRENGTHS:
        return STRENGTHS[value]
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1:
        return float(value)
    raise _fail(
        path, line, f"strength must be strong/medium/weak or a number in (0,1], not {value!r}"
    )


def _text(path: Path, line: int, value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, line, f"{what} must be non-empty text")
    return value


def _examples(path: Path, line: int, raw: Any, rule_id: str) -> tuple[Example, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(path, line, f"rule {rule_id!r} has no examples (every rule needs one)")
    out = []
    for ex in raw:
        if not isinstance(ex, dict):
            raise _fail(path, line, f"rule {rule_id!r}: an example must be a mapping")
        ln = ex.get("__line__", line)
        unknown = set(ex) - EXAMPLE_KEYS
        if unknown:
            raise _fail(path, ln, f"example: unknown keys {sorted(unknown)}")
        value, document = ex.get("value"), ex.get("document")
        if (value is None) == (document is None):
            raise _fail(path, ln, "example needs exactly one of value: or document:")
        if value is not None and not isinstance(value, str):
            raise _fail(path, ln, "example value must be text")
        if document is not None and not isinstance(document, dict):
            raise _fail(path, ln, "example document must be a mapping")
        expect = ex.get("expect")
        if not isinstance(expect, dict) or not strip_lines(expect):
            raise _fail(path, ln, f"rule {rule_id!r}: example needs an expect: mapping")
        allowed = VALUE_EXPECT_KEYS if value is not None else DOCUMENT_EXPECT_KEYS
        bad = set(strip_lines(expect)) - allowed
        if bad:
            raise _fail(path, ln, f"example expect: unknown keys {sorted(bad)}")
        source = _text(path, ln, ex.get("source"), "example source (a citation)")
        out.append(Example(value, strip_lines(document), strip_lines(expect), source, int(ln)))
    return tuple(out)


def build_rule(path: Path, raw: Any, known: RuleSet, default_field: str | None = None) -> Rule:
    """Validate one rule mapping; raises FingerprintDataError naming file and line."""
    if not isinstance(raw, dict):
        raise _fail(path, None, "each rule must be a mapping")
    line = int(raw.get("__line__", 0))
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise _fail(path, line, f"unknown keys {sorted(unknown)}")
    rule_id = _text(path, line, raw.get("id"), "id")
    fld = raw.get("field", default_field)
    fld = _text(path, line, fld, "field")
    if fld not in FIELDS and not fld.startswith(FIELD_PREFIXES):
        raise _fail(path, line, f"rule {rule_id!r}: unknown field {fld!r} (docs/fingerprints.md)")
    kinds = [k for k in ("regex", "literal", "contains") if k in raw]
    if len(kinds) != 1:
        raise _fail(path, line, f"rule {rule_id!r} needs exactly one of regex/literal/contains")
    kind = kinds[0]
    pattern = _text(path, line, raw[kind], kind)
    compiled = None
    if kind == "regex":
        flags = 0
        for f in str(raw.get("flags", "")):
            flags |= {"i": re.I, "s": re.S, "m": re.M}.get(f, 0)
            if f not in "ism":
                raise _fail(path, line, f"unknown regex flag {f!r} (use i, s, m)")
        try:
            compiled = re.compile(pattern, flags)
        except re.error as err:
            raise _fail(path, line, f"rule {rule_id!r}: bad regex ({err})") from None
        if pattern.startswith(("(?=", "(?!")):
            # re.search retries an unanchored lookahead at every position: quadratic in the
            # reply (a 64 KiB body took seconds per rule).  Anchored, it runs once.
            raise _fail(
                path,
                line,
                f"rule {rule_id!r}: a regex that starts with a lookahead must start with \\A "
                "(unanchored, it is retried at every position of the reply)",
            )
        bad = set(compiled.groupindex) - CAPTURES
        if bad:
            raise _fail(path, line, f"rule {rule_id!r}: unknown capture names {sorted(bad)}")
    asserts = raw.get("asserts", {})
    if not isinstance(asserts, dict):
        raise _fail(path, line, "asserts must be a mapping")
    asserts = strip_lines(asserts)
    if set(asserts) - ASSERT_KEYS:
        raise _fail(path, line, f"unknown asserts {sorted(set(asserts) - ASSERT_KEYS)}")
    dt = asserts.get("device_type")
    if dt is not None and dt not in DEVICE_TYPES:
        raise _fail(path, line, f"device_type must be one of {', '.join(DEVICE_TYPES)}")
    maker = asserts.get("manufacturer")
    if maker is not None and maker not in known.manufacturers:
        raise _fail(path, line, f"manufacturer {maker!r} is not in manufacturers.yaml")
    if not asserts and not (compiled is not None and compiled.groupindex):
        raise _fail(path, line, f"rule {rule_id!r} asserts nothing and captures nothing")
    strength = _strength(path, line, raw.get("strength", "medium"))
    strength = min(strength, FIELD_CAPS.get(fld, 1.0))
    # Content, not status (issue 10): catch-all servers answer every path with 200 and many
    # servers challenge every path with 401, so a status (a path "existing") names no maker;
    # an open port only supports a maker other evidence names.
    names_maker = bool(set(asserts) & {"manufacturer", "brand", "oem_build"}) or bool(
        compiled is not None and "brand" in compiled.groupindex
    )
    if names_maker and fld in ("http.status", "rtsp.status"):
        raise _fail(
            path,
            line,
            f"rule {rule_id!r}: a status code never names a maker; match content only that "
            "vendor's reply carries (http.body, http.kv.*, isapi.*, a realm, a header)",
        )
    if (names_maker or dt in CAMERA_TYPES) and fld in ("nmap.method", "nmap.conf"):
        raise _fail(
            path,
            line,
            f"rule {rule_id!r}: how nmap named a port (method, confidence) names no maker and "
            "no camera; match nmap.product",
        )
    if names_maker and fld == "ports.open" and strength >= DECIDING:
        raise _fail(path, line, f"rule {rule_id!r}: an open port alone never names a maker (weak)")
    source = _text(path, line, raw.get("source"), "source (a citation)")
    return Rule(
        id=rule_id,
        field=fld,
        kind=kind,
        pattern=pattern,
        regex=compiled,
        asserts=asserts,
        strength=strength,
        source=source,
        examples=_examples(path, line, raw.get("examples"), rule_id),
        file=path.name,
        line=line,
        folded=pattern.strip().lower(),
    )


def _manufacturers(path: Path, data: Any, rs: RuleSet, *, required: bool = True) -> None:
    items = data.get("manufacturers") if isinstance(data, dict) else None
    if items is None and not required:
        return
    if not isinstance(items, list):
        raise _fail(path, None, "needs a 'manufacturers:' list")
    for item in items:
        line = item.get("__line__") if isinstance(item, dict) else None
        if not isinstance(item, dict):
            raise _fail(path, line, "each manufacturer must be a mapping")
        name = _text(path, int(line or 0), item.get("name"), "name")
        if name in rs.manufacturers:
            raise _fail(path, line, f"manufacturer {name!r} is declared twice")
        makes = item.get("makes", "cameras")
        if makes not in ("cameras", "mixed", "other"):
            raise _fail(path, line, "makes must be cameras, mixed or other")
        rs.manufacturers[name] = Manufacturer(
            name=name,
            aliases=tuple(str(a).lower() for a in item.get("aliases", [])),
            contains=tuple(str(a).lower() for a in item.get("contains", [])),
            makes=makes,
            brandless=bool(item.get("brandless", False)),
        )
    generic = data.get("generic_brands", [])
    rs.generic_brands |= frozenset(str(g).lower() for g in generic)


def _brand_examples(
    path: Path, line: int, raw: Any, brand: str, rs: RuleSet
) -> tuple[BrandExample, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(
            path, line, f"brand {brand!r} has no examples (a real value its devices present)"
        )
    out = []
    for ex in raw:
        if not isinstance(ex, dict):
            raise _fail(path, line, f"brand {brand!r}: an example must be a mapping")
        ln = int(ex.get("__line__", line))
        unknown = set(ex) - BRAND_EXAMPLE_KEYS
        if unknown:
            raise _fail(path, ln, f"brand example: unknown keys {sorted(unknown)}")
        value = _text(path, ln, ex.get("value"), "brand example value")
        fld = ex.get("field")
        if fld is not None and (
            not isinstance(fld, str) or (fld not in FIELDS and not fld.startswith(FIELD_PREFIXES))
        ):
            raise _fail(path, ln, f"brand example: unknown field {fld!r} (docs/fingerprints.md)")
        expect = strip_lines(ex.get("expect"))
        if not isinstance(expect, dict) or "manufacturer" not in expect:
            raise _fail(path, ln, f"brand {brand!r}: example needs expect: {{manufacturer: ...}}")
        bad = set(expect) - {"manufacturer", "brand"}
        if bad:
            raise _fail(path, ln, f"brand example expect: unknown keys {sorted(bad)}")
        if expect["manufacturer"] not in rs.manufacturers:
            raise _fail(path, ln, f"manufacturer {expect['manufacturer']!r} is not declared")
        source = _text(path, ln, ex.get("source"), "brand example source (a citation)")
        out.append(BrandExample(value, fld, expect, source, ln))
    return tuple(out)


def _oem(path: Path, data: Any, rs: RuleSet, *, required: bool = True) -> list[Rule]:
    if not isinstance(data, dict) or not isinstance(data.get("brands", []), list):
        raise _fail(path, None, "'brands:' must be a list")
    if required and "brands" not in data:
        raise _fail(path, None, "needs a 'brands:' list")
    for item in data.get("brands", []):
        line = int(item.get("__line__", 0)) if isinstance(item, dict) else 0
        if not isinstance(item, dict):
            raise _fail(path, line, "each brand must be a mapping")
        brand = _text(path, line, item.get("brand"), "brand")
        maker = item.get("manufacturer")
        if maker not in rs.manufacturers:
            raise _fail(path, line, f"manufacturer {maker!r} is not in manufacturers.yaml")
        level = BRAND_LEVELS.get(str(item.get("level")))
        if level is None:
            raise _fail(path, line, "level must be strong, medium or weak")
        _text(path, line, item.get("evidence"), "evidence")
        sources = item.get("sources")
        if not isinstance(sources, list) or not sources:
            raise _fail(path, line, f"brand {brand!r} needs sources (citations)")
        if brand.lower() in rs.oem:
            raise _fail(path, line, f"brand {brand!r} is declared twice")
        rs.oem[brand.lower()] = OemBrand(
            brand,
            tuple(str(a).lower() for a in item.get("aliases", [])),
            maker,
            BRAND_LINK[level],
            level,
            _brand_examples(path, line, item.get("examples"), brand, rs),
        )
    patterns = data.get("model_patterns", [])
    if not isinstance(patterns, list):
        raise _fail(path, None, "model_patterns must be a list")
    return [build_rule(path, p, rs, default_field="model") for p in patterns]


def load_rules(directory: Path) -> RuleSet:
    """Load and validate every rule file of ``directory``.

    ``manufacturers.yaml`` and ``oem.yaml`` come first; any other file may also declare
    ``manufacturers:`` and ``brands:`` of its own (one file per maker family holds its maker,
    its brands and its rules), and every name is declared once across the directory.
    """
    if not directory.is_dir():
        raise FingerprintDataError(
            f"{directory}: fingerprint directory not found; set CAMSCAN_FINGERPRINTS"
        )
    rs = RuleSet()
    core = ("manufacturers.yaml", "oem.yaml")
    loaded = [(directory / name, _load_yaml(directory / name)) for name in core]
    loaded += [
        (path, _load_yaml(path))
        for path in sorted(directory.rglob("*.yaml"))
        if path.name not in core
    ]
    for path, data in loaded:
        _manufacturers(path, data, rs, required=path.name == "manufacturers.yaml")
    rules: list[Rule] = []
    for path, data in loaded:
        rules += _oem(path, data, rs, required=path.name == "oem.yaml")
    for path, data in loaded:
        if path.name in core:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
            raise _fail(path, None, "'rules:' must be a list")
        if not any(k in data for k in ("rules", "manufacturers", "brands")):
            raise _fail(path, None, "needs a 'rules:', 'manufacturers:' or 'brands:' list")
        default_field = data.get("field")
        for raw in data.get("rules", []):
            rules.append(build_rule(path, raw, rs, default_field=default_field))
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            other = seen[rule.id]
            raise _fail(
                Path(directory / rule.file),
                rule.line,
                f"duplicate rule id {rule.id!r} (also {other.file}:{other.line})",
            )
        seen[rule.id] = rule
    rs.rules = rules
    return rs
