"""Every shipped rule file has the shape docs/rules.schema.json describes, and the schema
refuses what the loader refuses (a rule without examples, an unknown key)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from camscan.fingerprint import default_directory

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "rules.schema.json").read_text("utf-8")
)
FILES = sorted(default_directory().glob("*.yaml"))


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_rule_file_matches_the_schema(path: Path) -> None:
    jsonschema.validate(load(path), SCHEMA)


@pytest.mark.parametrize(
    "broken",
    [
        {"rules": [{"id": "x", "field": "http.server", "regex": "^X$", "source": "s"}]},
        {"rules": [{"id": "x", "regex": "^X$", "literal": "X", "source": "s", "examples": [
            {"value": "X", "expect": {"manufacturer": "Axis"}, "source": "s"}]}]},
        {"rules": [{"id": "x", "regex": "^X$", "colour": "red", "source": "s", "examples": [
            {"value": "X", "expect": {"manufacturer": "Axis"}, "source": "s"}]}]},
        {"brands": [{"brand": "B", "manufacturer": "Axis", "level": "strong",
                     "evidence": "e", "sources": ["s"]}]},
    ],
    ids=["no-examples", "two-matchers", "unknown-key", "brand-without-examples"],
)  # fmt: skip
def test_the_schema_refuses_broken_rules(broken: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)
