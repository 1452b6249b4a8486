"""The site report of the lab scan, in headless Chromium and as PDF pages.

The lab holds hostile hosts whose model names and page titles carry script; the report must
show them as text.  Rendering reads the scan's SQLite file only (no packets are sent).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from report_checks import SECTIONS, dump_dom, page_texts, png_ink, tools

from tests.e2e.conftest import LabScan

pytestmark = pytest.mark.lab


def test_lab_report(lab_scan: LabScan, tmp_path: Path) -> None:
    t = tools()
    html, pdf = tmp_path / "lab-report.html", tmp_path / "lab-report.pdf"
    proc = subprocess.run(
        [sys.executable, "-m", "camscan", "--db", str(lab_scan.db), "report", "-o", str(html),
         "--pdf", str(pdf), "--budget", "20000", "--evidence", "full"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"html: {html}" in proc.stdout

    devices = json.loads(
        subprocess.run(
            [sys.executable, "-m", "camscan", "--db", str(lab_scan.db), "devices", "--format",
             "json"], capture_output=True, text=True, timeout=120, check=True,
        ).stdout
    )  # fmt: skip
    ranked = [d for d in devices if d["band"] in ("P1", "P2", "P3", "P4")]
    assert ranked, "the lab scan found cameras and scored them"
    assert all(d["score_factors"] for d in devices)

    dom = dump_dom(t["chromium"], html, tmp_path / "profile")
    assert dom.title == "camscan site report"
    assert [a.get("id") for a in dom.tags("section")] == list(SECTIONS)
    assert len(dom.tags("svg", "charts")) == 4
    assert dom.tags("script") == [] and dom.tags("img") == [] and dom.tags("iframe") == []
    assert [k for _, a, _ in dom.elements for k in a if k.startswith("on")] == []
    assert len(dom.tags("article", "evidence")) == len(ranked)
    text = "".join(dom.text)
    hostile = [h for h in lab_scan.truth if h["personality"] == "hostile-dahua-script-model"]
    assert hostile, "the default mix holds a script-model host"
    assert any(h["ip"] in text for h in hostile), "the hostile host is in the report"
    # what it sent is shown, as text
    assert "<script>alert(1)</script>" in text

    out = tmp_path / "pages"
    out.mkdir()
    subprocess.run([t["pdftoppm"], "-png", "-r", "20", str(pdf), str(out / "p")], check=True,
                   timeout=600)  # fmt: skip
    pages = sorted(out.glob("p-*.png"))
    # each section starts a page, each device's evidence has at least one page of its own
    assert len(pages) >= len(SECTIONS) - 1 + len(ranked)
    firsts = page_texts(t["pdftotext"], pdf, len(pages))
    starts = [m.group(0) for f in firsts if (m := re.match(r"#\d+\b", f))]
    # device #1 shares its page with the section heading; every later one starts a page
    assert starts == [f"#{i}" for i in range(2, len(ranked) + 1)]
    assert firsts[0].startswith("camscan site report") and firsts[-1] != ""
    assert any(f.startswith("5. Changes") for f in firsts)
    blank = [p.name for p in pages if png_ink(p) <= 0.0003]  # a continuation page may hold one row
    assert blank == []
