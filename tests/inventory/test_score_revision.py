"""A score is written only over the device state it was computed from.

Two sensors share one PostgreSQL inventory.  Sensor A's rescore reads a chunk of devices;
before it writes, sensor B stores a new verdict for one of them and rescores it.  A's score,
computed from the old verdict, must not overwrite B's (it did: the interleaved score write
noticed at issue 14).  The interleaving is made exact: B runs inside A's score function, on
its own connection, between A's read and A's write.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from camscan.inventory import models as m
from camscan.inventory.db import Inventory, open_inventory
from camscan.inventory.records import DeviceRecord
from camscan.inventory.repository import store_scores


def by_maker(r: DeviceRecord) -> tuple[float, str, list[Any]]:
    """A score that is a function of the verdict: Hikvision 90, anything else 10."""
    return (90.0, "P1", []) if r.manufacturer == "Hikvision" else (10.0, "P4", [])


def _device(inv: Inventory) -> int:
    def work(s: Any) -> int:
        site = m.Site(name="hospital")
        dev = m.Device(site=site, ip="10.0.0.64", is_camera=True, device_type="camera")
        dev.manufacturer = "Axis"
        s.add(dev)
        s.flush()
        return dev.id

    return inv.transact(work)


def _stored(inv: Inventory, dev_id: int) -> tuple[float | None, str | None, int]:
    with inv.session() as s:
        d = s.get(m.Device, dev_id)
        assert d is not None
        return d.score, d.band, d.revision


def test_revision_moves_with_the_verdict_not_with_the_score(inv: Inventory) -> None:
    dev_id = _device(inv)
    assert _stored(inv, dev_id)[2] == 0
    store_scores(inv, by_maker)
    assert _stored(inv, dev_id) == (10.0, "P4", 0)  # a score write is not a new revision
    with inv.session() as s:
        d = s.get(m.Device, dev_id)
        assert d is not None
        d.firmware = "V5.7.3"
    with inv.session() as s:
        d = s.get(m.Device, dev_id)
        assert d is not None
        d.firmware = "V5.7.3"  # the same value again changes nothing
        d.model = "DS-2CD2032-I"
    assert _stored(inv, dev_id)[2] == 2


@pytest.mark.parametrize("inv", ["postgresql"], indirect=True)
def test_stale_score_does_not_overwrite_a_newer_verdicts_score(inv: Inventory) -> None:
    dev_id = _device(inv)
    other = open_inventory(inv.url)  # sensor B: its own engine and connections
    interleaved: list[float] = []

    def sensor_b_lands() -> None:
        with other.session() as s:
            d = s.scalars(select(m.Device).where(m.Device.id == dev_id)).one()
            d.manufacturer = "Hikvision"  # B's scan traced the unit to its real maker
        store_scores(other, by_maker)  # ... and B rescored what it touched
        interleaved.append(_stored(other, dev_id)[0] or 0.0)

    def sensor_a_score(r: DeviceRecord) -> tuple[float, str, list[Any]]:
        if not interleaved:
            sensor_b_lands()  # between A's read (Axis) and A's write
        return by_maker(r)

    try:
        store_scores(inv, sensor_a_score)
    finally:
        other.close()
    assert interleaved == [90.0]
    score, band, revision = _stored(inv, dev_id)
    assert (score, band) == (90.0, "P1"), "A's score from the old verdict overwrote B's"
    assert revision == 1
