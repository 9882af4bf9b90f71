"""Closing the loop: the ledger ("Dette har vi gjort") with its places, texts and milestones, and receipts.

Reviewed by hand. A receipt holds only a keyed hash of a code a person asked for, next to the free-text
answer it follows; like every key to anonymous rows it is deferred and does not cascade.

Revision ID: 2896f4cb666e
Revises: b7ce5016ffb1
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiosk.models.types import UuidBytes

revision = "2896f4cb666e"
down_revision = "b7ce5016ffb1"
branch_labels = None
depends_on = None

DEFERRED = {"deferrable": True, "initially": "DEFERRED"}


def upgrade() -> None:
    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("heard", sa.JSON(), nullable=False),
        sa.Column("done", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.JSON(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("digest_id", sa.Integer(), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["council.id"], name=op.f("fk_ledger_entry_council_id_council"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["digest_id"], ["digest.id"], name=op.f("fk_ledger_entry_digest_id_digest"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], name=op.f("fk_ledger_entry_theme_id_theme"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
    )
    op.create_table(
        "ledger_location",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["ledger_entry.id"], name=op.f("fk_ledger_location_entry_id_ledger_entry"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], name=op.f("fk_ledger_location_location_id_location"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("entry_id", "location_id", name=op.f("pk_ledger_location")),
    )
    op.create_table(
        "ledger_text",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("free_text_id", UuidBytes(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["ledger_entry.id"], name=op.f("fk_ledger_text_entry_id_ledger_entry"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["free_text_id"], ["free_text.id"], name=op.f("fk_ledger_text_free_text_id_free_text"), **DEFERRED),
        sa.PrimaryKeyConstraint("entry_id", "free_text_id", name=op.f("pk_ledger_text")),
    )
    op.create_table(
        "ledger_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("text", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["ledger_entry.id"], name=op.f("fk_ledger_milestone_entry_id_ledger_entry"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_milestone")),
    )
    op.create_table(
        "receipt",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("free_text_id", UuidBytes(), nullable=False),
        sa.ForeignKeyConstraint(["free_text_id"], ["free_text.id"], name=op.f("fk_receipt_free_text_id_free_text"), **DEFERRED),
        sa.PrimaryKeyConstraint("code_hash", "free_text_id", name=op.f("pk_receipt")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    for table in ("receipt", "ledger_milestone", "ledger_text", "ledger_location", "ledger_entry"):
        op.drop_table(table)
