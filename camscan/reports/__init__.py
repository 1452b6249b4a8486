"""Site reports: self-contained HTML (and PDF through Chromium), CSV, JSON and XLSX exports.

:func:`write_report` is what ``camscan report`` runs; the parts are usable on their own:
:func:`camscan.reports.view.collect` gathers the data, :mod:`~camscan.reports.html` renders
it, :mod:`~camscan.reports.pdf` prints it and :mod:`~camscan.reports.exports` writes the
spreadsheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from camscan.inventory.db import Inventory
from camscan.reports import exports
from camscan.reports.html import write_html
from camscan.reports.pdf import html_to_pdf
from camscan.reports.view import ReportView, collect
from camscan.scoring.plan import Costs
from camscan.scoring.policy import Policy

__all__ = ["ReportFiles", "ReportView", "collect", "write_report"]


@dataclass
class ReportFiles:
    view: ReportView
    written: dict[str, Path] = field(default_factory=dict)


def write_report(
    inv: Inventory,
    *,
    html: Path | None = None,
    pdf: Path | None = None,
    csv: Path | None = None,
    json: Path | None = None,
    xlsx: Path | None = None,
    site: str | None = None,
    policy: Policy | None = None,
    budget: float | None = None,
    costs: Costs | None = None,
    today: date | None = None,
    client: str | None = None,
    assessor: str | None = None,
    evidence: str = "summary",
    cameras_only: bool = False,
) -> ReportFiles:
    """Write the requested files; a PDF needs the HTML, so it is written next to it if asked.

    Every target is checked first and each file is written whole or not at all
    (:class:`~camscan.reports.exports.OutputError` when one cannot be written)."""
    if pdf is not None and html is None:
        html = pdf.with_suffix(".html")
    exports.check_writable(p for p in (html, pdf, csv, json, xlsx) if p is not None)
    view = collect(
        inv,
        site=site,
        policy=policy,
        budget=budget,
        costs=costs,
        today=today,
        client=client,
        assessor=assessor,
        evidence=evidence,
    )
    out = ReportFiles(view)
    listed = (
        [d for d in view.devices if exports.is_video_device(d)] if cameras_only else view.devices
    )
    if html is not None:
        out.written["html"] = write_html(view, html)
    if pdf is not None and html is not None:
        out.written["pdf"] = html_to_pdf(html, pdf)
    if csv is not None:
        out.written["csv"] = exports.write_csv(listed, csv)
    if json is not None:
        out.written["json"] = exports.write_json(listed, json)
    if xlsx is not None:
        named = "; ".join(sorted({p.describe() for p in view.policies.values()}))
        out.written["xlsx"] = exports.write_xlsx(listed, xlsx, view.plan, named)
    return out
