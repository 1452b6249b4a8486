"""The dashboard as a person meets it: `camscan serve` started as a real process on a free
loopback port over a real SQLite inventory, and Debian's Chromium driven by Playwright
(dashboard_helpers.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sample_site
from dashboard_helpers import (
    EDITOR,
    VIEWER,
    Dashboard,
    add_south,
    chromium,
)

from bench.dashboard import start_server, stop_server
from camscan.app.scores import rescore
from camscan.web import accounts

if not os.environ.get("PLAYWRIGHT_BROWSERS_PATH"):
    # Playwright never downloads a browser here: it drives the system's Chromium.
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    db = tmp_path_factory.mktemp("web") / "inventory.db"
    site = sample_site.build(db)
    add_south(site)
    rescore(site.inv, today=sample_site.TODAY)
    accounts.add_account(site.inv, EDITOR[0], "editor", EDITOR[1])
    accounts.add_account(site.inv, VIEWER[0], "viewer", VIEWER[1])
    proc, url = start_server(db)
    try:
        yield Dashboard(url, db, site)
    finally:
        stop_server(proc)
        site.inv.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser: object, dashboard: Dashboard) -> Iterator[object]:
    """A fresh browser context (no cookies) whose every dialog is recorded and refused."""
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    ctx = browser.new_context(base_url=dashboard.url, accept_downloads=True)
    pg = ctx.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    yield pg
    ctx.close()
