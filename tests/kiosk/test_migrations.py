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
            for table in ("submission", "answer", "idempotency_key"):
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
            assert connection.execute(text("SELECT text FROM answer")).scalar() == "kept"
            assert connection.execute(text("SELECT count(*) FROM idempotency_key")).scalar() == 1
            assert connection.execute(text("SELECT burst FROM submission")).scalar() in (False, 0)
