from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from camscan.inventory.db import Inventory, open_inventory


def pg_url() -> str | None:
    url = os.environ.get("CAMSCAN_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CAMSCAN_TEST_PG_URL is not set: run the suite with `make test`")
        pytest.skip("no PostgreSQL server: `make test` starts one (scripts/pg-test-server.sh)")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def inv(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Inventory]:
    """A fresh inventory: a real SQLite file, and the same tests on a real PostgreSQL."""
    if request.param == "sqlite":
        inventory = open_inventory(str(tmp_path / "inv.db"))
    else:
        url = pg_url()
        assert url
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
        inventory = open_inventory(url)
    yield inventory
    inventory.close()
