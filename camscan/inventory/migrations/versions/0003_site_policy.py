"""The replacement-priority policy in force for each site (docs/scoring.md).

A site without a row is scored with the default policy (or $CAMSCAN_POLICY); `camscan
rescore --policy FILE` stores the file's text and hash here, so every later re-score (after
`tag`, a scan or `vulns update`) uses it until `rescore --default-policy`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_policy",
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=80), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("site_policy")
