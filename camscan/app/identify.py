"""The identify use case: the verdict for one evidence document."""

from __future__ import annotations

from typing import Any

from camscan.fingerprint.engine import Engine
from camscan.fingerprint.verdict import Verdict

__all__ = ["identify_document"]


def identify_document(engine: Engine, doc: dict[str, Any]) -> Verdict:
    """The verdict for one evidence document, with the probes' own failures kept on it and,
    for a live scan's document, what its plan asked and skipped (for `camscan show`)."""
    verdict = engine.identify(doc)
    errors = list(verdict.errors)
    for failure in doc.get("probe_errors", []):
        if failure not in errors:
            errors.append(failure)
    verdict.errors = errors
    plan = doc.get("plan")
    if isinstance(plan, dict):
        verdict.plan = {k: plan[k] for k in ("requests", "why", "skipped") if k in plan}
    return verdict
