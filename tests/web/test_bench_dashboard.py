"""bench/dashboard.py at toy size (the figures of `make bench` come from 5,000 devices and
50 clients): the inventory it builds, a real server, logged-in clients, counted answers."""

from __future__ import annotations

from pathlib import Path

from bench.dashboard import SITES, build_inventory, run
from camscan.inventory import queries
from camscan.inventory.db import open_inventory
from camscan.web import accounts


def test_the_inventory_it_builds(tmp_path: Path) -> None:
    build_inventory(tmp_path / "inv.db", 50)
    inv = open_inventory(str(tmp_path / "inv.db"))
    devices = queries.list_devices(inv)
    assert len(devices) == 50 and len({d.site for d in devices}) == SITES
    assert all(d.band for d in devices)  # scored, as a scan leaves them
    assert any(d.white_label for d in devices) and len({d.ip for d in devices}) == 50
    assert [a.name for a in accounts.list_accounts(inv)] == ["bench"]
    inv.close()


def test_a_short_load(tmp_path: Path) -> None:
    result = run(devices=30, clients=3, seconds=0.5, max_requests=30, workdir=tmp_path)
    assert result.errors == 0 and 0 < result.requests <= 30
    assert 0 < result.p50_ms <= result.p95_ms <= result.max_ms
    assert result.page_bytes > 1000  # the device table, not the login page
    assert "requests in" in result.line()
