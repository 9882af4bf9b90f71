"""Migrations build the whole schema, match the models, and run down and up again."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from kiosk.extensions import db
from kiosk.models import Base


def _diff(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


def test_head_matches_models(app):
    with app.app_context():
        with db.engine.connect() as connection:
            assert _diff(connection) == []


def test_every_model_table_exists(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_downgrade_to_base_and_upgrade_again(app):
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as connection:
            assert _diff(connection) == []


def test_anonymous_tables_have_no_rowid_on_sqlite(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        with db.engine.connect() as connection:
            for table in ("submission", "answer", "idempotency_key", "free_text"):
                sql = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)
                ).scalar()
                assert sql.rstrip().endswith("WITHOUT ROWID"), table


FIRST = "2c9399c13769"


def test_answers_survive_every_upgrade(app):
    """Rebuilding tables (SQLite batch mode) must not cascade-delete answers that point to them."""
    from sqlalchemy import text

    with app.app_context():
        downgrade(revision=FIRST)
        statements = [
            "INSERT INTO location (id, name, kind, timezone, created_at) VALUES (1, 'Sted', 'day_centre', 'Europe/Oslo', '2026-01-01 10:00:00')",
            "INSERT INTO form (id, name, created_at) VALUES (1, 'Skjema', '2026-01-01 10:00:00')",
            "INSERT INTO form_version (id, form_id, number, title, intro, published_at) VALUES (1, 1, 1, '{\"nb\": \"T\"}', '{}', '2026-01-01 10:00:00')",
            "INSERT INTO question (id, form_version_id, position, kind, text, help, scale_min_label, scale_max_label) VALUES (1, 1, 1, 'free_text', '{\"nb\": \"Q\"}', '{}', '{}', '{}')",
            "INSERT INTO submission (id, form_version_id, location_id, channel, period, period_unit) VALUES ('0123456789abcdef0123456789abcdef', 1, 1, 'qr', '2026-01-01', 'day')",
            "INSERT INTO answer (id, submission_id, question_id, text) VALUES ('fedcba9876543210fedcba9876543210', '0123456789abcdef0123456789abcdef', 1, 'kept')",
            "INSERT INTO idempotency_key (key, body_hash, submission_id, created_on) VALUES ('00000000000000000000000000000001', 'h', '0123456789abcdef0123456789abcdef', '2026-01-01')",
        ]
        if db.engine.dialect.name == "postgresql":
            statements = [s.replace("'0123456789abcdef0123456789abcdef'", "'01234567-89ab-cdef-0123-456789abcdef'")
                           .replace("'fedcba9876543210fedcba9876543210'", "'fedcba98-7654-3210-fedc-ba9876543210'")
                           .replace("'00000000000000000000000000000001'", "'00000000-0000-0000-0000-000000000001'") for s in statements]
        with db.engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT text FROM free_text")).scalar() == "kept"
            assert connection.execute(text("SELECT count(*) FROM idempotency_key")).scalar() == 1
            assert connection.execute(text("SELECT burst FROM submission")).scalar() in (False, 0)


STORAGE = "44a6da9a8dac"


def _old_layout_rows(connection, submissions: int = 40) -> dict:
    """Insert submissions with answers and keys in the layout before period ids; return what went in."""
    import random
    import uuid
    from datetime import date, timedelta

    import sqlalchemy as sa

    connection.exec_driver_sql(
        "INSERT INTO location (id, name, kind, timezone, created_at, idle_reset_seconds, opening_hours, sleep_outside_hours) "
        "VALUES (1, 'Sted', 'day_centre', 'Europe/Oslo', '2026-01-01 10:00:00', 60, '{}', false)"
    )
    connection.exec_driver_sql("INSERT INTO form (id, name, created_at) VALUES (1, 'Skjema', '2026-01-01 10:00:00')")
    connection.exec_driver_sql(
        "INSERT INTO form_version (id, form_id, number, title, intro, published_at) VALUES (1, 1, 1, '{\"nb\": \"T\"}', '{}', '2026-01-01 10:00:00')"
    )
    for qid, kind in ((7, "smiley"), (8, "multiple_choice"), (9, "free_text")):
        connection.exec_driver_sql(
            "INSERT INTO question (id, form_version_id, position, kind, text, help, scale_min_label, scale_max_label) "
            f"VALUES ({qid}, 1, {qid}, '{kind}', '{{\"nb\": \"Q\"}}', '{{}}', '{{}}', '{{}}')"
        )
    for oid in (30, 31, 32, 33):
        connection.exec_driver_sql(f"INSERT INTO option (id, question_id, position, label) VALUES ({oid}, 8, {oid}, '{{\"nb\": \"O\"}}')")
    submission = sa.table("submission", *[sa.column(c) for c in ("form_version_id", "location_id", "channel", "period", "period_unit", "burst")], sa.column("id", sa.Uuid()))
    answer = sa.table("answer", sa.column("id", sa.Uuid()), sa.column("submission_id", sa.Uuid()), *[sa.column(c) for c in ("question_id", "number", "option_id", "text")])
    key = sa.table("idempotency_key", sa.column("key", sa.Uuid()), sa.column("submission_id", sa.Uuid()), sa.column("body_hash"), sa.column("created_on", sa.Date()))
    expected = {}
    for n in range(submissions):
        sid = uuid.uuid4()
        period = date(2026, 1, 5) + timedelta(days=n % 9)
        connection.execute(submission.insert(), {"id": sid, "form_version_id": 1, "location_id": 1, "channel": "qr",
                                                 "period": period, "period_unit": "day", "burst": False})
        rows = [(7, n % 5 + 1, None, None), (8, None, 30 + n % 3, None), (8, None, 33, None), (9, None, None, f"tekst {n}")]
        random.shuffle(rows)
        for question_id, number, option_id, text in rows:
            connection.execute(answer.insert(), {"id": uuid.uuid4(), "submission_id": sid, "question_id": question_id,
                                                 "number": number, "option_id": option_id, "text": text})
        connection.execute(key.insert(), {"key": uuid.uuid4(), "submission_id": sid, "body_hash": f"hash {n}", "created_on": period})
        expected[f"tekst {n}"] = (period, sorted(rows, key=lambda r: (r[0], r[2] or 0, r[1] or 0)), f"hash {n}")
    return expected


def _answers_by_text(connection) -> dict:
    """Return {free text: (period, sorted answer rows, body hash, positions)} read with plain SQL (ids as 16 bytes)."""
    from sqlalchemy import text

    out = {}
    submissions = connection.execute(text("SELECT id, period FROM submission")).all()
    for sid, period in submissions:
        rows = connection.execute(
            text("SELECT position, question_id, number, option_id, text FROM answer WHERE submission_id = :id"), {"id": sid}
        ).all()
        body = next(r[4] for r in rows if r[4] is not None)
        key = connection.execute(text("SELECT body_hash FROM idempotency_key WHERE submission_id = :id"), {"id": sid}).scalar_one()
        out[body] = (str(period), sorted((r[1], r[2], r[3], r[4]) for r in rows), key, sorted(r[0] for r in rows), sid)
    return out


def test_period_ids_migration_keeps_every_answer_both_ways(app):
    """Upgrading re-ids every submission by its period and keys answers by submission; nothing is lost either way."""
    import uuid

    from sqlalchemy import text

    from kiosk.ids import period_of

    with app.app_context():
        downgrade(revision="1d597b9084af")
        with db.engine.begin() as connection:
            expected = _old_layout_rows(connection)
        upgrade(revision=STORAGE)
        with db.engine.connect() as connection:
            stored = _answers_by_text(connection)
        assert set(stored) == set(expected)
        for body, (period, rows, body_hash) in expected.items():
            got_period, got_rows, got_hash, positions, sid = stored[body]
            raw = sid if isinstance(sid, uuid.UUID) else uuid.UUID(bytes=bytes(sid))
            assert raw.version == 8 and period_of(raw).isoformat() == got_period == period.isoformat()
            assert got_rows == sorted(rows) and got_hash == body_hash and positions == [0, 1, 2, 3]
        downgrade(revision="1d597b9084af")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM submission")).scalar() == len(expected)
            assert connection.execute(text("SELECT count(*) FROM answer")).scalar() == 4 * len(expected)
            assert connection.execute(text("SELECT count(*) FROM idempotency_key")).scalar() == len(expected)
            assert {r[0] for r in connection.execute(text("SELECT text FROM answer WHERE text IS NOT NULL"))} == set(expected)
        upgrade()
        with db.engine.connect() as connection:
            # At the head, free text has moved out of the answers, de-identified (these texts hold nothing to redact).
            assert connection.execute(text("SELECT count(*) FROM answer")).scalar() == 3 * len(expected)
            assert {r[0] for r in connection.execute(text("SELECT text FROM free_text"))} == set(expected)
            assert _diff(connection) == []


def test_free_text_already_stored_is_scrubbed_when_migrating(app):
    """Text stored before moderation existed is de-identified by the migration; the original only sealed."""
    from sqlalchemy import text

    from kiosk.moderation.sealing import unseal

    typed = "Ring Kari Nordmann på 912 34 567, hun er snill"
    with app.app_context():
        downgrade(revision="1d597b9084af")
        with db.engine.begin() as connection:
            expected = _old_layout_rows(connection, submissions=1)
            connection.exec_driver_sql("UPDATE answer SET text = ? WHERE text IS NOT NULL" if db.engine.dialect.name == "sqlite"
                                       else "UPDATE answer SET text = %s WHERE text IS NOT NULL", (typed,))
        assert expected
        upgrade()
        with db.engine.connect() as connection:
            scrubbed, sealed, status = connection.execute(text("SELECT text, sealed, status FROM free_text")).one()
            dump = "\\n".join(str(row) for table in ("answer", "free_text") for row in connection.execute(text(f"SELECT * FROM {table}")))
    assert scrubbed == "Ring [navn] på [telefon], hun er snill"
    assert status == "pending"
    assert "912 34 567" not in dump and "Kari" not in dump and "Nordmann" not in dump
    with app.app_context():
        assert unseal(sealed).original == typed


def test_keys_to_rows_deleted_by_period_have_an_index(app):
    """Retention deletes submissions and texts by the thousand, and for each one the database looks for rows
    that still point to it. Without an index on the pointing column that is a read of the whole table per
    deleted row: a week took minutes at a million submissions."""
    from kiosk.storage import ANONYMOUS_TABLES

    deleted_by_period = {table for table, _column, _order in ANONYMOUS_TABLES}
    with app.app_context():
        inspector = inspect(db.engine)
        unindexed = []
        for table in inspector.get_table_names():
            leading = [tuple(inspector.get_pk_constraint(table)["constrained_columns"])]
            leading += [tuple(index["column_names"]) for index in inspector.get_indexes(table)]
            for key in inspector.get_foreign_keys(table):
                columns = tuple(key["constrained_columns"])
                if key["referred_table"] in deleted_by_period and not any(
                    found[: len(columns)] == columns for found in leading
                ):
                    unindexed.append((table, columns))
    assert unindexed == []
    assert deleted_by_period >= {"submission", "free_text"}


BEFORE_TEXT_PLACES = "d4a7e2b9c815"


def test_free_text_takes_its_submissions_place_when_migrating(app, session, make_link, make_text):
    """Text stored before free_text kept a place gets its submission's, both ways, and nothing is lost."""
    from sqlalchemy import text

    here, there = make_link(location_name="Fyrlykta dagsenter"), make_link(location_name="Bryggen aktivitetshus")
    for link, words in ((here, "Mer kaffe"), (there, "Flere turer"), (there, "Lengre åpent")):
        make_text(link, words)
    query = text(
        "SELECT free_text.text, location.name FROM free_text"
        " JOIN submission ON submission.id = free_text.submission_id"
        " JOIN location ON location.id = submission.location_id ORDER BY free_text.text"
    )
    with app.app_context():
        with db.engine.connect() as connection:
            by_submission = connection.execute(query).all()
        downgrade(revision=BEFORE_TEXT_PLACES)
        with db.engine.connect() as connection:
            assert "location_id" not in {c["name"] for c in inspect(connection).get_columns("free_text")}
            assert connection.execute(query).all() == by_submission
        upgrade()
        with db.engine.connect() as connection:
            kept = connection.execute(
                text(
                    "SELECT free_text.text, location.name FROM free_text"
                    " JOIN location ON location.id = free_text.location_id ORDER BY free_text.text"
                )
            ).all()
            assert _diff(connection) == []
    assert kept == by_submission
    assert [name for _text, name in kept] == ["Bryggen aktivitetshus", "Bryggen aktivitetshus", "Fyrlykta dagsenter"]
