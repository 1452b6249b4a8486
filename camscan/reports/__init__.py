"""Site reports: self-contained HTML (and PDF through Chromium), CSV, JSON and XLSX exports.

:func:`camscan.app.report.write_report` is what ``camscan report`` runs: it reads the
inventory and scores, :func:`camscan.reports.view.build` turns scored records into the
view, and :func:`write_files` writes the files from it (:mod:`~camscan.reports.html`
renders, :mod:`~camscan.reports.pdf` prints, :mod:`~camscan.reports.exports` writes the
spreadsheets).  Nothing here reads the inventory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from camscan.reports import exports
from camscan.reports.html import write_html
from camscan.reports.pdf import html_to_pdf
from camscan.reports.view import ReportView, build

__all__ = ["ReportFiles", "ReportView", "build", "check_targets", "write_files"]


@dataclass
class ReportFiles:
    view: ReportView
    written: dict[str, Path] = field(default_factory=dict)


def check_targets(paths: Iterable[Path | None]) -> None:
    """Every target writable, before anything is computed or written
    (:class:`~camscan.reports.exports.OutputError` naming the first that is not)."""
    exports.check_writable(p for p in paths if p is not None)


def write_files(
    view: ReportView,
    *,
    html: Path | None = None,
    pdf: Path | None = None,
    csv: Path | None = None,
    json: Path | None = None,
    xlsx: Path | None = None,
    cameras_only: bool = False,
) -> ReportFiles:
    """Write the requested files of ``view``; a PDF needs the HTML, so it is written next
    to it if asked.  Each file is written whole or not at all."""
    if pdf is not None and html is None:
        html = pdf.with_suffix(".html")
    check_targets((html, pdf, csv, json, xlsx))
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
