"""The rescore streamed in chunks and scoped to what changed: a real SQLite file of three
sites (bench/rescore.py's builder, every kind of an ordinary estate), and one PostgreSQL
database of this module's own.

* chunked (7 devices a transaction, so chunks cross site boundaries) gives the scores the
  whole-inventory computation gives (scored_now over every record);
* an import into one site rescored that site alone: the other sites' rows are untouched,
  byte for byte, and a full rescore afterwards changes nothing (and writes no row);
* a scan's rescore covers its own site and the sites of scans that ended while it ran.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bench.rescore import build_inventory
from camscan.app.ingest import ImportSource, ingest
from camscan.app.scores import TouchWatch, policies_in_force, rescore, rescore_changes, scored_now
from camscan.fingerprint.verdict import Verdict
from camscan.imports import ImportedHost
from camscan.inventory import models as m
from camscan.inventory import queries
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory, open_inventory
from camscan.scoring import load_vulns

TODAY = date(2026, 11, 25)
DEVICES = 60  # over three sites: 20 each, ids interleaved by site only at the boundaries
PG_DATABASE = "camscan_scoped_rescore_test"


def rows(inv: Inventory) -> dict[int, tuple[Any, ...]]:
    """Every device row as stored, every column."""
    with inv.engine.connect() as conn:
        return {r[0]: tuple(r) for r in conn.execute(sa.select(m.Device.__table__))}


def site_of(inv: Inventory) -> dict[int, str]:
    return {d.id: d.site for d in queries.list_devices(inv)}


def device_updates(inv: Inventory) -> list[str]:
    """A list that fills with every UPDATE of the device table run on ``inv`` from now."""
    seen: list[str] = []

    def spy(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE DEVICE"):
            seen.append(statement)

    event.listen(inv.engine, "before_cursor_execute", spy)
    return seen


def import_into(inv: Inventory, site: str, name: str) -> None:
    """Two hosts imported into ``site``: one new camera, one existing address re-identified."""
    new = Verdict(is_camera=True, device_type="camera", manufacturer="Dahua", brand="Lorex",
                  white_label=True, model="LNB4321B", firmware="2.620.0000000.3.R",
                  exposure={"telnet": True})  # fmt: skip
    moved = Verdict(is_camera=True, device_type="nvr", manufacturer="Hikvision",
                    brand="Hikvision", model="DS-7608NI-K2",
                    firmware="V4.30.085 build 210623")  # fmt: skip
    hosts = [
        ImportedHost(ip="10.250.0.9", verdict=new),
        ImportedHost(ip="10.100.0.2", verdict=moved),
    ]
    source = ImportSource(name=name, format="camscan-json", origin="import:camscan-json")
    report = ingest(inv, site=site, source=source, hosts=hosts)
    assert report.hosts == 2


@pytest.fixture
def inv(tmp_path: Path) -> Iterator[Inventory]:
    build_inventory(tmp_path / "inventory.db", DEVICES, sites=3)
    opened = open_inventory(str(tmp_path / "inventory.db"))
    yield opened
    opened.close()


def test_chunks_give_the_scores_of_the_whole_inventory(inv: Inventory) -> None:
    repo.set_tags(inv, site="Site 02", criticality="high")
    expected = {
        d.id: (d.score, d.band, d.score_factors)
        for d in scored_now(queries.list_devices(inv), policies_in_force(inv), load_vulns(),
                            today=TODAY)
    }  # fmt: skip
    assert rescore(inv, today=TODAY, chunk=7) == DEVICES
    got = {d.id: (d.score, d.band, d.score_factors) for d in queries.list_devices(inv)}
    assert got == expected
    assert {b for _, b, _ in got.values()} >= {"P1", "P2", "P3", "P4", "-"}
    # the site's criticality reached every device of it, across the chunks
    crit = {i: f for i, (_, _, fs) in got.items() for f in fs if f["factor"] == "criticality"}
    sites = site_of(inv)
    ranked = [i for i in crit if sites[i] == "Site 02"]
    assert ranked and all(crit[i]["points"] == 12 for i in ranked)


def test_the_moves_are_gathered_across_chunks(inv: Inventory) -> None:
    rescore(inv, today=TODAY)
    repo.set_tags(inv, site="Site 03", criticality="high")
    whole = rescore_changes(inv, today=TODAY, chunk=1000)
    repo.set_tags(inv, site="Site 03", clear=True)
    rescore(inv, today=TODAY)
    repo.set_tags(inv, site="Site 03", criticality="high")
    chunked = rescore_changes(inv, today=TODAY, chunk=3)
    assert whole.moves and chunked.moves == whole.moves
    assert chunked.bands == whole.bands and chunked.scored == DEVICES
    assert {mv["site"] for mv in whole.moves} == {"Site 03"}


def test_an_import_rescored_its_site_only(inv: Inventory) -> None:
    rescore(inv)  # today, as the import's own rescore scores
    before = rows(inv)
    sites = site_of(inv)
    import_into(inv, "Site 01", "one.jsonl")  # the ingest's own rescore: Site 01 only
    after = rows(inv)
    others = [i for i, s in sites.items() if s != "Site 01"]
    assert others and all(after[i] == before[i] for i in others)
    assert len(after) == len(before) + 1
    new = [i for i in after if i not in before]
    assert after[new[0]][m.Device.__table__.c.keys().index("band")] is not None
    # a full rescore (same day, same policy) now finds nothing to change, and writes nothing
    updates = device_updates(inv)
    scoped = rows(inv)
    assert rescore(inv) == len(scoped)
    assert rows(inv) == scoped and updates == []


def test_a_scoped_rescore_leaves_the_other_sites_alone(inv: Inventory) -> None:
    rescore(inv, today=TODAY)
    before = rows(inv)
    sites = site_of(inv)
    repo.set_tags(inv, site="Site 02", criticality="high")  # not rescored: another site
    updates = device_updates(inv)
    n = rescore(inv, today=date(2030, 1, 1), sites=["Site 01"], chunk=4)  # firmware older
    assert n == sum(1 for s in sites.values() if s == "Site 01")
    after = rows(inv)
    assert all(after[i] == before[i] for i, s in sites.items() if s != "Site 01")
    assert any(after[i] != before[i] for i, s in sites.items() if s == "Site 01")
    assert updates and rescore(inv, sites=[]) == 0


def test_a_scan_covers_the_sites_whose_scans_ended_meanwhile(inv: Inventory) -> None:
    done_before = repo.start_scan(inv, "Site 03", {"targets": []}, {})
    repo.finish_scan(inv, done_before, "complete", 0)
    running = repo.start_scan(inv, "Site 02", {"targets": []}, {})  # e.g. a killed sensor's
    watch = TouchWatch.start(inv)
    assert watch.sites(inv, "Sensor") == ["Sensor"]
    repo.finish_scan(inv, running, "incomplete", 0)  # its spool stored by this scan
    assert watch.sites(inv, "Sensor") == ["Sensor", "Site 02"]


@pytest.fixture
def pg_inventory(tmp_path: Path) -> Iterator[Inventory]:
    base = os.environ.get("CAMSCAN_TEST_PG_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("CAMSCAN_TEST_PG_URL is not set: run the suite with `make test`")
        pytest.skip("no PostgreSQL server: `make test` starts one (scripts/pg-test-server.sh)")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {PG_DATABASE}")
    url = make_url(base).set(database=PG_DATABASE).render_as_string(hide_password=False)
    inv = open_inventory(url)
    try:
        yield inv
    finally:
        inv.close()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        admin.dispose()


@pytest.mark.postgres
def test_postgresql_scoped_and_chunked(pg_inventory: Inventory, tmp_path: Path) -> None:
    """The same inventory copied into PostgreSQL: chunked scores equal SQLite's, and an
    import's rescore touches its own site only."""
    build_inventory(tmp_path / "ref.db", 30, sites=3)
    ref = open_inventory(str(tmp_path / "ref.db"))
    rescore(ref, today=TODAY)
    expected = {d.ip: (d.site, d.score, d.band, d.score_factors) for d in queries.list_devices(ref)}
    ref.close()
    build_inventory(pg_inventory.url, 30, sites=3)
    assert rescore(pg_inventory, today=TODAY, chunk=4) == 30
    got = {
        d.ip: (d.site, d.score, d.band, d.score_factors) for d in queries.list_devices(pg_inventory)
    }
    assert got == expected
    before = rows(pg_inventory)
    sites = site_of(pg_inventory)
    import_into(pg_inventory, "Site 02", "pg.jsonl")
    after = rows(pg_inventory)
    assert all(after[i] == before[i] for i, s in sites.items() if s != "Site 02")
    assert len(after) == 32  # both hosts are new to Site 02
