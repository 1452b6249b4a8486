"""The identify use case: the verdict for one evidence document."""

from __future__ import annotations

from collections.abc import Mapping

from camscan.fingerprint.engine import Engine
from camscan.fingerprint.verdict import Verdict
from camscan.scoring.exposure import exposure_of

__all__ = ["EvidenceDocument", "identify_document", "verdict_of"]

# An evidence document (docs/evidence.md): JSON, read by the engine as untrusted input.
EvidenceDocument = Mapping[str, object]


def verdict_of(engine: Engine, doc: object) -> Verdict:
    """The engine's verdict for a document (anything: a document that is no JSON object is
    a recorded error), with the exposure summary scoring judges from what it read."""
    verdict = engine.identify(doc)
    if verdict.facts is not None:
        verdict.exposure = exposure_of(verdict.facts)
    return verdict


def identify_document(engine: Engine, doc: EvidenceDocument) -> Verdict:
    """The verdict for one evidence document, with the probes' own failures kept on it and,
    for a live scan's document, what its plan asked and skipped (for `camscan show`)."""
    verdict = verdict_of(engine, doc)
    errors = list(verdict.errors)
    failures = doc.get("probe_errors")
    for failure in failures if isinstance(failures, list) else []:
        if isinstance(failure, dict) and failure not in errors:
            errors.append(failure)
    verdict.errors = errors
    plan = doc.get("plan")
    if isinstance(plan, dict):
        verdict.plan = {k: plan[k] for k in ("requests", "why", "skipped") if k in plan}
    return verdict
