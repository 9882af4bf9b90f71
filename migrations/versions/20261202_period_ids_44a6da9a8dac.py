"""Storage that stays fast at a million answers: period-prefixed 16-byte ids, answers keyed by submission.

Reviewed by hand. The three anonymous tables are rebuilt: the old ones are renamed aside, the new
ones made, and every row copied across in SQL through a map of old to new ids (made in Python, since
each new id is the row's period followed by random bytes: kiosk/ids.py). Answers get their position
within the submission. Rows are inserted in new-id order, so PostgreSQL's heap starts out in id order
too. Nothing is lost: counts are checked before the old tables go. The downgrade rebuilds the old
layout and keeps every id (a version 8 UUID is still a UUID), with new random ids for answers.

Revision ID: 44a6da9a8dac
Revises: 1d597b9084af
Create Date: 2026-12-02
"""
from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from alembic import op

from kiosk.ids import period_id
from kiosk.models.types import UuidBytes

revision = "44a6da9a8dac"
down_revision = "1d597b9084af"
branch_labels = None
depends_on = None

WITHOUT_ROWID = {"sqlite_with_rowid": False}
DEFERRED = {"deferrable": True, "initially": "DEFERRED"}
TABLES = ("idempotency_key", "answer", "submission")
CHUNK = 10_000


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _set_aside(indexes: dict[str, list[str]]) -> None:
    """Rename the anonymous tables to <name>_old, dropping their secondary indexes and freeing their names."""
    for table in TABLES:
        for index in indexes.get(table, []):
            op.drop_index(index, table_name=table)
        op.rename_table(table, f"{table}_old")
        if not _sqlite():
            # A primary key's name is an index name, and those are unique across the schema.
            op.execute(f"ALTER TABLE {table}_old RENAME CONSTRAINT pk_{table} TO pk_{table}_old")


