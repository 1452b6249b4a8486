"""The identify use case: the verdict for one evidence document."""

from __future__ import annotations

from typing import Any

from camscan.fingerprint.engine import Engine
from camscan.fingerprint.verdict import Verdict
from camscan.scoring.exposure import exposure_of

__all__ = ["identify_document", "verdict_of"]


def verdict_of(engine: Engine, doc: object) -> Verdict:
    """The engine's verdict for a document (anything: a document that is no JSON object is
    a recorded error), with the exposure summary scoring judges from what it read."""
    verdict = engine.identify(doc)
    if verdict.facts is not None:
        verdict.exposure = exposure_of(verdict.facts)
    return verdict


def identify_document(engine: Engine, doc: dict[str, Any]) -> Verdict:
    """The verdict for one evidence document, with the probes' own failures kept on it and,
    for a live scan's document, what its plan asked and skipped (for `camscan show`)."""
    verdict = verdict_of(engine, doc)
    errors = list(verdict.errors)
    for failure in doc.get("probe_errors", []):
        if failure not in errors:
            errors.append(failure)
    verdict.errors = errors
    plan = doc.get("plan")
    if isinstance(plan, dict):
        verdict.plan = {k: plan[k] for k in ("requests", "why", "skipped") if k in plan}
    return verdict
