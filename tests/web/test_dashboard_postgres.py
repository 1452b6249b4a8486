"""The dashboard over a PostgreSQL inventory (the server `make test` starts): a database of
its own, the sample site stored through the repository, the dashboard's role made with the
SQL of docs/dashboard.md as written, and `camscan serve --db postgresql://` run as that
role; login, the device table, a device page, tagging and the CSV."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sample_site
import sqlalchemy as sa
from dashboard_helpers import EDITOR
from sqlalchemy.engine import make_url

from bench.dashboard import csrf_of, start_server, stop_server
from camscan.app.scores import rescore
from camscan.inventory import queries
from camscan.inventory.db import Inventory, open_inventory
from camscan.web import accounts

pytestmark = pytest.mark.postgres
DATABASE = "camscan_web_test"
ROLE = "camscan_dashboard"
DOC = Path(__file__).resolve().parents[2] / "docs" / "dashboard.md"


def documented_grants() -> list[str]:
    """The statements of the page's SQL block, for this test's database."""
    text = DOC.read_text(encoding="utf-8")
    block = text.split("```sql\n", 1)[1].split("```", 1)[0]
    sql = block.replace("DATABASE camscan ", f"DATABASE {DATABASE} ")
    return [st.strip() for st in sql.split(";") if st.strip()]


def drop_role(admin: sa.Engine) -> None:
    with admin.connect() as conn:
        if conn.exec_driver_sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}'").first():
            conn.exec_driver_sql(f"DROP ROLE {ROLE}")


@pytest.fixture(scope="module")
def pg_inventory() -> Iterator[tuple[str, Inventory]]:
    base = os.environ.get("CAMSCAN_TEST_PG_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("CAMSCAN_TEST_PG_URL is not set: run the suite with `make test`")
        pytest.skip("no PostgreSQL server: `make test` starts one (scripts/pg-test-server.sh)")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    drop_role(admin)  # left by a crashed run (its grants went with the database)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {DATABASE}")
    url = make_url(base).set(database=DATABASE).render_as_string(hide_password=False)
    inv = open_inventory(url)
    sample_site.record(inv, sample_site.hosts())
    sample_site.record(inv, sample_site.second_scan_hosts())
    rescore(inv, today=sample_site.TODAY)
    accounts.add_account(inv, EDITOR[0], "editor", EDITOR[1])
    with inv.engine.begin() as conn:  # as the owner, the page's SQL
        for statement in documented_grants():
            conn.exec_driver_sql(statement)
    try:
        yield make_url(url).set(username=ROLE, password=None).render_as_string(False), inv
    finally:
        inv.close()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        drop_role(admin)
        admin.dispose()


def test_dashboard_over_postgresql_as_its_own_role(pg_inventory: tuple[str, Inventory]) -> None:
    import httpx

    url, inv = pg_inventory
    assert make_url(url).username == ROLE
    proc, base = start_server(url)
    try:
        c = httpx.Client(base_url=base, timeout=60)
        assert c.get("/devices").status_code == 303
        r = c.post("/login", data={"csrf": csrf_of(c.get("/login").text), "name": EDITOR[0],
                                   "password": EDITOR[1], "next": "/devices"})  # fmt: skip
        assert r.status_code == 303
        devices = queries.list_devices(inv)
        listing = c.get("/devices", params={"band": "P1"}).text
        p1 = [d for d in devices if d.band == "P1"]
        assert f"{len(p1)} device" in listing and all(f'/devices/{d.id}"' in listing for d in p1)
        hostile = next(d for d in devices if d.model == sample_site.HOSTILE_MODEL)
        page = c.get(f"/devices/{hostile.id}").text
        assert "&lt;script&gt;document.title=" in page and "<script>" not in page
        token = csrf_of(page)
        r = c.post(f"/devices/{hostile.id}/tags", data={"csrf": token, "zone": "Gate"})
        assert r.status_code == 303
        assert queries.device_detail(inv, str(hostile.id)).device.zone == "Gate"
        table = list(csv.DictReader(io.StringIO(c.get("/download/devices.csv").text)))
        assert {int(row["id"]) for row in table} == {d.id for d in devices}
        with inv.engine.connect() as conn:  # the role cannot change what it was not given
            conn.exec_driver_sql(f"SET ROLE {ROLE}")
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                conn.exec_driver_sql("UPDATE device SET model = 'x'")
            conn.rollback()
    finally:
        stop_server(proc)
