"""Counted periods, and digest texts found by their text.

Reviewed by hand. counted_period holds the closed periods whose per-period counts are complete: a digest
need not count its week again when its periods are marked (see kiosk/reporting/tallies.py). The table
starts empty: the next nightly count marks what it counts. digest_text gains an index on free_text_id:
a digest's "not shown yet", a receipt's lookup and PostgreSQL's foreign-key check when old text is
deleted all find rows by it.

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
    op.create_index(op.f("ix_digest_text_free_text_id"), "digest_text", ["free_text_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_digest_text_free_text_id"), table_name="digest_text")
    op.drop_table("counted_period")
