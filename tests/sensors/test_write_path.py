"""The write path under several writers, in one process against a real PostgreSQL: the
reaping of scans by heartbeat, units moved between sites, and threads racing to create
one unit (the advisory identity locks)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from camscan.fingerprint.verdict import Verdict
from camscan.inventory import models as m
from camscan.inventory import repository as repo
from camscan.inventory.db import Inventory, open_inventory
from camscan.inventory.models_sensors import ScanSensor
from camscan.observations import Observation

pytestmark = pytest.mark.postgres

SCOPE = {"cidrs": ["10.9.0.0/24"], "targets": ["10.9.0.0/24"]}


@pytest.fixture
def inv(database: str) -> Iterator[Inventory]:
    inventory = open_inventory(database)
    yield inventory
    inventory.close()


def _sensor(inv: Inventory, scan_id: int, **values: object) -> None:
    with inv.session() as s:
        row = s.get(ScanSensor, scan_id)
        assert row is not None
        for k, v in values.items():
            setattr(row, k, v)


def _status(inv: Inventory, scan_id: int) -> str:
    with inv.session() as s:
        scan = s.get(m.Scan, scan_id)
        assert scan is not None
        return scan.status


def test_reaped_by_a_stale_heartbeat_whatever_the_machine(inv: Inventory) -> None:
    other = repo.start_scan(inv, "A", SCOPE, {})
    _sensor(inv, other, host="sensor-b.example", pid=1)  # another machine's, alive
    dead = repo.start_scan(inv, "A", SCOPE, {})
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    _sensor(inv, dead, pid=int(proc.stdout))  # this machine's, its process gone
    mine = repo.start_scan(inv, "A", SCOPE, {})  # this process: alive

    assert repo.reap_interrupted(inv) == 1
    assert [_status(inv, i) for i in (other, dead, mine)] == ["running", "incomplete", "running"]
    # The other machine's sensor stops beating: after STALE_AFTER its scan is reaped.
    stale = m.utcnow() - repo.STALE_AFTER - timedelta(seconds=1)
    _sensor(inv, other, heartbeat_at=stale)
    assert repo.reap_interrupted(inv) == 1
    assert _status(inv, other) == "incomplete"
    # This machine's sensor is judged by its process, alive here, whatever its heartbeat.
    _sensor(inv, mine, heartbeat_at=stale)
    assert repo.reap_interrupted(inv) == 0 and _status(inv, mine) == "running"
    # A remote sensor that beats again is fresh.
    far = repo.start_scan(inv, "A", SCOPE, {})
    _sensor(inv, far, host="sensor-c.example", pid=1, heartbeat_at=stale)
    repo.heartbeat(inv, far)
    assert repo.reap_interrupted(inv) == 0 and _status(inv, far) == "running"


def _host(
    ip: str, mac: str | None, serial: str | None = None
) -> tuple[str, str | None, list[Observation], Verdict]:
    v = Verdict(is_camera=True, device_type="camera", manufacturer="Hikvision", serial=serial)
    return ip, mac, [Observation(probe="tcp", ip=ip, port=80, meta={"open": True})], v


def test_a_unit_moved_between_sites_keeps_its_identity(inv: Inventory) -> None:
    a = repo.start_scan(inv, "A", SCOPE, {})
    (dev,) = repo.record_hosts(inv, a, [_host("10.9.0.5", "44:19:b6:00:00:05")])
    (same_ip,) = repo.record_hosts(inv, a, [_host("10.9.0.6", None, "DS-2CD2042WD-I2016AAWR1")])
    b = repo.start_scan(inv, "B", SCOPE, {})
    # At site B: the same MAC at another address, the same serial, and an IP A also has.
    ids = repo.record_hosts(
        inv,
        b,
        [
            _host("10.9.0.77", "44:19:b6:00:00:05"),
            _host("10.9.0.78", None, "DS-2CD2042WD-I2016AAWR1"),
            _host("10.9.0.5", None),
        ],
    )
    assert ids[:2] == [dev, same_ip]
    assert ids[2] not in (dev, same_ip)  # an IP says nothing across sites
    with inv.session() as s:
        moved = s.get(m.Device, dev)
        assert moved is not None and moved.site.name == "B" and moved.ip == "10.9.0.77"
        changes = s.scalars(
            select(m.Change.old_value, m.Change.new_value).where(m.Change.field == "site")
        ).all()
        assert len(changes) == 2
        assert (
            s.scalar(
                select(m.Change.new_value).where(
                    m.Change.device_id == dev, m.Change.field == "site"
                )
            )
            == "B"
        )


def test_racing_writers_create_one_unit(inv: Inventory) -> None:
    """Eight threads, each its own scan of one site, store the same eight new units at the
    same moment: one device each, every scan sighting all eight."""
    scans = [repo.start_scan(inv, "race", SCOPE, {}) for _ in range(8)]
    hosts = [_host(f"10.9.0.{i}", f"44:19:b6:00:01:{i:02x}") for i in range(10, 18)]
    hosts += [_host(f"10.9.0.{i}", None) for i in range(20, 28)]  # IP-only units too
    gate = threading.Barrier(len(scans))
    errors: list[BaseException] = []

    def write(scan_id: int) -> None:
        try:
            gate.wait()
            repo.record_hosts(inv, scan_id, hosts)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=write, args=(i,)) for i in scans]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with inv.session() as s:
        assert s.scalar(select(m.Device.id).where(m.Device.ip == "10.9.0.10")) is not None
        devices = s.scalars(select(m.Device.ip)).all()
        assert sorted(devices) == sorted(h[0] for h in hosts)
        for scan_id in scans:
            n = s.scalars(select(m.Sighting.id).where(m.Sighting.scan_id == scan_id)).all()
            assert len(n) == len(hosts)
    assert inv.conflicts >= 1  # the lock was waited for: the race did happen
