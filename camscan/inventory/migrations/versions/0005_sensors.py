"""Concurrent sensors writing to one inventory (camscan scan --db postgresql://...).

One row per scan (camscan/inventory/models_sensors.py): the scan's world-unique id (bundles
and spools name it), the sensor's host and pid, its heartbeat, how many spooled hosts are
stored, and the bundle a scan was imported from.  Scans of older inventories have no row and
are judged as before (pid on this host).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scan_sensor",
        sa.Column("scan_id", sa.Integer(), sa.ForeignKey("scan.id"), primary_key=True),
        sa.Column("uuid", sa.String(length=36), nullable=False, unique=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("committed", sa.Integer(), nullable=False),
        sa.Column("bundle_sha256", sa.String(length=64), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("scan_sensor")
