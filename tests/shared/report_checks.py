"""Checks of a rendered report shared by the report tests and the lab end-to-end test:
the tools it needs, the DOM Chromium builds from it, and the ink on PDF pages."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

# In page order: the executive summary is page 1; the evidence appendix comes last.
SECTIONS = ("summary", "scope", "charts", "priorities", "plan", "changes", "evidence")


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
        self.source = ""  # the serialised DOM as Chromium wrote it

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
    dom.source = proc.stdout
    return dom


def page_text(pdftotext: str, pdf: Path, page: int) -> str:
    """The laid-out text of one PDF page."""
    return subprocess.run(
        [pdftotext, "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip


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


def page_texts(pdftotext: str, pdf: Path, pages: int) -> list[str]:
    """The first line of text of each PDF page."""
    firsts = []
    for n in range(1, pages + 1):
        txt = subprocess.run(
            [pdftotext, "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout  # fmt: skip
        lines = txt.strip().splitlines()
        firsts.append(lines[0].strip() if lines else "")
    return firsts
