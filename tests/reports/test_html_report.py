"""The HTML report in a real browser: sections, charts, inert hostile strings, and its PDF."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import TODAY
from sample_site import HOSTILE_MODEL, Site

from camscan.reports import write_report

SECTIONS = ("scope", "summary", "charts", "priorities", "plan", "evidence", "changes")


def tools() -> dict[str, str]:
    found = {t: shutil.which(t) for t in ("chromium", "pdftoppm", "pdftotext")}
    missing = [t for t, p in found.items() if p is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: run make deps")
    return {t: str(p) for t, p in found.items()}


class Dom(HTMLParser):
    """Elements of a serialised DOM: tag, attributes, and the section each sits in."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None], str | None]] = []
        self.section: str | None = None
        self.title = ""
        self._in_title = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self.section = a.get("id")
        self._in_title = tag == "title" and not self.section
        self.elements.append((tag, a, self.section))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.text.append(data)

    def tags(self, name: str, section: str | None = None) -> list[dict[str, str | None]]:
        return [a for t, a, s in self.elements if t == name and (section is None or s == section)]


def dump_dom(chromium: str, html: Path, profile: Path) -> Dom:
    proc = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
         "--dump-dom", html.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = Dom()
    dom.feed(proc.stdout)
    return dom


def png_ink(path: Path) -> float:
    """Share of dark pixels of an 8-bit PNG (grey or RGB, as pdftoppm writes them)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, bpp = 8, b"", 0, 0, 1
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (0, 2, 6), (depth, colour)
            bpp = {0: 1, 2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * bpp
    prev = bytearray(stride)
    ink = 0
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up, corner = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + left) & 255
            elif f == 2:
                line[x] = (line[x] + up) & 255
            elif f == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif f == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + pred) & 255
        ink += sum(1 for x in range(0, stride, bpp) if min(line[x : x + min(bpp, 3)]) < 200)
        prev = line
    return ink / (width * height)


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

    # PDF: one page per section, except evidence which has one page per device
    out = tmp_path / "pages"
    out.mkdir()
    subprocess.run([t["pdftoppm"], "-png", "-r", "30", str(pdf), str(out / "p")],
                   check=True, timeout=120)  # fmt: skip
    pages = sorted(out.glob("p-*.png"))
    assert len(pages) == len(SECTIONS) - 1 + len(view.ranked) == 14
    for page in pages:
        assert png_ink(page) > 0.002, f"{page.name} is blank"
    firsts = []
    for n in range(1, len(pages) + 1):
        txt = subprocess.run(
            [t["pdftotext"], "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout  # fmt: skip
        firsts.append(txt.strip().splitlines()[0].strip())
    assert firsts[0].startswith("camscan site report")
    assert [f.split(".")[0] for f in firsts[1:6]] == ["2", "3", "4", "5", "6"]
    assert all(f.startswith(f"#{i}") for i, f in enumerate(firsts[6:13], start=2))
    assert firsts[13].startswith("7. Changes")


def test_report_without_devices_still_has_every_section(tmp_path: Path) -> None:
    from camscan.inventory.db import open_inventory
    from camscan.reports.html import render
    from camscan.reports.view import collect

    inv = open_inventory(str(tmp_path / "empty.db"))
    dom = Dom()
    dom.feed(render(collect(inv, today=TODAY)))
    assert [a.get("id") for a in dom.tags("section")] == list(SECTIONS)
    assert "No cameras, NVRs, DVRs or encoders were found." in "".join(dom.text)
    inv.close()
