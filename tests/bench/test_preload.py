"""The benchmark's preload and minimal floor write what they claim: kiosk's rows, in their period's range."""
from __future__ import annotations

import json
import sqlite3
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from kiosk.demo import load_demo
from kiosk.extensions import db
from kiosk.ids import id_range, period_of
from kiosk.models import Answer, Submission
from tests.conftest import NOW, PG_URL

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import floor_min
import preload
from floor_app import sealer as floor_min_sealer

TODAY = date(2026, 11, 18)
PLACES = tuple((i, 100 + i, f"CODE{i}") for i in range(1, 9))
QUESTIONS = ((1, "smiley", ()), (2, "scale", ()), (3, "yes_no", ()), (4, "single_choice", (10, 11, 12)),
             (5, "multiple_choice", (20, 21, 22)), (6, "free_text", ()))
PLAN = preload.Plan(7, QUESTIONS, PLACES, (), ())


def test_a_year_of_days_over_every_place() -> None:
    days = list(preload.days(PLAN, 3000, TODAY))
    assert [d.day for d in days] == [TODAY - timedelta(days=363 - i) for i in range(364)]
    submissions = [s for d in days for s in d.submissions]
    assert len(submissions) == 3000 and len({s[0] for s in submissions}) == 3000
    assert {s[2] for s in submissions} == {p[0] for p in PLACES}
    for d in days:
        low, high = id_range(d.day, d.day)
        assert all(low <= s[0] < high and period_of(s[0]) == s[4] == d.day for s in d.submissions)
        assert all((s[3] == "kiosk") == (s[6] == 100 + s[2]) for s in d.submissions)
        assert (len(d.keys) == len(d.submissions)) == (d.day > TODAY - timedelta(days=7))
        assert len(d.keys) in (0, len(d.submissions))
    answers: dict[uuid.UUID, list[int]] = {}
    for d in days:
        for a in d.answers:
            answers.setdefault(a[0], []).append(a[1])
    assert set(answers) == {s[0] for s in submissions}
    assert {len(p) for p in answers.values()} == {5, 6}
    assert all(p == list(range(len(p))) for p in answers.values())
    texts = [t for d in days for t in d.texts]
    assert 0.2 < len(texts) / 3000 < 0.3 and len({t[1] for t in texts}) == len(texts)
    places = {s[0]: s[2] for s in submissions}
    for d in days:
        recent = d.day > TODAY - timedelta(days=14)
        for t in d.texts:
            assert period_of(t[0]) == period_of(t[1]) == d.day and t[2] == places[t[1]] and t[3] == 6
            assert (t[7], t[6] is not None) == ("pending", True) if recent else t[7] in ("released", "hidden") and t[6] is None


@pytest.mark.skipif(bool(PG_URL), reason="fills the SQLite file directly; PostgreSQL is filled through COPY as a superuser")
def test_preloaded_rows_are_kiosks_and_lie_in_their_periods_range(app: Flask) -> None:
    with app.app_context():
        load_demo(db.session, now=NOW)
        preload._add_places(db.session, NOW)
        db.session.commit()
        plan = preload._read_plan(db.session)
        path = db.engine.url.database
        db.session.remove()
        db.engine.dispose()
    assert len(plan.places) == 8 and [q[1] for q in plan.questions][-1] == "free_text"
    preload.fill_sqlite(path, plan, 2000, TODAY)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT count(*) FROM free_text WHERE status = 'pending' AND sealed IS NOT NULL").fetchone()[0] > 0
        assert conn.execute(
            "SELECT count(*) FROM free_text JOIN submission ON submission.id = free_text.submission_id"
            " WHERE free_text.location_id != submission.location_id"
        ).fetchone() == (0,)
    week = (TODAY - timedelta(days=13), TODAY - timedelta(days=7))
    low, high = id_range(*week)
    with app.app_context():
        by_id = db.session.scalars(select(Submission.id).where(Submission.id >= low, Submission.id < high)).all()
        by_period = db.session.scalars(select(Submission.id).where(Submission.period.between(*week))).all()
        assert sorted(by_id) == sorted(by_period)
        assert len(by_id) == sum(2000 * (i + 1) // 364 - 2000 * i // 364 for i in range(350, 357))
        answers = select(db.func.count()).select_from(Answer)
        in_range = db.session.scalar(answers.where(Answer.submission_id >= low, Answer.submission_id < high))
        assert in_range == db.session.scalar(answers.where(Answer.submission_id.in_(by_period)))


def test_the_minimal_floor_stores_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret_key").write_text("bench-secret")
    monkeypatch.setenv("SIIFRA_INSTANCE_PATH", str(tmp_path))
    conn = sqlite3.connect(tmp_path / "minimal.sqlite3", isolation_level=None)
    floor_min.create(conn, [("ABC123", 7, 3, "Europe/Oslo")], [(1, 7, "smiley"), (5, 7, "multiple_choice"), (6, 7, "free_text")])
    key = uuid.uuid4()
    payload = {"link": "abc123", "answers": {"1": 4, "5": [20, 22], "6": " Mer kaffe "}}
    first = floor_min.store(conn, payload, key)
    assert floor_min.store(conn, payload, key) == first
    today = datetime.now(UTC).astimezone(floor_min.ZoneInfo("Europe/Oslo")).date()
    assert period_of(first) == today
    assert conn.execute("SELECT version_id, location_id, device_id FROM submission").fetchall() == [(7, 3, None)]
    assert conn.execute("SELECT position, question_id, value, text FROM answer ORDER BY position").fetchall() == [
        (0, 1, 4, None), (1, 5, 20, None), (2, 5, 22, None), (3, 6, None, "Mer kaffe")]
    (sealed,) = conn.execute("SELECT sealed FROM answer WHERE text IS NOT NULL").fetchone()
    opened = json.loads(floor_min_sealer("bench-secret").decrypt(sealed.encode()))
    assert opened == {"original": "Mer kaffe", "parts": []}
    assert conn.execute("SELECT count(*) FROM idempotency_key").fetchone() == (1,)


def test_the_floors_seal_as_kiosk_does(app: Flask) -> None:
    from kiosk.moderation.sealing import Sealed, unseal

    token = floor_min_sealer("test-secret-key").encrypt(json.dumps({"original": "Hei", "parts": []}).encode())
    with app.app_context():
        assert app.config["SECRET_KEY"] == "test-secret-key"
        assert unseal(token.decode()) == Sealed("Hei", ())
