"""The dashboard in a real headless Chromium against `camscan serve` on loopback: login,
filters and pages, a device page, the plan with a budget, downloads, hostile device text,
and the refusals (no session, no CSRF token, a viewer tagging)."""

from __future__ import annotations

import csv
import io
import ipaddress
import subprocess
from typing import Any

import pytest
import sample_site
from dashboard_helpers import (
    EDITOR,
    SOUTH,
    SOUTH_CAMERAS,
    VIEWER,
    Dashboard,
)
from openpyxl import load_workbook
from playwright.sync_api import Page

from bench.dashboard import csrf_of, start_server, stop_server
from camscan.inventory import queries
from camscan.inventory.records import DeviceRecord
from camscan.scoring.plan import build_plan, load_costs


def rows(page: Page) -> list[dict[str, str]]:
    """The device table as text, one dict per row (header names as keys)."""
    heads = [h.strip(" \u25b2\u25bc") for h in page.locator("#devices thead th").all_inner_texts()]
    out = []
    for tr in page.locator("#devices tbody tr[data-id]").all():
        cells = tr.locator("td").all_inner_texts()
        out.append(dict(zip(heads, cells, strict=True)) | {"id": tr.get_attribute("data-id") or ""})
    return out


def db_devices(dash: Dashboard) -> list[DeviceRecord]:
    return queries.list_devices(dash.site.inv)


def detail(dash: Dashboard, device: int) -> dict[str, Any]:
    return queries.device_detail(dash.site.inv, str(device)).as_dict()


# --- no session ------------------------------------------------------------------------


def test_without_a_session_pages_redirect_and_data_is_401(dashboard: Dashboard) -> None:
    c = dashboard.client()
    for path in ("/", "/devices?band=P1", "/devices/1", "/plan", "/changes", "/downloads"):
        r = c.get(path)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login?next=%2F"), path
    for path in ("/download/devices.csv", "/download/devices.xlsx", "/download/report.pdf",
                 "/api/devices"):  # fmt: skip
        r = c.get(path)
        assert r.status_code == 401, path
        assert "North school" not in r.text and "Hikvision" not in r.text
    r = c.post("/devices/1/tags", data={"zone": "x"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert c.get("/healthz").text == "ok"


def test_security_headers(dashboard: Dashboard) -> None:
    c = dashboard.login()
    for path in ("/login", "/devices", "/download/devices.csv"):
        h = dashboard.client().get(path).headers if path == "/login" else c.get(path).headers
        csp = h["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert "script-src" not in csp and "default-src 'none'" in csp  # no script at all
        assert h["x-frame-options"] == "DENY"
        assert h["x-content-type-options"] == "nosniff"
        assert h["cache-control"] == "no-store"
    # loopback only: a Host header naming another machine (DNS rebinding) is refused
    assert c.get("/healthz", headers={"host": "attacker.example"}).status_code == 400


def test_behind_a_tls_reverse_proxy(dashboard: Dashboard, tmp_path: Any) -> None:
    """What docs/dashboard.md sets up: the proxy forwards Host and X-Forwarded-Proto from
    loopback; the cookie is Secure and __Host- prefixed; a POST from the public origin
    goes through, and another Host is still refused.  (This server has unit costs of its
    own, which the sites page then uses.)"""
    import httpx

    costs = tmp_path / "costs.toml"
    costs.write_text('currency = "EUR"\n[classes]\ncamera = 900\n')
    proc, url = start_server(
        dashboard.db, "--secure-cookies", "--allowed-host", "cameras.example.org",
        "--costs", str(costs),
    )  # fmt: skip
    try:
        proxied = {"host": "cameras.example.org", "x-forwarded-proto": "https",
                   "x-forwarded-for": "192.0.2.7"}  # fmt: skip
        with httpx.Client(base_url=url, timeout=60) as c:
            r = c.get("/login", headers=proxied)
            assert r.status_code == 200
            assert r.headers["strict-transport-security"].startswith("max-age=")
            cookie = r.headers["set-cookie"]
            assert cookie.startswith("__Host-camscan=") and "secure" in cookie.lower()
            session = cookie.split(";", 1)[0]
            form = {"csrf": csrf_of(r.text), "name": VIEWER[0], "password": VIEWER[1]}
            r = c.post("/login", data=form, headers=proxied | {
                "cookie": session, "origin": "https://cameras.example.org"})  # fmt: skip
            assert r.status_code == 303, r.text
            session = r.headers["set-cookie"].split(";", 1)[0]  # the logged-in session
            sites = c.get("/", headers=proxied | {"cookie": session}).text
            assert "EUR " in sites and "GBP " not in sites
            assert c.get("/healthz", headers={"host": "elsewhere.example"}).status_code == 400
    finally:
        stop_server(proc)


# --- login -----------------------------------------------------------------------------


def test_login_cookie_and_logout(page: Page, dashboard: Dashboard) -> None:
    page.goto("/devices?band=P1")
    assert "/login" in page.url
    page.fill("input[name=name]", VIEWER[0])
    page.fill("input[name=password]", "not the password at all")
    with page.expect_response(lambda r: r.url.endswith("/login")) as resp:
        page.click("#login")
    assert resp.value.status == 401
    assert page.inner_text("#error") == "Wrong name or password."
    page.fill("input[name=name]", VIEWER[0])
    page.fill("input[name=password]", VIEWER[1])
    page.click("#login")
    page.wait_for_url("**/devices?band=P1")  # back where the login began
    assert page.inner_text("#who") == "vic (viewer)"
    (cookie,) = page.context.cookies()
    assert cookie["name"] == "camscan_session"
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert cookie["secure"] is False  # plain http on loopback; --secure-cookies sets it
    page.click("text=Log out")
    page.wait_for_url("**/login")
    page.goto("/devices")
    assert "/login" in page.url


def test_login_rate_limited_per_account(dashboard: Dashboard) -> None:
    from camscan.web import accounts

    name, password = "rita", "rita's own long passphrase"
    accounts.add_account(dashboard.site.inv, name, "viewer", password)
    c = dashboard.client()
    for _ in range(5):
        token = csrf_of(c.get("/login").text)
        r = c.post("/login", data={"csrf": token, "name": name, "password": "wrong guess"})
        assert r.status_code == 401
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"csrf": token, "name": name, "password": password})
    assert r.status_code == 429 and "Too many failed logins" in r.text
    # another account from the same address is not locked out by rita's failures
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"csrf": token, "name": EDITOR[0], "password": EDITOR[1]})
    assert r.status_code == 303


