"""The HTML report printed to PDF by headless Chromium (Debian's chromium package).

Chromium reads the local file only: the page's Content-Security-Policy forbids any fetch,
and a throw-away profile directory keeps the user's browser profile out of it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from camscan.errors import CamscanError

TIMEOUT = 120.0
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


class PdfError(CamscanError):
    """Chromium is missing or could not print the report."""


def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise PdfError("chromium is not installed: run `make deps` (or apt-get install chromium)")


def html_to_pdf(html: Path, pdf: Path, *, timeout: float = TIMEOUT) -> Path:
    """Print ``html`` to ``pdf`` (A4, the report's print styles); returns ``pdf``."""
    from camscan.reports.exports import _write

    exe = browser()
    pdf = pdf.resolve()

    def save(tmp: str) -> None:
        _print(exe, html, Path(tmp), timeout)

    return _write(pdf, save)


def _print(exe: str, html: Path, pdf: Path, timeout: float) -> None:
    """Chromium prints ``html`` to ``pdf`` (an empty file it overwrites)."""
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="camscan-chromium-") as profile:
        args = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-extensions",
            "--no-first-run",
            "--no-pdf-header-footer",
            # PDF bookmarks from the headings: the viewer's contents, with page numbers
            "--generate-pdf-document-outline",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as err:
            raise PdfError(f"chromium did not finish printing {html} in {timeout:.0f} s") from err
    if not pdf.is_file() or pdf.stat().st_size == 0:
        tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise PdfError(f"chromium could not print {html} to PDF ({tail[0][:200]})")
