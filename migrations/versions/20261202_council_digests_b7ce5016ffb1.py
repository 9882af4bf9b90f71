"""Council digests: per-period counts, themes, digests as snapshots, their e-mails, council settings.

Reviewed by hand. The count tables are WITHOUT ROWID on SQLite, keyed by period first, so a year of
one council's counts is one range. digest has a unique (council, period): the record that makes a
second scheduler do nothing. Keys to free_text are deferred and do not cascade (kiosk/storage.py
rewrites and deletes anonymous rows by period).

Revision ID: b7ce5016ffb1
Revises: 3fd3b32f7a67
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kiosk.models.types import UuidBytes

revision = "b7ce5016ffb1"
down_revision = "3fd3b32f7a67"
branch_labels = None
depends_on = None

WITHOUT_ROWID = {"sqlite_with_rowid": False}
DEFERRED = {"deferrable": True, "initially": "DEFERRED"}


def upgrade() -> None:
    op.create_table(
        "submission_tally",
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("location_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("burst", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", "location_id", "channel", "burst", name=op.f("pk_submission_tally")),
        **WITHOUT_ROWID,
    )
    op.create_table(
        "answer_tally",
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("location_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("question_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", "location_id", "question_id", "value", name=op.f("pk_answer_tally")),
        **WITHOUT_ROWID,
    )
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
    )
    op.create_table(
        "digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("built_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["council_id"], ["council.id"], name=op.f("fk_digest_council_id_council"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest")),
        sa.UniqueConstraint("council_id", "period", name=op.f("uq_digest_council_id_period")),
    )
    op.create_table(
        "digest_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["digest_id"], ["digest.id"], name=op.f("fk_digest_delivery_digest_id_digest"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"], name=op.f("fk_digest_delivery_user_id_staff_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_delivery")),
        sa.UniqueConstraint("digest_id", "user_id", name=op.f("uq_digest_delivery_digest_id_user_id")),
    )
    op.create_table(
        "digest_text",
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("free_text_id", UuidBytes(), nullable=False),
        sa.ForeignKeyConstraint(["digest_id"], ["digest.id"], name=op.f("fk_digest_text_digest_id_digest"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["free_text_id"], ["free_text.id"], name=op.f("fk_digest_text_free_text_id_free_text"), **DEFERRED),
        sa.PrimaryKeyConstraint("digest_id", "free_text_id", name=op.f("pk_digest_text")),
    )
    with op.batch_alter_table("council") as batch:
        batch.add_column(sa.Column("cadence", sa.String(length=64), server_default="weekly", nullable=False))
        batch.add_column(sa.Column("send", sa.String(length=32), server_default="mon 08:00", nullable=False))
        batch.add_column(sa.Column("language", sa.String(length=2), server_default="nb", nullable=False))
        batch.add_column(sa.Column("k", sa.Integer(), server_default="5", nullable=False))
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(sa.Column("digest_email", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("digest_email")
    with op.batch_alter_table("council") as batch:
        for column in ("k", "language", "send", "cadence"):
            batch.drop_column(column)
    for table in ("digest_text", "digest_delivery", "digest", "theme", "answer_tally", "submission_tally"):
        op.drop_table(table)
