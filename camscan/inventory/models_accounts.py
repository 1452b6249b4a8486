"""Dashboard accounts (`camscan users`, `camscan serve`), the dashboard's signing secret,
and the index its device table pages through.

    Account: a login name, a role (viewer reads, editor also tags) and a password hash
    (camscan.web.auth: scrypt with a per-user salt, parameters stored in the hash string).
    WebSecret: the key that signs session cookies, kept in the inventory so every dashboard
    process over one PostgreSQL inventory accepts the same sessions.

LISTING_INDEX covers the device table's default order and its site and band filters (site,
band, score): a page of a 5,000-device inventory is picked from the index alone (0.8 ms
instead of 6-8 ms on SQLite, whose device rows carry the verdict and score factors as
JSON), then its 50 rows are read by id.  A wider index (maker, type, ...) was measured too:
SQLite's planner then prefers the narrower (site_id, ip) index and reads every row.

``session_version`` is raised when a password or role changes or the account is disabled:
a session cookie carries the version it was issued under, so older cookies stop working.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from camscan.inventory.models import Base, Device, utcnow

ROLES = ("viewer", "editor")


class Account(Base):
    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    password_hash: Mapped[str] = mapped_column(String(300))
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSecret(Base):
    """One row: the dashboard's session-signing key (random, made on first `serve`)."""

    __tablename__ = "web_secret"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


LISTING_INDEX = Index(
    "ix_device_listing",
    Device.site_id,
    Device.band,
    Device.score,
)
