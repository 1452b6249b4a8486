"""Tags (site and device criticality, zone) and replacement-priority scores.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site") as batch:
        batch.add_column(sa.Column("criticality", sa.String(length=40), nullable=True))
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("zone", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("criticality", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("band", sa.String(length=4), nullable=True))
        batch.add_column(
            sa.Column("score_factors", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("device") as batch:
        for col in ("score_factors", "band", "score", "criticality", "zone"):
            batch.drop_column(col)
    with op.batch_alter_table("site") as batch:
        batch.drop_column("criticality")
