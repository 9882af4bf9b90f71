"""Indexes on the keys that point to submissions and texts, so that deleting them does not read whole tables.

Reviewed by hand. When a submission or a text is deleted (retention, every night), SQLite and PostgreSQL
look for rows that still point to it. free_text.submission_id, idempotency_key.submission_id,
ledger_text.free_text_id and receipt.free_text_id had no index, so each deleted row read the whole child
table: deleting one week at a million submissions took 334 s on SQLite and 253 s on PostgreSQL, inside the
write transaction. With these indexes it is a lookup per row. They are in key order (random within a
period), so they say nothing about arrival either.

Revision ID: 6f2d8a41c3e9
Revises: 9b3e61d0c2a7
Create Date: 2026-12-05
"""
from __future__ import annotations

from alembic import op

revision = "6f2d8a41c3e9"
down_revision = "9b3e61d0c2a7"
branch_labels = None
depends_on = None

# (table, column) pairs; each index is named ix_<table>_<column> like the models' index=True.
CHILD_KEYS = (
    ("free_text", "submission_id"),
    ("idempotency_key", "submission_id"),
    ("ledger_text", "free_text_id"),
    ("receipt", "free_text_id"),
)


def upgrade() -> None:
    for table, column in CHILD_KEYS:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def downgrade() -> None:
    for table, column in reversed(CHILD_KEYS):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
