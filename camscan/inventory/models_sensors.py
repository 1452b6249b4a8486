"""What a sensor adds to a scan record (docs/sensors.md).

    Scan 1--0..1 ScanSensor

A scan's ``pid`` only means something on the machine that ran it; several sensors on several
machines write to one PostgreSQL inventory, so each scan also carries a world-unique id (the
same in a bundle and in the inventory it is imported into), the sensor's host name and a
heartbeat the sensor refreshes while it runs: a running scan whose heartbeat is stale is
marked incomplete by the next camscan that looks.  ``committed`` counts the finished hosts
stored from the sensor's local spool (camscan/inventory/spool.py), in the spool's order, in
the same transaction as the hosts themselves: a spool left by a killed sensor is replayed
from there, never twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from camscan.inventory.models import Base, utcnow


class ScanSensor(Base):
    __tablename__ = "scan_sensor"
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan.id"), primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    origin: Mapped[str] = mapped_column(String(20), default="sensor")  # sensor|import|bundle
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    committed: Mapped[int] = mapped_column(Integer, default=0)
    bundle_sha256: Mapped[str | None] = mapped_column(String(64))