def _create_new() -> None:
    op.create_table(
        "submission",
        sa.Column("id", UuidBytes(), nullable=False),
        sa.Column("form_version_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("period_unit", sa.String(length=4), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("burst", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_submission_device_id_device")),
        sa.ForeignKeyConstraint(["form_version_id"], ["form_version.id"], name=op.f("fk_submission_form_version_id_form_version")),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], name=op.f("fk_submission_location_id_location")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
        **WITHOUT_ROWID,
    )
    op.create_table(
        "answer",
        sa.Column("submission_id", UuidBytes(), nullable=False),
        sa.Column("position", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("option_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], name=op.f("fk_answer_submission_id_submission"), **DEFERRED),
        sa.PrimaryKeyConstraint("submission_id", "position", name=op.f("pk_answer")),
        **WITHOUT_ROWID,
    )
    op.create_table(
        "idempotency_key",
        sa.Column("key", UuidBytes(), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("submission_id", UuidBytes(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name=op.f("fk_idempotency_key_submission_id_submission"), **DEFERRED
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_key")),
        **WITHOUT_ROWID,
    )


def _map_ids() -> None:
    """Fill id_map (old id, new id) with a fresh period-prefixed id for every submission."""
    bind = op.get_bind()
    op.create_table("id_map", sa.Column("old_id", sa.Uuid(), primary_key=True), sa.Column("new_id", UuidBytes(), nullable=False))
    id_map = sa.table("id_map", sa.column("old_id", sa.Uuid()), sa.column("new_id", UuidBytes()))
    old = sa.table("submission_old", sa.column("id", sa.Uuid()), sa.column("period", sa.Date()))
    result = bind.execute(sa.select(old.c.id, old.c.period))
    while chunk := result.fetchmany(CHUNK):
        bind.execute(id_map.insert(), [{"old_id": old_id, "new_id": period_id(_day(period))} for old_id, period in chunk])


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _copy_keys() -> None:
    """Copy idempotency keys, turning their keys into 16 bytes (the old table held them as text on SQLite)."""
    bind = op.get_bind()
    old = sa.table(
        "idempotency_key_old", sa.column("key", sa.Uuid()), sa.column("body_hash", sa.String()),
        sa.column("submission_id", sa.Uuid()), sa.column("created_on", sa.Date()),
    )
    id_map = sa.table("id_map", sa.column("old_id", sa.Uuid()), sa.column("new_id", UuidBytes()))
    new = sa.table(
        "idempotency_key", sa.column("key", UuidBytes()), sa.column("body_hash", sa.String()),
        sa.column("submission_id", UuidBytes()), sa.column("created_on", sa.Date()),
    )
    query = sa.select(old.c.key, old.c.body_hash, id_map.c.new_id, old.c.created_on).join(
        id_map, id_map.c.old_id == old.c.submission_id
    )
    rows = [{"key": k, "body_hash": h, "submission_id": s, "created_on": c} for k, h, s, c in bind.execute(query)]
    if rows:
        bind.execute(new.insert(), rows)


def _count(table: str) -> int:
    return int(op.get_bind().execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def _check_copied(pairs: list[tuple[str, str]]) -> None:
    for old, new in pairs:
        if _count(old) != _count(new):
            raise RuntimeError(f"copying {old} into {new} lost rows; nothing was changed")


def upgrade() -> None:
    _set_aside({"submission": ["ix_submission_form_version_id", "ix_submission_location_period"],
                "answer": ["ix_answer_question_id", "ix_answer_submission_id"],
                "idempotency_key": ["ix_idempotency_key_created_on"]})
    _create_new()
    _map_ids()
    op.execute(
        "INSERT INTO submission (id, form_version_id, location_id, channel, period, period_unit, device_id, burst) "
        "SELECT m.new_id, s.form_version_id, s.location_id, s.channel, s.period, s.period_unit, s.device_id, s.burst "
        "FROM submission_old s JOIN id_map m ON m.old_id = s.id ORDER BY m.new_id"
    )
    op.execute(
        "INSERT INTO answer (submission_id, position, question_id, number, option_id, text) "
        "SELECT m.new_id, ROW_NUMBER() OVER (PARTITION BY a.submission_id ORDER BY a.question_id, a.option_id, a.number) - 1, "
        "a.question_id, a.number, a.option_id, a.text "
        "FROM answer_old a JOIN id_map m ON m.old_id = a.submission_id ORDER BY 1, 2"
    )
    _copy_keys()
    _check_copied([("submission_old", "submission"), ("answer_old", "answer"), ("idempotency_key_old", "idempotency_key")])
    for table in TABLES:
        op.drop_table(f"{table}_old")
    op.drop_table("id_map")


def downgrade() -> None:
    _set_aside({})
    op.create_table(
        "submission",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("form_version_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("period_unit", sa.String(length=4), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("burst", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_submission_device_id_device")),
        sa.ForeignKeyConstraint(["form_version_id"], ["form_version.id"], name=op.f("fk_submission_form_version_id_form_version")),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], name=op.f("fk_submission_location_id_location")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
        **WITHOUT_ROWID,
    )
    op.create_index("ix_submission_form_version_id", "submission", ["form_version_id"])
    op.create_index("ix_submission_location_period", "submission", ["location_id", "period"])
    op.create_table(
        "answer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("submission_id", sa.Uuid(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("option_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["option_id"], ["option.id"], name=op.f("fk_answer_option_id_option")),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"], name=op.f("fk_answer_question_id_question")),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], name=op.f("fk_answer_submission_id_submission"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
        **WITHOUT_ROWID,
    )
    op.create_index("ix_answer_question_id", "answer", ["question_id"])
    op.create_index("ix_answer_submission_id", "answer", ["submission_id"])
    op.create_table(
        "idempotency_key",
        sa.Column("key", sa.Uuid(), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("submission_id", sa.Uuid(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name=op.f("fk_idempotency_key_submission_id_submission"),
            ondelete="CASCADE", **DEFERRED,
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_key")),
        **WITHOUT_ROWID,
    )
    op.create_index("ix_idempotency_key_created_on", "idempotency_key", ["created_on"])
    _copy_back()
    _check_copied([("submission_old", "submission"), ("answer_old", "answer"), ("idempotency_key_old", "idempotency_key")])
    for table in TABLES:
        op.drop_table(f"{table}_old")


def _copy_back() -> None:
    """Copy the rows back into the old layout, through Python: 16 bytes become the old UUID type."""
    bind = op.get_bind()
    for table, columns in {
        "submission": ("id", "form_version_id", "location_id", "channel", "period", "period_unit", "device_id", "burst"),
        "answer": ("submission_id", "question_id", "number", "option_id", "text"),
        "idempotency_key": ("key", "body_hash", "submission_id", "created_on"),
    }.items():
        typed = {"id": UuidBytes(), "submission_id": UuidBytes(), "key": UuidBytes(), "period": sa.Date(), "created_on": sa.Date(), "burst": sa.Boolean()}
        old = sa.table(f"{table}_old", *[sa.column(c, typed.get(c)) for c in columns])
        new_columns = [sa.column(c, sa.Uuid() if c in ("id", "submission_id", "key") else typed.get(c)) for c in columns]
        new = sa.table(table, *new_columns, *( [sa.column("id", sa.Uuid())] if table == "answer" else []))
        result = bind.execute(sa.select(*old.c))
        while chunk := result.fetchmany(CHUNK):
            rows = [dict(zip(columns, row)) for row in chunk]
            if table == "answer":
                for row in rows:
                    row["id"] = uuid.uuid4()
            bind.execute(new.insert(), rows)
