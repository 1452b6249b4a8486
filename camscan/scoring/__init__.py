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
from camscan.scoring.policy import Policy, load_policy, policy_from_text
from camscan.scoring.score import Score, score_device
from camscan.scoring.vulns import VulnData, load_vulns

__all__ = [
    "Policy",
    "Score",
    "band_moves",
    "load_policy",
    "policies_in_force",
    "rescore",
    "score_device",
    "score_devices",
    "store_policy",
]


def policies_in_force(inv: Inventory, sites: list[str] | None = None) -> dict[str, Policy]:
    """The policy each site is scored with: the one stored with `rescore --policy`, else
    the default (with $CAMSCAN_POLICY laid over it)."""
    stored = repo.site_policies(inv)
    names = sites if sites is not None else repo.site_names(inv)
    default: Policy | None = None
    out: dict[str, Policy] = {}
    for name in names:
        if name in stored:
            out[name] = policy_from_text(stored[name]["text"], stored[name]["source"])
        else:
            default = default or load_policy()
            out[name] = default
    return out


def store_policy(inv: Inventory, policy: Policy | None, site: str | None = None) -> int:
    """Make ``policy`` the one in force for ``site`` (or every site); None goes back to
    the default.  Returns how many sites."""
    sites = [repo.resolve_site(inv, site)] if site else repo.site_names(inv)
    record = None
    if policy is not None:
        record = {
            "name": policy.name,
            "version": policy.version,
            "source": policy.source,
            "sha256": policy.sha256,
            "text": policy.text,
        }
    return repo.set_site_policy(inv, sites, record)


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
    """Score every device of the inventory and store the factors; returns how many.

    Without ``policy`` each site is scored with the policy in force for it
    (:func:`policies_in_force`), so a scan, a tag or a vulnerability update keeps the
    policy a user chose with `rescore --policy`."""
    devices = repo.list_devices(inv)
    data = vulns or load_vulns()
    if policy is not None:
        pol = policy if isinstance(policy, Policy) else load_policy(policy)
        scores = score_devices(devices, pol, data, today)
    else:
        by_site = policies_in_force(inv)
        scores = {
            int(d["id"]): score_device(d, by_site.get(str(d["site"])) or load_policy(), data, today)
            for d in devices
        }
    repo.store_scores(inv, (s.as_tuple(dev_id) for dev_id, s in scores.items()))
    return len(scores)


def band_moves(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Devices whose band changed between two listings, with the factors whose points
    changed (old and new points, the new reason): what moved and why.  A device scored
    for the first time has not moved."""
    old = {int(d["id"]): d for d in before}
    out = []
    for d in after:
        was = old.get(int(d["id"]))
        if was is None or was.get("band") in (None, d.get("band")):
            continue  # unchanged, or scored for the first time (nothing moved)
        prev = {f["factor"]: f for f in was.get("score_factors") or []}
        why = []
        for f in d.get("score_factors") or []:
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
                "id": d["id"],
                "ip": d.get("ip"),
                "site": d.get("site"),
                "manufacturer": d.get("manufacturer"),
                "model": d.get("model"),
                "old_band": was.get("band"),
                "new_band": d.get("band"),
                "old_score": was.get("score"),
                "new_score": d.get("score"),
                "why": why,
            }
        )
    return out
