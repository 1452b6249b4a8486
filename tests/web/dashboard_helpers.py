"""Helpers of the dashboard tests: the inventory they serve (the sample site, plus a second
site of 30 cameras so the device table has pages), `camscan serve` as a real process on a
free loopback port, logins by HTTP and by browser."""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass, field
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


COOKIE = "camscan_session"


@dataclass
class Dashboard:
    url: str
    db: Path
    site: sample_site.Site
    sessions: dict[str, str] = field(default_factory=dict)  # account -> session cookie

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=60)

    def login(self, who: tuple[str, str] = VIEWER, *, reuse: bool = True) -> httpx.Client:
        """An HTTP client logged in as ``who`` through the form (its CSRF token, the
        cookie); with ``reuse`` the session of an earlier login of ``who`` (a login is
        0.4 s of scrypt: the tests that test logging in log in themselves)."""
        c = self.client()
        if reuse and who[0] in self.sessions:
            c.cookies.set(COOKIE, self.sessions[who[0]])
            return c
        r = c.post("/login", data={"csrf": csrf_of(c.get("/login").text), "name": who[0],
                                   "password": who[1], "next": "/"})  # fmt: skip
        assert r.status_code == 303, r.text
        self.sessions[who[0]] = str(c.cookies[COOKIE])
        return c

    def enter(self, pg: object, who: tuple[str, str], start: str = "/") -> None:
        """The browser page ``pg`` logged in as ``who`` (the session of :meth:`login`),
        at ``start``."""
        from playwright.sync_api import Page

        assert isinstance(pg, Page)
        self.login(who).close()
        pg.context.add_cookies([{"name": COOKIE, "value": self.sessions[who[0]], "url": self.url}])
        pg.goto(start)
        assert "/login" not in pg.url, pg.content()[:1000]


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
