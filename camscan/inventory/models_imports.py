"""Provenance of what was imported into the inventory (`camscan import`, `camscan listen`).

One :class:`ImportFile` row per file (or capture) loaded, tied to the scan record the ingest
opened for it (``Scan.options["kind"] == "import"``).  The (site, sha256) pair is unique:
the same file into the same site twice adds nothing (camscan/app/ingest.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from camscan.inventory.models import Base, utcnow


class ImportFile(Base):
    """One file imported into one site: what it was, and what it gave."""

    __tablename__ = "import_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan.id"), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))  # the file's base name (or interface)
    sha256: Mapped[str | None] = mapped_column(String(64))  # None: a live capture
    size: Mapped[int | None] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(40))  # import:nmap-xml | listen ...
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    hosts: Mapped[int] = mapped_column(Integer, default=0)
    record_errors: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (UniqueConstraint("site_id", "sha256", name="uq_import_file_site_sha256"),)
