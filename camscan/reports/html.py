"""The site report as one self-contained HTML file (Jinja2, autoescaped).

No script, no remote font, image or stylesheet: the CSS is inline and the charts are inline
SVG laid out in :mod:`camscan.reports.view`.  Autoescaping turns every device-supplied
string into text; a Content-Security-Policy in the page forbids scripts besides.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from camscan.reports.view import ReportView


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("camscan.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    return env


def render(view: ReportView) -> str:
    """The report's HTML text."""
    currency = view.plan.costs.currency

    def money(amount: float) -> str:
        text = f"{amount:,.0f}"
        return f"{currency} {text}" if currency else text

    return environment().get_template("report.html.j2").render(v=view, money=view.plan.costs.money)


def write_html(view: ReportView, path: Path) -> Path:
    from camscan.reports.exports import write_text

    return write_text(path, render(view))
