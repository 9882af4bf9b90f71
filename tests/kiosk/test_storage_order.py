"""Storage order tells nothing about arrival: within a period, neither the order rows are stored in nor
the order of their ids correlates with the order they came in, and an id gives away only its period.

Spearman's rho between arrival and storage rank: for a random order its standard deviation is
1/sqrt(n - 1), 0.01 for n = 10,000, so |rho| < 0.05 fails a sound design about once in 1.7 million runs
(five standard deviations), while any leak of arrival order shows up far above it.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.orm import Session

from kiosk.database import begin_write
from kiosk.extensions import db
from kiosk.ids import id_range, period_id, period_of
from kiosk.links import resolve_link
from kiosk.models.types import UuidBytes
from kiosk.storage import delete_periods, settle
from kiosk.submissions import Given, Rules, submit
from tests.conftest import NOW

N = 10_000


def spearman(order: list[int]) -> float:
    """Return Spearman's rho between positions 0..n-1 and the arrival ranks listed in that order."""
    n = len(order)
    d2 = sum((position - rank) ** 2 for position, rank in enumerate(order))
    return 1 - 6 * d2 / (n * (n * n - 1))


def store_many(app: Flask, code: str, count: int, *, now: datetime = NOW, day: date | None = None) -> list[uuid.UUID]:
    """Store count submissions through the submission service (the same day), in one transaction."""
    with app.app_context():
        session = db.session
        begin_write(session)
        target = resolve_link(session, code)
        smiley = session.execute(text("SELECT id FROM question WHERE form_version_id = :v ORDER BY position"), {"v": target.version_id}).scalar()
        rules = Rules.from_config(app.config)
        ids = []
        for n in range(count):
            given = Given({str(smiley): n % 5 + 1}, "qr", key=uuid.uuid4(), body_hash=str(n), day=day)
            ids.append(submit(session, target, given, now=now, rules=rules).id)
        session.commit()
    return ids


def storage_order(session: Session, table: str, column: str) -> list[uuid.UUID]:
    """Return column's values in the order the table's rows are stored (a plain scan; ctid on PostgreSQL)."""
    session.rollback()
    order = " ORDER BY ctid" if session.get_bind().dialect.name == "postgresql" else ""
    rows = session.execute(text(f"SELECT {column} FROM {table}{order}").columns(**{column: UuidBytes()}))
    return [row[0] for row in rows]


def test_storage_and_id_order_say_nothing_about_arrival(app, session, link):
    arrived = store_many(app, link.code, N)
    rank = {sid: n for n, sid in enumerate(arrived)}
    assert len({period_of(sid) for sid in arrived}) == 1  # one period: order inside it is what matters
    if session.get_bind().dialect.name == "postgresql":
        # The heap keeps arrival order until the period closes and the nightly upkeep settles it.
        before = [rank[sid] for sid in storage_order(session, "submission", "id")]
        assert spearman(before) > 0.9, "PostgreSQL's heap should start in arrival order; this test would prove nothing"
        first = period_of(arrived[0])
        settle(session, first, first)
        session.commit()
    by_id = [rank[sid] for sid in sorted(arrived, key=lambda u: u.bytes)]
    assert abs(spearman(by_id)) < 0.05
    submissions = [rank[sid] for sid in storage_order(session, "submission", "id")]
    assert sorted(submissions) == list(range(N))
    assert abs(spearman(submissions)) < 0.05
    answers = [rank[sid] for sid in storage_order(session, "answer", "submission_id")]
    assert len(answers) == N
    assert abs(spearman(answers)) < 0.05
    keys = [rank[sid] for sid in storage_order(session, "idempotency_key", "submission_id")]
    assert abs(spearman(keys)) < 0.05


def test_spearman_sees_arrival_order_when_it_is_there():
    assert spearman(list(range(1000))) == pytest.approx(1)
    assert spearman(list(range(999, -1, -1))) == pytest.approx(-1)


class TestWeeks:
    @pytest.fixture
    def app_config(self):
        return {"TIME_BUCKET": "week", "MAX_BACKDATE_DAYS": 30}

    def test_an_id_gives_away_only_its_week(self, app, link):
        monday = date(2026, 11, 16)
        ids = []
        for day in (monday, monday + timedelta(days=2), monday + timedelta(days=6)):
            ids += store_many(app, link.code, 20, day=day, now=datetime(2026, 11, 23, 12, tzinfo=timezone.utc))
        assert {sid.bytes[:4] for sid in ids} == {period_id(monday).bytes[:4]}
        assert {period_of(sid) for sid in ids} == {monday}
        assert all(sid.version == 8 and sid.variant == uuid.RFC_4122 for sid in ids)
        # Beyond the period, every id is random: no two share their last twelve bytes' first four.
        assert len({sid.bytes[4:8] for sid in ids}) == len(ids)


def test_period_ranges_cover_exactly_their_periods():
    low, high = id_range(date(2026, 11, 16), date(2026, 11, 22))
    inside = [period_id(date(2026, 11, 16) + timedelta(days=d)) for d in range(7)]
    outside = [period_id(date(2026, 11, 15)), period_id(date(2026, 11, 23))]
    assert all(low.bytes <= i.bytes < high.bytes for i in inside)
    assert not any(low.bytes <= o.bytes < high.bytes for o in outside)


def test_deleting_periods_takes_answers_and_keys_along(app, session, link):
    kept = store_many(app, link.code, 5, day=NOW.date() - timedelta(days=3))
    gone = store_many(app, link.code, 7, day=NOW.date() - timedelta(days=10))
    first = period_of(gone[0])
    assert delete_periods(session, first, first) == 7
    session.commit()
    assert set(storage_order(session, "submission", "id")) == set(kept)
    assert set(storage_order(session, "answer", "submission_id")) == set(kept)
    assert set(storage_order(session, "idempotency_key", "submission_id")) == set(kept)


def test_the_nightly_settle_rewrites_only_the_periods_that_changed(app, session, link):
    """Each closed period is settled once, and again only after a late answer reached it (PostgreSQL)."""
    from sqlalchemy import select

    from kiosk.models import SettledPeriod
    from kiosk.storage import settle_closed

    today, unit, backdate = NOW.date(), app.config["TIME_BUCKET"], int(app.config["MAX_BACKDATE_DAYS"])
    assert unit == "day"
    for days_ago in (2, 3, 5):
        store_many(app, link.code, 4, day=today - timedelta(days=days_ago))

    def nightly() -> int:
        begin_write(session)
        moved = settle_closed(session, today=today, unit=unit, backdate_days=backdate)
        session.commit()
        return moved

    def marks() -> set[date]:
        return set(session.scalars(select(SettledPeriod.period)))

    if session.get_bind().dialect.name == "sqlite":  # stored in key order already: nothing to do, no marks
        assert nightly() == 0 and marks() == set()
        return
    assert nightly() == 12
    window = {today - timedelta(days=n) for n in range(1, backdate + 7)}
    assert marks() == window
    assert nightly() == 0  # nothing came since
    late = store_many(app, link.code, 1, day=today - timedelta(days=3))
    assert marks() == window - {period_of(late[0])}
    assert nightly() == 5  # that day's four and the late one, in id order again
    assert marks() == window
    arrived = [sid for sid in storage_order(session, "submission", "id") if period_of(sid) == period_of(late[0])]
    assert arrived == sorted(arrived, key=lambda sid: sid.bytes)
