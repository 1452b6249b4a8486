"""The report a board reads: page 1 is the executive summary (checked in headless Chromium
and on the printed PDF), then contents and scope; page numbers; links from the priority
list to each device's evidence; model names never split; the evidence appendix modes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from report_checks import dump_dom, page_text, page_texts, tools
from sample_site import TODAY, Site

from camscan.app.report import write_report

BASIS_URLS = (
    "https://questions-statements.parliament.uk/written-statements/detail/2022-11-24/hcws386",
    "https://www.fcc.gov/supplychain/coveredlist",
    "https://www.govinfo.gov/content/pkg/PLAW-115publ232/html/PLAW-115publ232.htm",
)


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]


def figure(source: str, key: str) -> str:
    m = re.search(rf'id="fig-{key}">([^<]*)<', source)
    assert m, key
    return m.group(1)


def test_first_page_is_the_executive_summary(scored_site: Site, tmp_path: Path) -> None:
    t = tools()
    html, pdf = tmp_path / "board.html", tmp_path / "board.pdf"
    files = write_report(
        scored_site.inv, html=html, pdf=pdf, budget=8000, today=TODAY,
        client="Example Trust", assessor="J. Smith",
    )  # fmt: skip
    view = files.view
    dom = dump_dom(t["chromium"], html, tmp_path / "profile")
    # the figures a board asks for, as Chromium built the page
    assert figure(dom.source, "cameras") == "8"  # cameras, NVRs, DVRs, encoders
    assert figure(dom.source, "hik-dahua") == "6"  # incl. Annke, Amcrest and the hostile unit
    assert figure(dom.source, "white-label") == "3"
    assert figure(dom.source, "other-listed") == "0"
    assert figure(dom.source, "p1-cost") == "GBP 7,500"
    assert figure(dom.source, "needed") == "GBP 10,500"
    first = [
        a.get("href") for a in dom.tags("a", "summary") if (a.get("href") or "")[:8] == "#device-"
    ]
    p1 = [f"#device-{d['id']}" for d in view.ranked if d["band"] == "P1"]
    assert first == p1 and len(p1) == 3  # what to replace first, linked to its evidence
    for url in BASIS_URLS:
        assert url in [a.get("href") for a in dom.tags("a", "summary")]

    # printed: all of it on page 1, with the client, site, assessor and date
    one = page_text(t["pdftotext"], pdf, 1)
    flat = " ".join(one.split())
    assert flat.startswith("camscan site report Client Example Trust Date 2026-11-25")
    assert "Site North school" in flat and "Assessor J. Smith" in flat
    assert "Executive summary" in flat and "What to replace first" in flat
    assert "replacing the P1 devices costs GBP 7,500" in flat
    for needle in ("hcws386", "fcc.gov/supplychain/coveredlist", "PLAW-115publ232"):
        assert needle in flat.replace(" ", "").replace("-\n", "")
    assert "Policy basis" in flat and "section 889" in flat and "FCC Covered List" in flat
    assert "Page 1 of" in flat
    # page 2: contents then scope and method; every page numbered
    n = pages_of(pdf)
    firsts = page_texts(t["pdftotext"], pdf, n)
    assert firsts[1] == "Contents" and "1. Scope and method" in page_text(t["pdftotext"], pdf, 2)
    for k in range(1, n + 1):
        assert f"Page {k} of {n}" in page_text(t["pdftotext"], pdf, k)
    # the PDF's own outline (bookmarks with pages) lists the sections
    raw = pdf.read_bytes()
    assert b"/Outlines" in raw
    for title in (b"(Executive summary)", b"(1. Scope and method)", b"(3. Prioritised list)",
                  b"(Appendix A. Evidence per device)"):  # fmt: skip
        assert title in raw, title
    # model names are whole on every page (never "DHI-NVR5216-" / "16P-4KS2E")
    everything = "".join(page_text(t["pdftotext"], pdf, k) for k in range(1, n + 1))
    for model in ("DHI-NVR5216-16P-4KS2E", "DS-2DE4425IW-DE", "DS-2CD2042WD-I"):
        assert everything.count(model) >= 3, model  # page 1, priority list, plan, appendix
    assert not re.search(r"(DHI-NVR5216-|DS-2DE4425IW-|DS-2CD2042WD-) *$", everything, re.M)


def test_contents_and_links_to_evidence(scored_site: Site, tmp_path: Path) -> None:
    t = tools()
    html = tmp_path / "r.html"
    view = write_report(scored_site.inv, html=html, today=TODAY).view
    dom = dump_dom(t["chromium"], html, tmp_path / "profile")
    contents = [
        a.get("href") for t_, a, _ in dom.elements if t_ == "a" and "#" in (a.get("href") or "")
    ]
    for target in (
        "#summary",
        "#scope",
        "#charts",
        "#priorities",
        "#plan",
        "#changes",
        "#evidence",
    ):
        assert target in contents
    links = [a.get("href") for a in dom.tags("a", "priorities")]
    assert links == [f"#device-{d['id']}" for d in view.ranked]
    targets = {a.get("id") for a in dom.tags("article", "evidence")}
    assert {h[1:] for h in links} == targets  # every link lands on its device


@pytest.mark.parametrize(("mode", "articles"), [("none", 0), ("summary", 8), ("full", 8)])
def test_evidence_appendix_modes(
    scored_site: Site, tmp_path: Path, mode: str, articles: int
) -> None:
    t = tools()
    html, pdf = tmp_path / f"{mode}.html", tmp_path / f"{mode}.pdf"
    view = write_report(scored_site.inv, html=html, pdf=pdf, today=TODAY, evidence=mode).view
    dom = dump_dom(t["chromium"], html, tmp_path / "profile")
    assert len(dom.tags("article")) == articles
    sections = [a.get("id") for a in dom.tags("section")]
    assert ("evidence" in sections) == (mode != "none")
    if mode == "none":
        assert dom.tags("a", "priorities") == []  # no link to an appendix left out
    n = pages_of(pdf)
    firsts = page_texts(t["pdftotext"], pdf, n)
    starts = [i for i, f in enumerate(firsts) if f.startswith("Appendix A")]
    if mode == "none":
        assert starts == []
        return
    appendix = n - starts[0]
    if mode == "summary":  # at most half a page per device
        assert appendix <= (len(view.ranked) + 1) // 2
    else:  # a page (or more) per device
        assert appendix >= len(view.ranked)


def test_page_one_holds_the_summary_at_61_cameras(big_site: Site, tmp_path: Path) -> None:
    t = tools()
    html, pdf = tmp_path / "big.html", tmp_path / "big.pdf"
    write_report(big_site.inv, html=html, pdf=pdf, budget=20000, today=TODAY, client="X")
    one = " ".join(page_text(t["pdftotext"], pdf, 1).split()).replace(" ", "")
    assert "61" in one and "Whattoreplacefirst" in one and "Policybasis" in one
    for url in BASIS_URLS:  # the last line of the summary is still on page 1
        assert url.replace("https://", "").split("/")[-1] in one
    n = pages_of(pdf)
    assert page_texts(t["pdftotext"], pdf, 2)[1] == "Contents"
    assert n <= 6 + 61 // 2  # at most half a page per device (a page each made it 67+)
