"""The schema is created and upgraded only through migrations, on real SQLite files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

import camscan.inventory.models_accounts
import camscan.inventory.models_imports
import camscan.inventory.models_sensors  # noqa: F401  (its tables are checked too)
from camscan.errors import DatabaseError
from camscan.inventory.db import head_revision, open_inventory, schema_revision, upgrade_to
from camscan.inventory.models import Base


def test_empty_file_reaches_head(tmp_path: Path) -> None:
    inv = open_inventory(str(tmp_path / "new.db"))
    assert schema_revision(inv.engine) == head_revision()
    insp = inspect(inv.engine)
    for table in Base.metadata.tables.values():
        have = {c["name"] for c in insp.get_columns(table.name)}
        assert have == set(table.columns.keys()), table.name
    mode = inv.engine.connect().exec_driver_sql("PRAGMA journal_mode").scalar()
    assert mode == "wal"


def test_upgrade_from_first_revision_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    upgrade_to(str(path), "0001")
    con = sqlite3.connect(path)
    con.execute("INSERT INTO site (id, name, created_at) VALUES (1, 'old school', '2024-01-01')")
    con.execute(
        "INSERT INTO device (id, site_id, ip, mac, is_camera, device_type, white_label, "
        "confidence, first_seen, last_seen, verdict) VALUES (7, 1, '10.0.0.9', "
        "'44:19:b6:00:00:09', 1, 'camera', 0, 0.8, '2024-01-01', '2024-01-02', '{}')"
    )
    con.commit()
    cols = {r[1] for r in con.execute("PRAGMA table_info(device)")}
    assert "score" not in cols and "zone" not in cols
    con.close()

    inv = open_inventory(str(path))
    assert schema_revision(inv.engine) == head_revision()
    from camscan.inventory import queries

    rows = queries.list_devices(inv)
    assert [(r.id, r.ip, r.site, r.score, r.score_factors) for r in rows] == [
        (7, "10.0.0.9", "old school", None, [])
    ]


def test_newer_schema_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_inventory(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer camscan"):
        open_inventory(str(path))
    assert path.read_bytes() == before


def test_corrupt_and_foreign_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 500)
    before = junk.read_bytes()
    with pytest.raises(DatabaseError, match="not a readable camscan inventory"):
        open_inventory(str(junk))
    assert junk.read_bytes() == before
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="not a camscan inventory"):
        open_inventory(str(other))


def test_locked_database(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    open_inventory(str(path)).close()
    # another process holds an exclusive lock for longer than the busy timeout
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys,time\n"
            f"c=sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\ntime.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        inv = open_inventory(str(path))
        from camscan.inventory import repository as repo

        with pytest.raises(DatabaseError, match="locked"):
            repo.start_scan(inv, "s", {}, {})
    finally:
        holder.kill()
        holder.wait()
