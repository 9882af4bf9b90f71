"""The CLI: a fresh database from migrations, demo data, and the list of links."""
import re

from sqlalchemy import func, inspect, select

from kiosk.extensions import db
from kiosk.models import Form, Location, QuestionKind, ShortLink
from kiosk.shortcodes import ALPHABET


def test_db_upgrade_creates_a_fresh_database(tmp_path, monkeypatch):
    from kiosk import create_app

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SIIFRA_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert {"submission", "answer", "short_link", "alembic_version"} <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_demo_loads_two_locations_and_both_forms(runner, session):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(func.count()).select_from(Location)) == 2
    forms = session.scalars(select(Form)).all()
    assert len(forms) == 2
    long_form = max(forms, key=lambda f: len(f.published.questions))
    texts = [q.text for q in long_form.published.questions]
    assert {"nb": "Hvordan hadde tjenesten sett ut hvis du kunne bestemme selv?",
            "nn": "Korleis hadde tenesta sett ut om du kunne bestemme sjølv?",
            "en": "How would the service look if you could decide?"} in texts
    assert {q.kind for q in long_form.published.questions} == set(QuestionKind)
    for question in long_form.published.questions:
        assert set(question.text) == {"nb", "nn", "en"}
    smiley_form = min(forms, key=lambda f: len(f.published.questions))
    assert [q.kind for q in smiley_form.published.questions] == [QuestionKind.SMILEY]


def test_demo_twice_adds_nothing(runner, session):
    runner.invoke(args=["demo"])
    runner.invoke(args=["demo"])
    assert session.scalar(select(func.count()).select_from(ShortLink)) == 4


def test_links_prints_full_urls_first(runner, session):
    runner.invoke(args=["demo"])
    result = runner.invoke(args=["links"])
    lines = result.output.strip().splitlines()
    assert len(lines) == 4
    for line in lines:
        assert re.match(rf"^http://127\.0\.0\.1:5000/s/[{ALPHABET}]{{6}}  \S", line), line


def test_demo_links_open(runner, client):
    runner.invoke(args=["demo"])
    for line in runner.invoke(args=["links"]).output.strip().splitlines():
        path = line.split()[0].removeprefix("http://127.0.0.1:5000")
        assert client.get(path).status_code == 200


def test_cleanup_command(runner):
    result = runner.invoke(args=["cleanup"])
    assert result.exit_code == 0
    assert "Removed 0 expired idempotency keys" in result.output