def test_session_ends_when_the_password_changes(dashboard: Dashboard) -> None:
    from camscan.web import accounts

    name, password = "pat", "pat's first long passphrase"
    accounts.add_account(dashboard.site.inv, name, "viewer", password)
    c = dashboard.login((name, password), reuse=False)
    assert c.get("/devices").status_code == 200
    accounts.set_password(dashboard.site.inv, name, "pat's second long passphrase")
    assert c.get("/devices").status_code == 303
    accounts.remove_account(dashboard.site.inv, name)


# --- pages -----------------------------------------------------------------------------


def test_sites_overview(page: Page, dashboard: Dashboard) -> None:
    dashboard.enter(page, VIEWER)
    sites = page.locator("section.site")
    assert sites.count() == 2
    north = sites.filter(has_text="North school")
    devices = [d for d in db_devices(dashboard) if d.site == "North school"]
    ranked = [d for d in devices if d.band in ("P1", "P2", "P3", "P4")]
    assert north.locator(".cameras").inner_text() == str(len(ranked))
    assert north.locator(".white").inner_text() == str(sum(d.white_label for d in ranked))
    costs = load_costs()
    needed = build_plan(ranked, float("inf"), costs).needed
    assert north.locator(".cost").inner_text() == f"{costs.currency} {needed:,.0f}"
    for band in ("P1", "P2", "P3", "P4"):
        cell = north.locator(f"td.band-{band}").inner_text()
        assert cell == str(sum(d.band == band for d in ranked))
    assert "Annke \u2192 Hikvision" in north.inner_text()
    assert "<b>Brand</b> \u2192 Dahua" in north.inner_text()  # a hostile brand, as text
    assert sites.filter(has_text=SOUTH).locator(".cameras").inner_text() == str(SOUTH_CAMERAS)


def test_filters_sorting_and_pages(page: Page, dashboard: Dashboard) -> None:
    dashboard.enter(page, VIEWER, "/devices?per_page=25")
    everything = db_devices(dashboard)
    assert page.inner_text("#count") == f"{len(everything)} devices, page 1 of 2."
    first = rows(page)
    page.click("#next")
    second = rows(page)
    assert len(first) == 25 and len(second) == len(everything) - 25
    assert {r["id"] for r in first + second} == {str(d.id) for d in everything}

    page.goto("/devices")
    page.select_option("select[name=site]", "North school")
    page.select_option("select[name=band]", "P1")
    page.click("#apply")
    want = {str(d.id) for d in everything if d.site == "North school" and d.band == "P1"}
    got = rows(page)
    assert {r["id"] for r in got} == want and all(r["band"] == "P1" for r in got)
    scores = [float(r["score"]) for r in got]
    assert scores == sorted(scores, reverse=True)  # priority order: highest score first

    page.goto("/devices")
    page.select_option("select[name=maker]", "Dahua")
    page.select_option("select[name=white_label]", "yes")
    page.click("#apply")
    want = {str(d.id) for d in everything if d.manufacturer == "Dahua" and d.white_label}
    assert {r["id"] for r in rows(page)} == want and len(want) >= 2

    page.goto("/devices?type=nvr")
    assert {r["type"] for r in rows(page)} == {"nvr"}
    page.goto("/devices?seen=over30d")  # every device was seen today
    assert rows(page) == [] and page.inner_text("#count") == "0 devices."
    page.goto("/devices?seen=1d&q=10.20.0.1")
    assert {r["IP"] for r in rows(page)} == {
        d.ip for d in everything if (d.ip or "").startswith("10.20.0.1")
    }

    page.goto("/devices?site=South+college&per_page=100")
    page.click("#devices thead >> text=IP")  # sort by address: numeric, not as text
    ips = [r["IP"] for r in rows(page)]
    assert ips == sorted(ips, key=ipaddress.ip_address) and len(ips) == SOUTH_CAMERAS
    page.click("#devices thead >> text=IP")
    assert [r["IP"] for r in rows(page)] == ips[::-1]
    page.click("#devices thead >> text=made by")
    makers = [r["made by"].replace(" white label", "") for r in rows(page)]
    assert makers == sorted(makers)


