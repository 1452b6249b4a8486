"""The policy in force per site is stored in the inventory (migration 0003), on a real
SQLite file and on the real PostgreSQL server of the suite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from camscan.app.scores import policies_in_force, store_policy
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.db import (
    Inventory,
    head_revision,
    open_inventory,
    schema_revision,
    upgrade_to,
)
from camscan.scoring.policy import load_policy
from tests.inventory.conftest import pg_url

HOSPITAL = 'name = "hospital"\nversion = "2026-12"\n[bands]\nP1 = 30\nP2 = 20\nP3 = 10\n'


def _site(inv: Inventory, name: str) -> None:
    repo.finish_scan(inv, repo.start_scan(inv, name, {}, {}), "complete", 0)


def test_upgrade_from_0002_on_sqlite_keeps_sites(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    upgrade_to(str(path), "0002")
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO site (id, name, criticality, created_at) "
        "VALUES (1, 'Ward A', 'high', '2026-01-01')"
    )
    con.commit()
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "site_policy" not in tables
    con.close()
    inv = open_inventory(str(path))
    assert schema_revision(inv.engine) == head_revision()
    assert queries.site_names(inv) == ["Ward A"] and queries.site_policies(inv) == {}
    inv.close()


def test_upgrade_from_0002_on_postgresql() -> None:
    url = pg_url()
    assert url
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    upgrade_to(url, "0002")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO site (name, created_at) VALUES ('Ward A', now())")
        assert "site_policy" not in sa.inspect(conn).get_table_names()
    engine.dispose()
    inv = open_inventory(url)
    assert schema_revision(inv.engine) == head_revision()
    cols = {c["name"] for c in sa.inspect(inv.engine).get_columns("site_policy")}
    assert cols == {"site_id", "name", "version", "source", "sha256", "text", "set_at"}
    assert queries.site_names(inv) == ["Ward A"]
    inv.close()


def test_policy_stored_per_site_and_read_back(inv: Inventory, tmp_path: Path) -> None:
    _site(inv, "Ward A")
    _site(inv, "Ward B")
    f = tmp_path / "hospital.toml"
    f.write_text(HOSPITAL, encoding="utf-8")
    pol = load_policy(f)
    assert store_policy(inv, pol, "ward a") == 1  # the site's name, case ignored
    f.unlink()  # the stored text is what counts, not the file
    stored = queries.site_policies(inv)
    assert list(stored) == ["Ward A"]
    assert stored["Ward A"]["sha256"] == pol.sha256 and stored["Ward A"]["text"] == HOSPITAL
    in_force = policies_in_force(inv)
    assert in_force["Ward A"].name == "hospital" and in_force["Ward A"].bands["P1"] == 30
    assert in_force["Ward B"].source == "default"
    store_policy(inv, pol)  # every site, set again: one row per site
    assert sorted(queries.site_policies(inv)) == ["Ward A", "Ward B"]
    store_policy(inv, None, "Ward A")
    assert sorted(queries.site_policies(inv)) == ["Ward B"]
    with pytest.raises(Exception, match="no site 'Ward C'"):
        store_policy(inv, pol, "Ward C")
