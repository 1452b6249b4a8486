"""The report use cases: a site report (HTML/PDF, exports) and a replacement plan, from the
inventory's records scored with each site's policy in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from camscan.app.scores import policies_in_force, scored_now
from camscan.inventory import queries
from camscan.inventory.db import Inventory
from camscan.inventory.records import DeviceRecord
from camscan.reports import ReportFiles, check_targets, write_files
from camscan.reports.view import ReportView, build, check_evidence
from camscan.scoring import Policy, load_policy
from camscan.scoring.plan import Costs
from camscan.scoring.vulns import VulnData, load_vulns

__all__ = ["PlanInputs", "plan_inputs", "report_view", "write_report"]


def report_view(
    inv: Inventory,
    *,
    site: str | None = None,
    policy: Policy | None = None,
    default_policy: Policy | None = None,
    vulns: VulnData | None = None,
    budget: float | None = None,
    costs: Costs | None = None,
    today: date | None = None,
    client: str | None = None,
    assessor: str | None = None,
    evidence: str = "summary",
) -> ReportView:
    """Everything the report shows for one site (or all).  Stored scores are used as they
    are; with ``policy``, or when a device was never scored, scores are computed now and
    nothing is stored.  ``default_policy`` scores a site with no stored policy."""
    check_evidence(evidence)
    vulns = vulns or load_vulns()
    default = default_policy or load_policy()
    site = queries.resolve_site(inv, site) if site else None
    in_force = policies_in_force(inv, [site] if site else None, default=default)
    listing = queries.list_devices(inv, site=site)
    stored = policy is None and all(d.band for d in listing)
    devices = (
        listing if stored else scored_now(listing, in_force, vulns, policy=policy, today=today)
    )
    scans = [s for s in queries.list_scans(inv) if site is None or s["site"] == site]
    return build(
        devices,
        scans,
        read_changes=lambda a, b: queries.scan_changes(inv, a, b),
        read_detail=lambda dev_id: queries.device_detail(inv, str(dev_id)),
        in_force=in_force,
        default_policy=default,
        vulns=vulns,
        site=site,
        policy=policy,
        stored=stored,
        budget=budget,
        costs=costs,
        today=today,
        client=client,
        assessor=assessor,
        evidence=evidence,
    )


def write_report(
    inv: Inventory,
    *,
    html: Path | None = None,
    pdf: Path | None = None,
    csv: Path | None = None,
    json: Path | None = None,
    xlsx: Path | None = None,
    cameras_only: bool = False,
    site: str | None = None,
    policy: Policy | None = None,
    default_policy: Policy | None = None,
    vulns: VulnData | None = None,
    budget: float | None = None,
    costs: Costs | None = None,
    today: date | None = None,
    client: str | None = None,
    assessor: str | None = None,
    evidence: str = "summary",
) -> ReportFiles:
    """Write the requested files (:func:`camscan.reports.write_files`) of the report
    :func:`report_view` builds.  Every target is checked first
    (:class:`~camscan.reports.exports.OutputError` when one cannot be written)."""
    check_targets((pdf.with_suffix(".html") if pdf and not html else html, pdf, csv, json, xlsx))
    view = report_view(
        inv,
        site=site,
        policy=policy,
        default_policy=default_policy,
        vulns=vulns,
        budget=budget,
        costs=costs,
        today=today,
        client=client,
        assessor=assessor,
        evidence=evidence,
    )
    return write_files(
        view, html=html, pdf=pdf, csv=csv, json=json, xlsx=xlsx, cameras_only=cameras_only
    )


@dataclass(frozen=True)
class PlanInputs:
    """The scored devices a replacement plan orders, and each site's policy in force."""

    devices: list[DeviceRecord]
    policies: dict[str, Policy]


def plan_inputs(
    inv: Inventory,
    *,
    site: str | None = None,
    default_policy: Policy | None = None,
    vulns: VulnData | None = None,
) -> PlanInputs:
    """The devices (of ``site``) with their stored scores, scored now (nothing stored) when
    any was never scored, and the policy in force for each of their sites."""
    devices = queries.list_devices(inv, site=site)
    default = default_policy or load_policy()
    in_force = policies_in_force(inv, default=default)
    if any(d.band is None for d in devices):
        devices = scored_now(devices, in_force, vulns or load_vulns())
    named = sorted({d.site for d in devices})
    return PlanInputs(devices, policies_in_force(inv, named, default=default))