def test_device_page_evidence_history_and_hostile_text(page: Page, dashboard: Dashboard) -> None:
    dashboard.enter(page, VIEWER)
    hostile = dashboard.site.ids["hostile"]
    page.goto(f"/devices/{hostile}")
    assert page.inner_text("#model") == sample_site.HOSTILE_MODEL
    assert page.inner_text("#firmware") == "<svg onload=alert(2)>"
    assert page.inner_text("#brand") == "<b>Brand</b>"
    assert "Server: <script>alert(3)</script>" in page.inner_text("#services")
    assert sample_site.HOSTILE_MODEL in page.inner_text("#evidence")
    # nothing the device sent became markup: no script, image or svg element, no dialog
    assert page.locator("main script, main img, main svg, main b").count() == 0
    assert page.title() == f"Device {hostile} - camscan dashboard"
    page.goto("/devices?q=10.20.0.66")
    assert rows(page)[0]["model"] == sample_site.HOSTILE_MODEL
    assert page.locator("main script, main img, main svg").count() == 0
    assert page.dialogs == []  # type: ignore[attr-defined]

    annke = dashboard.site.ids["annke"]
    page.goto(f"/devices/{annke}")
    history = page.inner_text("#history")
    assert "10.20.0.12" in history and "10.20.0.112" in history  # it moved
    assert "isapi.manufacturer" in page.inner_text("#evidence")
    assert '"ip": "10.20.0.112"' in page.text_content("#evidence-document")
    assert page.locator("#tag-form").count() == 0  # a viewer gets no tagging form
    page.goto("/devices/99999")
    assert page.inner_text("#error") == "No device 99999."


def test_plan_with_a_budget(page: Page, dashboard: Dashboard) -> None:
    dashboard.enter(page, VIEWER, "/plan")
    assert "phase" in page.inner_text("#totals")
    page.fill("input[name=budget]", "5k")
    page.click("#plan-apply")
    page.wait_for_url("**/plan?budget=5k*")
    phases = page.locator("section.phase")
    ranked = [d for d in db_devices(dashboard) if d.band in ("P1", "P2", "P3", "P4")]
    want = build_plan(ranked, 5000.0, load_costs())
    assert phases.count() == len(want.phases) > 1
    for ph, expected in zip(phases.all(), want.phases, strict=True):
        assert (
            ph.locator("h2")
            .inner_text()
            .startswith(f"Phase {expected.number}: {want.costs.money(expected.total)}")
        )
        assert ph.locator("tr").count() - 1 == len(expected.items)
    assert page.inner_text("#totals") == want.totals_line() + "."
    page.fill("input[name=budget]", "a lot")
    page.click("#plan-apply")
    assert "is not an amount" in page.inner_text("#error")


def test_changes_between_scans(page: Page, dashboard: Dashboard) -> None:
    dashboard.enter(page, VIEWER, "/changes?site=North+school")
    first, second = dashboard.site.scans
    summary = page.inner_text("#summary")
    assert summary.startswith(f"Scan #{first} \u2192 scan #{second}: 1 new, 1 missing, 1 moved")
    table = page.inner_text("#changes")
    assert "10.20.0.12 \u2192 10.20.0.112" in table
    assert "2.800.00AC000.0.R.200101 \u2192 2.800.00AC000.0.R.210615" in table


# --- downloads -------------------------------------------------------------------------


