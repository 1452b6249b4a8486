"""The HTML report in a real browser: sections, charts, inert hostile strings, and its PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

from report_checks import SECTIONS, Dom, dump_dom, page_texts, png_ink, tools
from sample_site import HOSTILE_MODEL, TODAY, Site

from camscan.app.report import write_report


def test_report_in_chromium_and_as_pdf(scored_site: Site, tmp_path: Path) -> None:
    t = tools()
    html, pdf = tmp_path / "out" / "report.html", tmp_path / "out" / "report.pdf"
    files = write_report(scored_site.inv, html=html, pdf=pdf, budget=8000, today=TODAY)
    view = files.view
    source = html.read_text(encoding="utf-8")
    assert "http://" not in source.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in source.split("<body>", 1)[0]  # nothing fetched from the head
    assert HOSTILE_MODEL not in source  # only its escaped form

    dom = dump_dom(t["chromium"], html, tmp_path / "profile")
    # the page's own title, untouched by the device's script
    assert dom.title == view.title == "camscan site report"
    ids = [a.get("id") for a in dom.tags("section")]
    assert ids == list(SECTIONS)
    # charts are inline SVG: manufacturers, brands, white labels, bands
    svgs = dom.tags("svg", "charts")
    assert len(svgs) == 4
    assert len(dom.tags("rect", "charts")) == sum(len(c.bars) for c in view.charts)
    # nothing a device said became an element or a handler
    assert dom.tags("script") == [] and dom.tags("img") == [] and dom.tags("b") == []
    assert len(dom.tags("svg")) == 4
    handlers = [(t_, k) for t_, a, _ in dom.elements for k in a if k.startswith("on")]
    assert handlers == []
    text = "".join(dom.text)
    assert HOSTILE_MODEL in text  # shown as text
    assert "<svg onload=alert(2)>" in text and "<script>alert(3)</script>" in text
    # every ranked device has its evidence sheet; the list and plan name the devices
    assert len(dom.tags("article", "evidence")) == len(view.ranked) == 8
    assert "CVE-2021-36260" in text and "10.20.0.112" in text

    # PDF: the executive summary on page 1, contents with scope on page 2, a page per
    # section, and the evidence appendix (summary form) at most two devices to a page
    out = tmp_path / "pages"
    out.mkdir()
    subprocess.run([t["pdftoppm"], "-png", "-r", "30", str(pdf), str(out / "p")],
                   check=True, timeout=120)  # fmt: skip
    pages = sorted(out.glob("p-*.png"))
    for page in pages:
        assert png_ink(page) > 0.002, f"{page.name} is blank"
    firsts = page_texts(t["pdftotext"], pdf, len(pages))
    assert firsts[0].startswith("camscan site report")
    assert firsts[1] == "Contents"
    heads = ("2. Charts", "3. Prioritised list", "4. Replacement plan", "5. Changes",
             "Appendix A. Evidence per device")  # fmt: skip
    at = [next(i for i, f in enumerate(firsts) if f.startswith(h)) for h in heads]
    assert at == sorted(at) and at[0] == 2  # each section starts a page, in this order
    appendix = len(pages) - at[-1]
    assert 1 <= appendix <= (len(view.ranked) + 1) // 2 == 4
    assert len(pages) <= 11  # was 14 with a page per device


def test_report_without_devices_still_has_every_section(tmp_path: Path) -> None:
    from camscan.app.report import report_view
    from camscan.inventory.db import open_inventory
    from camscan.reports.html import render

    inv = open_inventory(str(tmp_path / "empty.db"))
    dom = Dom()
    dom.feed(render(report_view(inv, today=TODAY)))
    assert [a.get("id") for a in dom.tags("section")] == list(SECTIONS)
    assert "No cameras, NVRs, DVRs or encoders were found." in "".join(dom.text)
    inv.close()
