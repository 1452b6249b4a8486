"""Every example of every rule, replayed: a rule cannot rot silently (docs/fingerprints.md)."""

from __future__ import annotations

from typing import Any

import pytest

from camscan.fingerprint import load_engine
from camscan.fingerprint.rules import Example, Rule

ENGINE = load_engine()


def _cases() -> list[tuple[Rule, Example]]:
    return [(rule, ex) for rule in ENGINE.ruleset.rules for ex in rule.examples]


def _id(case: Any) -> str:
    rule, ex = case
    return f"{rule.file}:{rule.id}:{ex.line}"


def _facts(rule: Rule, caps: dict[str, str]) -> dict[str, Any]:
    facts: dict[str, Any] = dict(rule.asserts)
    brand = facts.get("brand")
    if isinstance(brand, str) and brand.startswith("{"):
        facts["brand"] = caps.get(brand.strip("{}"))
    facts.update(caps)
    return facts


def test_there_are_rules_and_examples() -> None:
    files = {rule.file for rule in ENGINE.ruleset.rules}
    assert len(ENGINE.ruleset.rules) >= 100
    assert {"hikvision.yaml", "dahua.yaml", "not-cameras.yaml", "oem.yaml"} <= files


@pytest.mark.parametrize("case", _cases(), ids=[_id(c) for c in _cases()])
def test_example(case: tuple[Rule, Example]) -> None:
    rule, ex = case
    if ex.value is not None:
        caps = rule.match(ex.value)
        if ex.expect.get("matches") is False:
            assert caps is None, f"{rule.id} should not match {ex.value!r}"
            return
        assert caps is not None, f"{rule.id} does not match its example {ex.value!r}"
        facts = _facts(rule, caps)
        for key, want in ex.expect.items():
            if key == "matches":
                continue
            assert facts.get(key) == want, f"{rule.id}: {key} is {facts.get(key)!r}, not {want!r}"
        return
    assert ex.document is not None
    verdict = ENGINE.identify(ex.document).to_dict()
    fired = {e["rule"] for e in verdict["evidence"]}
    assert rule.id in fired, f"{rule.id} did not fire on its document; fired: {sorted(fired)}"
    assert verdict["errors"] == [], verdict["errors"]
    for key, want in ex.expect.items():
        if key == "min_confidence":
            assert verdict["confidence"] >= want, verdict
        else:
            assert verdict[key] == want, f"{key}: {verdict[key]!r} != {want!r}"
