"""Replacement priority: a policy (TOML) turns each device's verdict, exposure, known
vulnerabilities and location into a 0-100 score, a band (P1 replace now .. P4 keep and
monitor) and the list of factors that explain it.  Scoring computes from device records, a
policy and vulnerability data and writes nothing; storing the scores is the rescore use case
(camscan/app/scores.py), so a changed policy or newer vulnerability data needs no rescan.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from camscan.scoring.facts import DeviceFacts, ScoredDevice
from camscan.scoring.policy import Policy, load_policy
from camscan.scoring.score import Score, score_device
from camscan.scoring.vulns import VulnData, load_vulns

__all__ = [
    "DeviceFacts",
    "Policy",
    "Score",
    "ScoredDevice",
    "VulnData",
    "band_moves",
    "load_policy",
    "load_vulns",
    "score_device",
    "score_devices",
]


def score_devices(
    devices: Sequence[ScoredDevice],
    policy: Policy | None = None,
    vulns: VulnData | None = None,
    today: date | None = None,
) -> dict[int, Score]:
    """Scores of devices by id, without touching the inventory."""
    pol = policy or load_policy()
    data = vulns or load_vulns()
    return {d.id: score_device(d, pol, data, today) for d in devices}


def band_moves(
    before: Sequence[ScoredDevice], after: Sequence[ScoredDevice]
) -> list[dict[str, Any]]:
    """Devices whose band changed between two listings, with the factors whose points
    changed (old and new points, the new reason): what moved and why.  A device scored
    for the first time has not moved."""
    old = {d.id: d for d in before}
    out = []
    for d in after:
        was = old.get(d.id)
        if was is None or was.band in (None, d.band):
            continue  # unchanged, or scored for the first time (nothing moved)
        prev = {f["factor"]: f for f in was.score_factors or []}
        why = []
        for f in d.score_factors or []:
            p = prev.get(f["factor"], {})
            if float(p.get("points") or 0) != float(f.get("points") or 0):
                why.append(
                    {
                        "factor": f["factor"],
                        "old": float(p.get("points") or 0),
                        "new": float(f.get("points") or 0),
                        "reason": f.get("reason"),
                    }
                )
        out.append(
            {
                "id": d.id,
                "ip": d.ip,
                "site": d.site,
                "manufacturer": d.manufacturer,
                "model": d.model,
                "old_band": was.band,
                "new_band": d.band,
                "old_score": was.score,
                "new_score": d.score,
                "why": why,
            }
        )
    return out