def test_downloads(page: Page, dashboard: Dashboard, tmp_path: Any) -> None:
    dashboard.enter(page, VIEWER, "/downloads")
    every = db_devices(dashboard)
    with page.expect_download() as dl:
        page.click("#csv")
    path = tmp_path / "devices.csv"
    dl.value.save_as(path)
    table = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert {int(r["id"]) for r in table} == {d.id for d in every}
    assert sample_site.HOSTILE_MODEL in {r["model"] for r in table}

    req = page.context.request
    r = req.get("/download/devices.csv?site=South+college&cameras=1")
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in r.headers["content-disposition"]
    assert len(list(csv.DictReader(io.StringIO(r.text())))) == SOUTH_CAMERAS

    r = req.get("/download/devices.xlsx")
    assert r.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    wb = load_workbook(io.BytesIO(r.body()))
    assert {"Devices", "Score factors", "Plan"} <= set(wb.sheetnames)
    assert wb["Devices"].max_row == len(every) + 1

    r = req.get("/download/report.pdf?site=North+school&budget=5000", timeout=180_000)
    assert r.status == 200 and r.headers["content-type"] == "application/pdf"
    body = r.body()
    assert body.startswith(b"%PDF-")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(body)
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout  # fmt: skip
    assert "North school" in text
    assert req.get("/download/nothing.txt").status == 404


# --- changing things: the editor role and the CSRF token --------------------------------


def test_editor_tags_a_device(page: Page, dashboard: Dashboard) -> None:
    device = dashboard.site.ids["ptz"]
    dashboard.enter(page, EDITOR, f"/devices/{device}")
    before = detail(dashboard, device)
    page.fill("#tag-form input[name=zone]", "Server room <main>")
    page.select_option("#tag-form select[name=criticality]", "high")
    page.click("#save-tags")
    page.wait_for_url(f"**/devices/{device}?tagged=1")
    assert page.inner_text("#zone") == "Server room <main>"
    after = detail(dashboard, device)
    assert (after["zone"], after["criticality"]) == ("Server room <main>", "high")
    crit = {f["factor"]: f["points"] for f in after["score_factors"]}["criticality"]
    assert crit > {f["factor"]: f["points"] for f in before["score_factors"]}["criticality"]
    page.check("#tag-form input[name=clear]")
    page.click("#save-tags")
    page.wait_for_url(f"**/devices/{device}?tagged=1")
    cleared = detail(dashboard, device)
    points = {f["factor"]: f["points"] for f in cleared["score_factors"]}
    assert cleared["zone"] is None and cleared["criticality"] is None
    assert (
        points["criticality"]
        == {f["factor"]: f["points"] for f in before["score_factors"]}["criticality"]
    )


def test_a_form_post_without_its_token_is_refused(dashboard: Dashboard) -> None:
    device = dashboard.site.ids["axis"]
    c = dashboard.login(EDITOR)
    token = csrf_of(c.get(f"/devices/{device}").text)
    for form in ({"zone": "Car park"}, {"zone": "Car park", "csrf": "forged"}):
        assert c.post(f"/devices/{device}/tags", data=form).status_code == 403
    r = c.post(f"/devices/{device}/tags", data={"zone": "Car park", "csrf": token},
               headers={"origin": "http://attacker.example"})  # fmt: skip
    assert r.status_code == 403
    assert detail(dashboard, device)["zone"] is None
    # the login form is protected too
    fresh = dashboard.client()
    r = fresh.post("/login", data={"name": EDITOR[0], "password": EDITOR[1]})
    assert r.status_code == 403
    assert fresh.get("/devices").status_code == 303  # not logged in
    crowded = {f"f{i}": "x" for i in range(30)} | {"csrf": token}
    assert c.post(f"/devices/{device}/tags", data=crowded).status_code == 400
    big = {"csrf": token, "zone": "x" * 20_000}
    assert c.post(f"/devices/{device}/tags", data=big).status_code == 413
    # the same post with the token goes through
    r = c.post(f"/devices/{device}/tags", data={"zone": "Car park", "csrf": token})
    assert r.status_code == 303
    assert detail(dashboard, device)["zone"] == "Car park"


def test_a_viewer_cannot_tag(page: Page, dashboard: Dashboard) -> None:
    device = dashboard.site.ids["dahua_nvr"]
    dashboard.enter(page, VIEWER, f"/devices/{device}")
    token = page.get_attribute("form.logout input[name=csrf]", "value")
    r = page.context.request.post(
        f"/devices/{device}/tags", form={"csrf": token or "", "zone": "Lobby"}
    )
    assert r.status == 403 and "editor role" in r.text()
    assert detail(dashboard, device)["zone"] is None


@pytest.mark.parametrize("who", [VIEWER, EDITOR])
def test_api_lists_a_page_of_devices(dashboard: Dashboard, who: tuple[str, str]) -> None:
    r = dashboard.login(who).get("/api/devices", params={"band": "P1", "per_page": "25"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    p1 = [d for d in db_devices(dashboard) if d.band == "P1"]
    assert body["total"] == len(p1) and {d["id"] for d in body["devices"]} <= {d.id for d in p1}
