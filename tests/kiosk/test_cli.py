"""The CLI: a fresh database from migrations, demo data, and the list of links."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, inspect, select

from kiosk.extensions import db
from kiosk.models import (Digest, DigestStatus, Form, FreeText, LedgerEntry, Location, QuestionKind, ShortLink, Submission,
                          TextStatus, Theme)
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


def test_demo_shows_the_councils_half_too(runner, session):
    """Six closed weeks of answers at both places, their text moderated and themed, and the council's digests."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "digests for the user council" in result.output
    today = datetime.now(ZoneInfo("Europe/Oslo")).date()
    this_monday = today - timedelta(days=today.weekday())

    digests = session.scalars(select(Digest).order_by(Digest.first_day)).all()
    # The last week's digest is due on Monday at 08:00 (Oslo): before that, five.
    assert len(digests) >= 5 and {d.status for d in digests} == {DigestStatus.READY}
    assert [d.first_day for d in digests] == [this_monday - timedelta(weeks=6 - n) for n in range(len(digests))]
    shown = [text for d in digests for theme in d.snapshot["themes"] for text in theme["texts"]]
    assert len(shown) >= 20 and "«" not in "".join(shown)
    assert any(theme["quotes"] for d in digests for theme in d.snapshot["themes"])
    assert session.scalar(select(func.count()).select_from(Theme)) == 4
    # Every place counted, the small one merged or carried in some weeks, and the digest says so.
    assert any(d.snapshot["carried_forward"] or d.snapshot["merged"]["locations"] for d in digests), [d.snapshot for d in digests]
    # A few of the last week's texts wait for the moderators; text with a phone number is stored without it.
    waiting = session.scalars(select(FreeText).where(FreeText.status == TextStatus.PENDING)).all()
    assert len(waiting) == 3
    assert not session.scalars(select(FreeText).where(FreeText.text.contains("912 34 567"))).all()
    assert session.scalars(select(FreeText).where(FreeText.text.contains("[telefon]"))).all()
    assert all(entry.theme_id for entry in session.scalars(select(LedgerEntry)))

    answers = session.scalar(select(func.count()).select_from(Submission))
    session.rollback()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert session.scalar(select(func.count()).select_from(Submission)) == answers
    assert len(session.scalars(select(Digest)).all()) == len(digests)


def test_demo_without_history_answers_nothing(runner, session):
    assert runner.invoke(args=["demo", "--no-history"]).exit_code == 0
    assert session.scalar(select(func.count()).select_from(Submission)) == 0
    assert session.scalar(select(func.count()).select_from(Digest)) == 0


def test_cleanup_command(runner):
    result = runner.invoke(args=["cleanup"])
    assert result.exit_code == 0
    assert "Removed 0 expired idempotency keys" in result.output
