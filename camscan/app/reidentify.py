"""The reidentify use case: identification re-run over stored evidence, no rescan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from camscan.app.identify import EvidenceDocument
from camscan.fingerprint.verdict import Verdict
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory

__all__ = ["Identify", "Reidentified", "reidentify"]

# From an evidence document (docs/evidence.md) to its verdict.
Identify = Callable[[EvidenceDocument], Verdict]


@dataclass(frozen=True)
class Reidentified:
    """How many devices were re-identified, and how many of them changed."""

    devices: int
    changed: int


def reidentify(inv: Inventory, identify: Identify, *, site: str | None = None) -> Reidentified:
    """Run ``identify`` over each device's latest stored evidence (of ``site``) and store
    the verdicts (source "reidentify"); an unknown site is a UsageError naming the sites."""
    total = changed = 0
    for dev_id in queries.device_ids(inv, site=site):
        verdict = identify(queries.evidence_for(inv, str(dev_id)))
        changed += int(repo.store_reidentified(inv, dev_id, verdict))
        total += 1
    return Reidentified(devices=total, changed=changed)
