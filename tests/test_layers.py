"""The one-way layering of docs/architecture.md, checked on the source: the packages below
camscan/app import no use case, scoring imports no inventory code, reports read no database,
repository.store_scores is called from app/ only, and the environment is read in the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "camscan"
# Environment reads still outside the CLI, each to move to camscan/cli/settings.py.
ENV_PENDING: set[str] = set()


def modules(under: str = "") -> list[Path]:
    return sorted((PACKAGE / under).rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports (top level or inside a function)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("scoring", ("camscan.inventory", "camscan.app", "camscan.reports")),
        ("reports", ("camscan.app", "camscan.inventory.queries", "camscan.inventory.repository",
                     "camscan.inventory.db", "sqlalchemy")),
        ("fingerprint", ("camscan.app", "camscan.inventory", "camscan.scoring")),
        ("inventory", ("camscan.app", "camscan.scoring", "camscan.reports")),
        # the pure identity keys (choose_mac) serve discovery too; the database does not
        ("discovery", ("camscan.app", "camscan.inventory.db", "camscan.inventory.repository",
                       "camscan.inventory.queries", "camscan.inventory.models", "camscan.scoring")),
        ("protocols", ("camscan.app", "camscan.inventory", "camscan.scoring")),
    ],
)  # fmt: skip
def test_no_module_reaches_back_up_the_chain(package: str, forbidden: tuple[str, ...]) -> None:
    found = {
        (rel(p), m)
        for p in modules(package)
        for m in imported(p)
        if any(m == f or m.startswith(f + ".") for f in forbidden)
    }
    assert not found, found


def test_scores_are_stored_by_the_app_layer_only() -> None:
    callers = {
        rel(p)
        for p in modules()
        if "store_scores(" in p.read_text(encoding="utf-8") and rel(p) != "inventory/repository.py"
    }
    assert callers == {"app/scores.py"}


def test_the_environment_is_read_in_the_cli_only() -> None:
    readers = set()
    for p in modules():
        if rel(p).startswith("cli/"):
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                readers.add(rel(p))
    assert readers == ENV_PENDING, readers
