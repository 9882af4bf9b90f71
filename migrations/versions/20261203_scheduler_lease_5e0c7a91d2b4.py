"""The scheduler's lease: one row that says which scheduler process runs the jobs, and until when.

Reviewed by hand. The row is written by the first scheduler that starts (kiosk/lease.py), not here.

Revision ID: 5e0c7a91d2b4
Revises: 2896f4cb666e
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5e0c7a91d2b4"
down_revision = "2896f4cb666e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduler_lease",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=120), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_lease")),
    )


def downgrade() -> None:
    op.drop_table("scheduler_lease")
