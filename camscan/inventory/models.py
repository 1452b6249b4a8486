"""SQLAlchemy 2 typed models of the inventory.

    Site 1--0..1 SitePolicy
    Site 1--* Scan 1--* Sighting *--1 Device 1--* Address / Service / Observation /
                                                   Verdict / Change

A Device keeps one identity across scans (camscan.inventory.identity); what a scan saw of it
is a Sighting; what each probe said is an Observation kept verbatim (capped); each
identification is a Verdict; every changed field (ip, firmware, model ...) is a Change.
The schema is created and upgraded only through the Alembic migrations next to this file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Site(Base):
    __tablename__ = "site"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    criticality: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    scans: Mapped[list[Scan]] = relationship(back_populates="site")


class SitePolicy(Base):
    """The policy file in force for a site, kept as text so the file may move or change on
    disk without changing the scores (set by `camscan rescore --policy`)."""

    __tablename__ = "site_policy"
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(Text)  # the file it was read from
    sha256: Mapped[str] = mapped_column(String(64))  # of ``text``
    text: Mapped[str] = mapped_column(Text)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Scan(Base):
    __tablename__ = "scan"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # running | complete | incomplete (interrupted) | failed
    status: Mapped[str] = mapped_column(String(20), default="running")
    scope: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    hosts_probed: Mapped[int] = mapped_column(Integer, default=0)
    devices_found: Mapped[int] = mapped_column(Integer, default=0)
    pid: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str | None] = mapped_column(String(255))
    camscan_version: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    site: Mapped[Site] = relationship(back_populates="scans")


class Device(Base):
    __tablename__ = "device"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    # identity keys, strongest first
    mac: Mapped[str | None] = mapped_column(String(17), index=True)
    serial: Mapped[str | None] = mapped_column(String(120), index=True)
    endpoint_reference: Mapped[str | None] = mapped_column(String(200), index=True)
    ip: Mapped[str | None] = mapped_column(String(45), index=True)
    # the latest verdict, flattened for listing
    is_camera: Mapped[bool] = mapped_column(Boolean, default=False)
    device_type: Mapped[str] = mapped_column(String(20), default="unknown")
    brand: Mapped[str | None] = mapped_column(String(120))
    manufacturer: Mapped[str | None] = mapped_column(String(120))
    white_label: Mapped[bool] = mapped_column(Boolean, default=False)
    model: Mapped[str | None] = mapped_column(String(200))
    firmware: Mapped[str | None] = mapped_column(String(200))
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scan.id"))
    verdict: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    zone: Mapped[str | None] = mapped_column(String(120))
    criticality: Mapped[str | None] = mapped_column(String(40))
    score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(4))
    score_factors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Bumped in the database by every ORM update of anything but the score columns (see
    # _bump_revision below): a score is written only over the revision it was computed from.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    site: Mapped[Site] = relationship()
    __table_args__ = (Index("ix_device_site_ip", "site_id", "ip"),)


class Sighting(Base):
    """A device seen in a scan, at an address."""

    __tablename__ = "sighting"
    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    ip: Mapped[str | None] = mapped_column(String(45))
    mac: Mapped[str | None] = mapped_column(String(17))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (UniqueConstraint("scan_id", "device_id"),)


class Address(Base):
    """An IP/MAC pair a device has used, over time."""

    __tablename__ = "address"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    ip: Mapped[str | None] = mapped_column(String(45))
    mac: Mapped[str | None] = mapped_column(String(17))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Service(Base):
    """An open port and what answered on it."""

    __tablename__ = "service"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    port: Mapped[int] = mapped_column(Integer)
    protocol: Mapped[str] = mapped_column(String(8), default="tcp")
    name: Mapped[str | None] = mapped_column(String(40))
    banner: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scan.id"))
    __table_args__ = (UniqueConstraint("device_id", "port", "protocol"),)


class Observation(Base):
    """One reply (or failure) of one probe in one scan, kept verbatim (capped)."""

    __tablename__ = "observation"
    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    probe: Mapped[str] = mapped_column(String(40))
    ip: Mapped[str] = mapped_column(String(45))
    port: Mapped[int | None] = mapped_column(Integer)
    raw: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Verdict(Base):
    """One identification of a device: from a scan, or a later re-identification."""

    __tablename__ = "verdict"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scan.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    source: Mapped[str] = mapped_column(String(20), default="scan")  # scan | reidentify
    manufacturer: Mapped[str | None] = mapped_column(String(120))
    brand: Mapped[str | None] = mapped_column(String(120))
    device_type: Mapped[str] = mapped_column(String(20), default="unknown")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Change(Base):
    """A field of a device that a scan found changed: the old value is kept here."""

    __tablename__ = "change"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scan.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# What a score is computed from is everything of a device but its score: an ORM update that
# changes anything else moves the revision on, in the database (``revision + 1``, so two
# writers cannot lose an increment).  The rescorer writes a score only where the row still
# has the revision it read (camscan/inventory/repository.py ``_score_chunk``): a sensor whose
# chunk was read before another sensor's verdict landed no longer overwrites the newer
# device's score with one computed from the old verdict.
_SCORE_COLUMNS = frozenset({"score", "band", "score_factors", "revision"})


@event.listens_for(Device, "before_update")
def _bump_revision(_mapper: Mapper[Device], _conn: Connection, target: Device) -> None:
    state = sa_inspect(target)
    if any(attr.history.has_changes() for attr in state.attrs if attr.key not in _SCORE_COLUMNS):
        target.revision = Device.revision + 1
