"""The report use cases: a site report (HTML/PDF, exports) and a replacement plan, from the
inventory's records scored with each site's policy in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypedDict, Unpack

from camscan.app.scores import policies_in_force, scored_now
from camscan.inventory import queries
from camscan.inventory.db import Inventory
from camscan.inventory.records import DeviceRecord
from camscan.reports import ReportFiles, check_targets, write_files
from camscan.reports.view import ReportView, build, check_evidence
from camscan.scoring import Policy, load_policy
from camscan.scoring.plan import Costs
from camscan.scoring.vulns import VulnData, load_vulns

__all__ = ["PlanInputs", "ReportOptions", "plan_inputs", "report_view", "write_report"]


class ReportOptions(TypedDict, total=False):
    """What a report covers and how it is scored (every key optional)."""

    site: str | None  # one site, else all
    policy: Policy | None  # score every device with this now, storing nothing
    default_policy: Policy | None  # for a site with no stored policy (else the shipped one)
    vulns: VulnData | None  # else the shipped or updated data
    budget: float | None  # per phase of the plan, else what P1-P3 cost
    costs: Costs | None
    today: date | None
    client: str | None
    assessor: str | None
    evidence: str  # the appendix: none | summary (the default) | full


def report_view(inv: Inventory, **options: Unpack[ReportOptions]) -> ReportView:
    """Everything the report shows for one site (or all).  Stored scores are used as they
    are; with ``policy``, or when a device was never scored, scores are computed now and
    nothing is stored."""
    evidence = options.get("evidence", "summary")
    check_evidence(evidence)
    vulns = options.get("vulns") or load_vulns()
    default = options.get("default_policy") or load_policy()
    policy, today = options.get("policy"), options.get("today")
    site = options.get("site")
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
        budget=options.get("budget"),
        costs=options.get("costs"),
        today=today,
        client=options.get("client"),
        assessor=options.get("assessor"),
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
    **options: Unpack[ReportOptions],
) -> ReportFiles:
    """Write the requested files (:func:`camscan.reports.write_files`) of the report
    :func:`report_view` builds from ``options``.  Every target is checked first
    (:class:`~camscan.reports.exports.OutputError` when one cannot be written)."""
    check_targets((pdf.with_suffix(".html") if pdf and not html else html, pdf, csv, json, xlsx))
    return write_files(
        report_view(inv, **options),
        html=html,
        pdf=pdf,
        csv=csv,
        json=json,
        xlsx=xlsx,
        cameras_only=cameras_only,
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
