"""Free text that is safe to read: de-identified items with sealed originals, local words, settings, four eyes.

Reviewed by hand. Every free-text answer already stored moves out of the answer table into free_text,
through the same de-identification as new text (kiosk/moderation/deidentify.py): nothing stays
un-scrubbed. What was typed goes only into the sealed original (encrypted with a key derived from the
app's secret; `flask db upgrade` runs inside the app, so the secret is there). The answer table loses
its text column (on SQLite batch mode rebuilds it, so WITHOUT ROWID is stated again). The downgrade
puts the de-identified text back into answers: the originals are not restored.

Revision ID: 3fd3b32f7a67
Revises: 44a6da9a8dac
Create Date: 2026-12-02
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

from kiosk.ids import period_id
from kiosk.models.types import UuidBytes

revision = "3fd3b32f7a67"
down_revision = "44a6da9a8dac"
branch_labels = None
depends_on = None

WITHOUT_ROWID = {"sqlite_with_rowid": False}
DEFERRED = {"deferrable": True, "initially": "DEFERRED"}
CHUNK = 2_000


def _tables() -> None:
    op.create_table(
        "free_text",
        sa.Column("id", UuidBytes(), nullable=False),
        sa.Column("submission_id", UuidBytes(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("redactions", sa.JSON(), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("hide_reason", sa.String(length=24), nullable=True),
        sa.Column("urgent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("alerted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("quote", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("first_release_by", sa.Integer(), nullable=True),
        sa.Column("moderated_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["first_release_by"], ["staff_user.id"], name=op.f("fk_free_text_first_release_by_staff_user")),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], name=op.f("fk_free_text_submission_id_submission"), **DEFERRED),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_free_text")),
        **WITHOUT_ROWID,
    )
    op.create_table(
        "local_word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], name=op.f("fk_local_word_location_id_location"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_word")),
        sa.UniqueConstraint("location_id", "word", name=op.f("uq_local_word_location_id_word")),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    with op.batch_alter_table("council") as batch:
        batch.add_column(sa.Column("four_eyes", sa.Boolean(), server_default=sa.false(), nullable=False))


def _move_texts_out() -> None:
    """Scrub every stored free-text answer into free_text and take it out of answer."""
    from kiosk.moderation.crisis import suggests_crisis
    from kiosk.moderation.deidentify import scrub
    from kiosk.moderation.sealing import seal

    bind = op.get_bind()
    answer = sa.table("answer", sa.column("submission_id", UuidBytes()), sa.column("position", sa.SmallInteger()),
                      sa.column("question_id", sa.Integer()), sa.column("text", sa.Text()))
    submission = sa.table("submission", sa.column("id", UuidBytes()), sa.column("period", sa.Date()))
    free_text = sa.table("free_text", *[sa.column(c) for c in ("question_id", "text", "sealed", "status")],
                         sa.column("redactions", sa.JSON()), sa.column("urgent", sa.Boolean()),
                         sa.column("id", UuidBytes()), sa.column("submission_id", UuidBytes()))
    query = (sa.select(answer.c.submission_id, answer.c.position, answer.c.question_id, answer.c.text, submission.c.period)
             .join(submission, submission.c.id == answer.c.submission_id).where(answer.c.text.is_not(None)))
    rows = bind.execute(query).fetchall()
    for start in range(0, len(rows), CHUNK):
        items = []
        for submission_id, _position, question_id, text, period in rows[start:start + CHUNK]:
            scrubbed = scrub(text)
            items.append({
                "id": period_id(period if isinstance(period, date) else date.fromisoformat(period)),
                "submission_id": submission_id, "question_id": question_id, "text": scrubbed.text,
                "redactions": [{"start": r.start, "end": r.end, "kind": r.kind} for r in scrubbed.redactions],
                "sealed": seal(text, [r.original for r in scrubbed.redactions]), "status": "pending",
                "urgent": suggests_crisis(text),
            })
        bind.execute(free_text.insert(), items)
    bind.execute(answer.delete().where(answer.c.text.is_not(None)))


def upgrade() -> None:
    _tables()
    _move_texts_out()
    if op.get_bind().dialect.name == "postgresql":
        # The rows just moved leave deferred foreign-key checks queued, and PostgreSQL alters no table
        # with checks pending in the same transaction: run them now.
        op.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with op.batch_alter_table("answer", table_kwargs=WITHOUT_ROWID) as batch:
        batch.drop_column("text")


def downgrade() -> None:
    with op.batch_alter_table("answer", table_kwargs=WITHOUT_ROWID) as batch:
        batch.add_column(sa.Column("text", sa.Text(), nullable=True))
    bind = op.get_bind()
    free_text = sa.table("free_text", sa.column("submission_id", UuidBytes()), sa.column("question_id", sa.Integer()),
                         sa.column("text", sa.Text()), sa.column("id", UuidBytes()))
    answer = sa.table("answer", sa.column("submission_id", UuidBytes()), sa.column("position", sa.SmallInteger()),
                      sa.column("question_id", sa.Integer()), sa.column("text", sa.Text()))
    last = dict(bind.execute(sa.select(answer.c.submission_id, sa.func.max(answer.c.position)).group_by(answer.c.submission_id)).all())
    rows = []
    for submission_id, question_id, text in bind.execute(sa.select(free_text.c.submission_id, free_text.c.question_id, free_text.c.text)):
        last[submission_id] = last.get(submission_id, -1) + 1
        rows.append({"submission_id": submission_id, "position": last[submission_id], "question_id": question_id, "text": text})
    if rows:
        bind.execute(answer.insert(), rows)
    with op.batch_alter_table("council") as batch:
        batch.drop_column("four_eyes")
    op.drop_table("setting")
    op.drop_table("local_word")
    op.drop_table("free_text")
