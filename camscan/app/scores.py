"""The rescore use case and the policy in force per site: inventory records in, scores
computed by camscan.scoring (which writes nothing), stored back here."""

from __future__ import annotations

from datetime import date

from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory
from camscan.inventory.records import DeviceRecord
from camscan.scoring import Policy, Score, load_policy, score_device
from camscan.scoring.policy import policy_from_text
from camscan.scoring.vulns import VulnData, load_vulns

__all__ = ["policies_in_force", "rescore", "scored_now", "store_policy"]


def policies_in_force(
    inv: Inventory, sites: list[str] | None = None, *, default: Policy | None = None
) -> dict[str, Policy]:
    """The policy each site is scored with: the one stored with `rescore --policy`, else
    ``default`` (the shipped default policy when None)."""
    stored = queries.site_policies(inv)
    names = sites if sites is not None else queries.site_names(inv)
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
    sites = [queries.resolve_site(inv, site)] if site else queries.site_names(inv)
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


def rescore(
    inv: Inventory,
    policy: Policy | None = None,
    *,
    vulns: VulnData | None = None,
    today: date | None = None,
    default: Policy | None = None,
) -> int:
    """Score every device of the inventory and store the factors; returns how many.

    With ``policy`` every device is scored with it; without, each site is scored with the
    policy in force for it (:func:`policies_in_force`, ``default`` for a site without a
    stored one), so a scan, a tag or a vulnerability update keeps the policy a user chose
    with `rescore --policy`."""
    devices = queries.list_devices(inv)
    data = vulns or load_vulns()
    by_site = {} if policy is not None else policies_in_force(inv, default=default)
    fallback = policy or default or load_policy()
    scores: dict[int, Score] = {
        d.id: score_device(d, by_site.get(d.site) or fallback, data, today) for d in devices
    }
    repo.store_scores(inv, (s.as_tuple(dev_id) for dev_id, s in scores.items()))
    return len(scores)


def scored_now(
    devices: list[DeviceRecord],
    in_force: dict[str, Policy],
    vulns: VulnData,
    *,
    policy: Policy | None = None,
    today: date | None = None,
) -> list[DeviceRecord]:
    """The records with scores computed now (nothing stored): with ``policy``, else each
    site's policy in force (the default policy for a site missing from ``in_force``)."""
    out = []
    for d in devices:
        s = score_device(d, policy or in_force.get(d.site) or load_policy(), vulns, today)
        out.append(d.scored(s.value, s.band, s.factors))
    return out
