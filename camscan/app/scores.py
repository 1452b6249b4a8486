"""The rescore use case and the policy in force per site: inventory records in, scores
computed by camscan.scoring (which writes nothing), stored back here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select

from camscan.inventory import models as m
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory
from camscan.inventory.records import DeviceRecord
from camscan.scoring import Policy, band_moves, load_policy, score_device
from camscan.scoring.policy import policy_from_text
from camscan.scoring.vulns import VulnData, load_vulns

__all__ = [
    "Rescored",
    "TouchWatch",
    "policies_in_force",
    "rescore",
    "rescore_changes",
    "scored_now",
    "store_policy",
]


def policies_in_force(
    inv: Inventory, sites: Sequence[str] | None = None, *, default: Policy | None = None
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


CHUNK = 1000  # devices read, scored and written per transaction


@dataclass
class Rescored:
    """What a rescore did: how many devices it scored, their bands, and the devices whose
    band moved (camscan.scoring.band_moves: the factors that moved each)."""

    scored: int = 0
    bands: Counter[str] = field(default_factory=Counter)
    moves: list[dict[str, Any]] = field(default_factory=list)


def rescore(
    inv: Inventory,
    policy: Policy | None = None,
    *,
    vulns: VulnData | None = None,
    today: date | None = None,
    default: Policy | None = None,
    sites: Sequence[str] | None = None,
    chunk: int = CHUNK,
) -> int:
    """Score every device of the inventory (of ``sites`` only, when given: what a scan, an
    import or a capture touched) and store the factors; returns how many.

    With ``policy`` every device is scored with it; without, each site is scored with the
    policy in force for it (:func:`policies_in_force`, ``default`` for a site without a
    stored one), so a scan, a tag or a vulnerability update keeps the policy a user chose
    with `rescore --policy`.  Devices are streamed ``chunk`` at a time (scored, written,
    dropped), so memory does not grow with the inventory; a score depends on its device
    and its site's policy only, so a site rescored alone gets the scores a full rescore
    gives."""
    return rescore_changes(
        inv, policy, vulns=vulns, today=today, default=default, sites=sites, chunk=chunk,
        moves=False,
    ).scored  # fmt: skip


def rescore_changes(
    inv: Inventory,
    policy: Policy | None = None,
    *,
    vulns: VulnData | None = None,
    today: date | None = None,
    default: Policy | None = None,
    sites: Sequence[str] | None = None,
    chunk: int = CHUNK,
    moves: bool = True,
) -> Rescored:
    """:func:`rescore`, telling what it did: the bands and (with ``moves``) the devices
    whose band moved, gathered chunk by chunk."""
    data = vulns or load_vulns()
    by_site = {} if policy is not None else policies_in_force(inv, sites, default=default)
    fallback = policy or default or load_policy()
    out = Rescored()

    def score(d: DeviceRecord) -> tuple[float, str, list[Any]]:
        s = score_device(d, by_site.get(d.site) or fallback, data, today)
        return (s.value, s.band, s.factors)

    def tally(done: list[tuple[DeviceRecord, tuple[float, str, list[Any]]]]) -> None:
        out.bands.update(band for _, (_, band, _) in done)
        if moves:
            before = [d for d, _ in done]
            out.moves.extend(band_moves(before, [d.scored(*new) for d, new in done]))

    out.scored = repo.store_scores(inv, score, sites=sites, chunk=chunk, on_chunk=tally)
    return out


@dataclass(frozen=True)
class TouchWatch:
    """The sites a scan touched besides its own: taken before the scan starts (the scans
    then running), read when it ends (those that ended meanwhile, and any that finished
    since: a killed sensor's spool stored by this one, another sensor's scan)."""

    since: datetime
    running: frozenset[int]

    @classmethod
    def start(cls, inv: Inventory) -> TouchWatch:
        with inv.session() as s:
            running = s.scalars(select(m.Scan.id).where(m.Scan.status == "running"))
            return cls(m.utcnow(), frozenset(running))

    def sites(self, inv: Inventory, site: str) -> list[str]:
        """``site`` and the sites of the scans that ended while this one ran."""
        ended = m.Scan.finished_at >= self.since
        if self.running:
            ended = or_(ended, m.Scan.id.in_(sorted(self.running)) & (m.Scan.status != "running"))
        with inv.session() as s:
            names = set(s.scalars(select(m.Site.name).join(m.Scan.site).where(ended)))
        return sorted(names | {site})


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
