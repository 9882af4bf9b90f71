"""PostgreSQL: answers found by a block range index instead of a primary key's B-tree.

Reviewed by hand. PostgreSQL only; SQLite keeps answers in a WITHOUT ROWID table keyed by (submission_id,
position), which is the table itself. On PostgreSQL the primary key was a second copy of every answer's
key, 40 bytes an answer: 213 MB of 693 MB at a million submissions. Nothing looks an answer up by
(submission, position): every read and delete takes a range of submission ids (a period, or one
submission), and settle() leaves closed periods in id order in the heap, so a BRIN index over
submission_id finds them in a few pages. The foreign key to submission stays.

Revision ID: a41c7e2d9b85
Revises: 6f2d8a41c3e9
Create Date: 2026-12-06
"""
from __future__ import annotations

from alembic import op

revision = "a41c7e2d9b85"
down_revision = "6f2d8a41c3e9"
branch_labels = None
depends_on = None

PAGES_PER_RANGE = 8  # kiosk.models.submissions.PAGES_PER_RANGE when this was written


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_constraint("pk_answer", "answer", type_="primary")
    op.create_index(
        "ix_answer_submission_id",
        "answer",
        ["submission_id"],
        postgresql_using="brin",
        postgresql_with={"pages_per_range": PAGES_PER_RANGE, "autosummarize": "on"},
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_answer_submission_id", table_name="answer")
    op.create_primary_key("pk_answer", "answer", ["submission_id", "position"])
