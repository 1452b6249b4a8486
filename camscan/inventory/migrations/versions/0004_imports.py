"""Provenance of imported files (camscan import / listen): one row per file loaded, so the
same file into the same site twice adds nothing (unique site and sha256).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scan_id", sa.Integer(), sa.ForeignKey("scan.id"), nullable=False, unique=True),
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("site.id"), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hosts", sa.Integer(), nullable=False),
        sa.Column("record_errors", sa.Integer(), nullable=False),
        sa.UniqueConstraint("site_id", "sha256", name="uq_import_file_site_sha256"),
    )
    op.create_index("ix_import_file_site_id", "import_file", ["site_id"])


def downgrade() -> None:
    op.drop_index("ix_import_file_site_id", table_name="import_file")
    op.drop_table("import_file")
