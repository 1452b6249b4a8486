"""Every brand-to-maker link, replayed from a real value its devices present.

A brand example names a value as a device sent it: either a name (ONVIF Manufacturer, an
IEEE registrant, a DHIP Vendor) that must canonicalise to the brand and lead to its maker,
or a value of one field (``model``, ``http.server`` ...) that the rules of that field must
turn into the brand and the maker.  An OEM link therefore cannot rot silently either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from camscan.errors import FingerprintDataError
from camscan.fingerprint import load_engine
from camscan.fingerprint.rules import BRAND_LINK, DECIDING, BrandExample, OemBrand, load_rules

ENGINE = load_engine()


def _cases() -> list[tuple[OemBrand, BrandExample]]:
    return [(b, ex) for b in ENGINE.ruleset.oem.values() for ex in b.examples]


def _id(case: Any) -> str:
    brand, ex = case
    return f"{brand.brand}:{ex.line}"


def _facts_of_field(field: str, value: str) -> dict[str, list[str]]:
    """Manufacturers and brands the rules of ``field`` give for ``value``, including what the
    model patterns make of a captured model (the engine's second pass)."""
    out: dict[str, list[str]] = {"manufacturer": [], "brand": []}
    models: list[str] = []
    for rule in ENGINE.by_field.get(field, ()):
        caps = rule.match(value)
        if caps is None:
            continue
        brand = rule.asserts.get("brand")
        if isinstance(brand, str) and brand.startswith("{"):
            brand = caps.get(brand.strip("{}"))
        canon = ENGINE.canonical(brand) if isinstance(brand, str) else None
        if canon:
            out["brand"].append(canon)
        maker = rule.asserts.get("manufacturer")
        if maker is None and canon:
            implied = ENGINE.maker_of_brand(canon)
            maker = implied[0] if implied else None
        if maker:
            out["manufacturer"].append(maker)
        if "model" in caps and field != "model":
            models.append(caps["model"])
    for model in models:
        more = _facts_of_field("model", model)
        out["manufacturer"] += more["manufacturer"]
        out["brand"] += more["brand"]
    return out


def test_enough_brands_with_examples() -> None:
    brands = list(ENGINE.ruleset.oem.values())
    assert len(brands) >= 40
    assert all(b.examples for b in brands)
    assert {b.level for b in brands} <= set(BRAND_LINK)


@pytest.mark.parametrize("case", _cases(), ids=[_id(c) for c in _cases()])
def test_brand_example(case: tuple[OemBrand, BrandExample]) -> None:
    brand, ex = case
    want_maker = ex.expect["manufacturer"]
    want_brand = ex.expect.get("brand")
    if ex.field is None:
        canon = ENGINE.canonical(ex.value)
        assert canon == (want_brand or brand.brand), f"{ex.value!r} canonicalises to {canon!r}"
        implied = ENGINE.maker_of_brand(canon)
        assert implied is not None, f"{canon!r} leads to no maker"
        assert implied[0] == want_maker, f"{canon!r} leads to {implied[0]!r}"
        return
    facts = _facts_of_field(ex.field, ex.value)
    assert want_maker in facts["manufacturer"], f"{ex.field}={ex.value!r}: {facts}"
    if want_brand is not None:
        assert want_brand in facts["brand"], f"{ex.field}={ex.value!r}: {facts}"


def test_strong_and_medium_links_decide_weak_never() -> None:
    assert BRAND_LINK["strong"] >= DECIDING
    assert BRAND_LINK["medium"] >= DECIDING
    assert BRAND_LINK["weak"] < DECIDING
    for b in ENGINE.ruleset.oem.values():
        implied = ENGINE.maker_of_brand(b.brand)
        assert implied == (b.manufacturer, BRAND_LINK[b.level])


BRAND_FILE = """manufacturers:
  - name: Testmaker
    makes: cameras
brands:
  - brand: Testbrand
    manufacturer: Testmaker
    level: {level}
    evidence: owned by Testmaker
    sources: [test]
{examples}"""
GOOD_EXAMPLES = """    examples:
      - value: Testbrand
        expect: {manufacturer: Testmaker}
        source: test
"""


def _load(tmp_path: Path, level: str = "strong", examples: str = GOOD_EXAMPLES) -> OemBrand:
    (tmp_path / "manufacturers.yaml").write_text("manufacturers: []\n")
    (tmp_path / "oem.yaml").write_text("brands: []\n")
    (tmp_path / "brandfile.yaml").write_text(
        BRAND_FILE.replace("{level}", level).replace("{examples}", examples)
    )
    return load_rules(tmp_path).oem["testbrand"]


def test_moderate_is_the_old_spelling_of_medium(tmp_path: Path) -> None:
    assert _load(tmp_path, "moderate").level == "medium"
    assert _load(tmp_path, "medium").strength == BRAND_LINK["medium"]


@pytest.mark.parametrize(
    ("examples", "needle"),
    [
        ("", "has no examples"),
        ("    examples: []\n", "has no examples"),
        (
            "    examples:\n      - value: X\n        expect: {brand: Testbrand}\n"
            "        source: t\n",
            "expect: {manufacturer",
        ),
        (
            "    examples:\n      - value: X\n        expect: {manufacturer: Nobody}\n"
            "        source: t\n",
            "is not declared",
        ),
        (
            "    examples:\n      - value: X\n        field: http.nothing\n"
            "        expect: {manufacturer: Testmaker}\n        source: t\n",
            "unknown field",
        ),
        (
            "    examples:\n      - value: X\n        expect: {manufacturer: Testmaker}\n",
            "source",
        ),
        (
            "    examples:\n      - value: X\n        expect: {manufacturer: Testmaker, x: 1}\n"
            "        source: t\n",
            "unknown keys",
        ),
    ],
)
def test_bad_brand_examples_are_refused(tmp_path: Path, examples: str, needle: str) -> None:
    with pytest.raises(FingerprintDataError, match=r"brandfile\.yaml:") as err:
        _load(tmp_path, examples=examples)
    assert needle in str(err.value)


def test_unknown_level_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FingerprintDataError, match="level must be strong, medium or weak"):
        _load(tmp_path, "certain")
