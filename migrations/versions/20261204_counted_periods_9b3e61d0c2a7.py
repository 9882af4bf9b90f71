"""Counted periods: the closed periods whose per-period counts are complete.

Reviewed by hand. A digest need not count its week again when its periods are marked (see
kiosk/reporting/tallies.py). The table starts empty: the next nightly count marks what it counts.

Revision ID: 9b3e61d0c2a7
Revises: 5e0c7a91d2b4
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9b3e61d0c2a7"
down_revision = "5e0c7a91d2b4"
branch_labels = None
depends_on = None

def upgrade() -> None:
    op.create_table(
        "counted_period",
        sa.Column("period", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_counted_period")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("counted_period")
