"""Helpers of the dashboard tests: the inventory they serve (the sample site, plus a second
site of 30 cameras so the device table has pages), `camscan serve` as a real process on a
free loopback port, logins by HTTP and by browser."""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sample_site

from bench.dashboard import csrf_of
from camscan.fingerprint.verdict import Verdict
from camscan.inventory import repository as repo
from camscan.scope.targets import Scope, parse_target

EDITOR = ("edna", "edna's long passphrase 1")
VIEWER = ("vic", "vic's long passphrase 22")
SOUTH = "South college"
SOUTH_CAMERAS = 30


@dataclass
class Dashboard:
    url: str
    db: Path
    site: sample_site.Site

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=60)

    def login(self, who: tuple[str, str] = VIEWER) -> httpx.Client:
        """An HTTP client logged in as ``who`` (the form, its CSRF token, the cookie)."""
        c = self.client()
        r = c.post("/login", data={"csrf": csrf_of(c.get("/login").text), "name": who[0],
                                   "password": who[1], "next": "/"})  # fmt: skip
        assert r.status_code == 303, r.text
        return c


def add_south(site: sample_site.Site) -> None:
    """A second site: the sample's video devices repeated at 30 addresses."""
    base = [h for h in sample_site.hosts() if h.key not in ("printer", "hostile")]
    scope = Scope.build([parse_target("10.40.0.0/24", resolve=False)]).to_dict()
    sid = repo.start_scan(site.inv, SOUTH, scope, sample_site.OPTIONS)
    for i in range(SOUTH_CAMERAS):
        h = copy.deepcopy(base[i % len(base)])
        if h.verdict.get("serial"):
            h.verdict["serial"] += f"-{i}"
        mac = f"02:40:00:00:00:{i:02x}"
        repo.record_host(site.inv, sid, f"10.40.0.{i + 2}", mac, [], Verdict.from_dict(h.verdict))
    repo.finish_scan(site.inv, sid, "complete", SOUTH_CAMERAS)


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.fail("chromium is not installed: run make deps")
    return found


def browser_login(pg: object, who: tuple[str, str], start: str = "/") -> None:
    from playwright.sync_api import Page

    assert isinstance(pg, Page)
    pg.goto(start)
    assert "/login" in pg.url
    pg.fill("input[name=name]", who[0])
    pg.fill("input[name=password]", who[1])
    pg.click("#login")
    pg.wait_for_load_state()
    assert "/login" not in pg.url, pg.content()[:1000]
