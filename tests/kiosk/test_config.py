"""Configuration: environment, instance folder, secret key, refusals."""
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk import create_app


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "SIIFRA_SECRET_KEY", "SIIFRA_TIME_BUCKET", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SIIFRA_INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path / "instance"


def test_refuses_to_start_without_secret_key(clean_env):
    with pytest.raises(RuntimeError, match="SIIFRA_SECRET_KEY"):
        create_app()


def test_testing_runs_without_secret_key(clean_env):
    app = create_app({"TESTING": True})
    assert len(app.config["SECRET_KEY"]) >= 32


def test_secret_key_from_instance_folder(clean_env: Path):
    clean_env.mkdir(parents=True)
    (clean_env / "secret_key").write_text("from-the-instance-folder\n")
    assert create_app().config["SECRET_KEY"] == "from-the-instance-folder"


def test_environment_wins_over_instance_folder(clean_env: Path, monkeypatch):
    clean_env.mkdir(parents=True)
    (clean_env / "secret_key").write_text("instance")
    monkeypatch.setenv("SIIFRA_SECRET_KEY", "environment")
    monkeypatch.setenv("SIIFRA_TIME_BUCKET", "week")
    app = create_app()
    assert app.config["SECRET_KEY"] == "environment"
    assert app.config["TIME_BUCKET"] == "week"


def test_default_database_is_sqlite_in_instance_folder(clean_env: Path, monkeypatch):
    monkeypatch.setenv("SIIFRA_SECRET_KEY", "x")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{clean_env / 'siifra.sqlite3'}"


def test_database_url_selects_database(clean_env, monkeypatch):
    monkeypatch.setenv("SIIFRA_SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1:1/siifra")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@127.0.0.1:1/siifra"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_pre_ping": True,
        "hide_parameters": True,
        "connect_args": {"options": "-c jit=off"},
    }


def test_an_operators_connection_options_win(clean_env, monkeypatch):
    monkeypatch.setenv("SIIFRA_SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1:1/siifra?options=-c%20work_mem%3D64MB")
    assert "connect_args" not in create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_unknown_time_bucket_is_refused(clean_env, monkeypatch):
    monkeypatch.setenv("SIIFRA_TIME_BUCKET", "hour")
    with pytest.raises(RuntimeError, match="TIME_BUCKET"):
        create_app({"TESTING": True})


def test_csrf_token_outlives_an_afternoon(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] >= 8 * 3600


def test_sqlite_pragmas(session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    assert session.execute(text("PRAGMA busy_timeout")).scalar() == 10000
    assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_postgresql_sessions_run_without_jit(session):
    """A backend that once JIT-compiled a query makes each later parallel query's workers load LLVM."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    assert session.execute(text("SHOW jit")).scalar() == "off"
