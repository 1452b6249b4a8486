"""Replacement priority: a policy (TOML) turns each device's verdict, exposure, known
vulnerabilities and location into a 0-100 score, a band (P1 replace now .. P4 keep and
monitor) and the list of factors that explain it.  Re-scoring reads the inventory only, so a
changed policy or newer vulnerability data needs no rescan.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory
from camscan.scoring.policy import Policy, load_policy
from camscan.scoring.score import Score, score_device
from camscan.scoring.vulns import VulnData, load_vulns

__all__ = ["Policy", "Score", "load_policy", "rescore", "score_device", "score_devices"]


def score_devices(
    devices: list[dict[str, Any]],
    policy: Policy | None = None,
    vulns: VulnData | None = None,
    today: date | None = None,
) -> dict[int, Score]:
    """Scores of device records by id, without touching the inventory."""
    pol = policy or load_policy()
    data = vulns or load_vulns()
    return {int(d["id"]): score_device(d, pol, data, today) for d in devices}


def rescore(
    inv: Inventory,
    policy: Policy | str | Path | None = None,
    *,
    vulns: VulnData | None = None,
    today: date | None = None,
) -> int:
    """Score every device of the inventory and store the factors; returns how many."""
    pol = policy if isinstance(policy, Policy) else load_policy(policy)
    scores = score_devices(repo.list_devices(inv), pol, vulns, today)
    repo.store_scores(inv, (s.as_tuple(dev_id) for dev_id, s in scores.items()))
    return len(scores)
