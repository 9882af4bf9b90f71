"""Per-period counts: the nightly recount covers every period late answers may reach, and the first run
on an older installation counts all that was there, in parts that each hold the write lock briefly, and
goes on where a run that stopped left off; closed periods are marked counted until a late answer
reaches one, and a digest counts again only then."""
from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from kiosk import scheduler
from kiosk.database import begin_write
from kiosk.extensions import db
from kiosk.models import CountedPeriod, SubmissionTally
from kiosk.periods import period_start
from kiosk.reporting.tallies import PART_DAYS, count_periods, ensure_counted, periods_due
from tests.kiosk.helpers import questions_by_kind


def counted(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.coalesce(func.sum(SubmissionTally.count), 0))))


def due(app, today: date) -> list[tuple[date, date]]:
    with app.app_context():
        spans = periods_due(db.session, today, app.config["MAX_BACKDATE_DAYS"])
        db.session.rollback()
        return spans


def recount(app, today: date):
    """Run the scheduler's count-periods job on today; return the first and last period start it counted."""
    spans = due(app, today)
    with app.app_context():
        line = scheduler.count_periods(
            db.session, now=datetime.combine(today, time(12), tzinfo=timezone.utc), config=app.config
        )
        db.session.commit()
    assert line.startswith("Counted" if spans else "No answers")
    return (spans[0][0], spans[-1][1]) if spans else None


def test_first_run_counts_everything_then_only_recent_periods(app, client, link, make_submission):
    smiley = questions_by_kind(client.get(f"/api/v1/links/{link.code}").get_json())["smiley"]["id"]
    today = date(2026, 11, 18)
    assert recount(app, today) is None  # nothing stored, nothing to count
    old = datetime(2026, 6, 3, 12, tzinfo=timezone.utc)
    for moment in (old, old, datetime(2026, 11, 10, 12, tzinfo=timezone.utc)):
        make_submission(link, {smiley: 3}, now=moment)
    first, last = recount(app, today)
    assert (first, last) == (date(2026, 6, 1) if app.config["TIME_BUCKET"] == "week" else date(2026, 6, 3), today)
    assert counted(app) == 3
    make_submission(link, {smiley: 5}, now=datetime(2026, 11, 17, 12, tzinfo=timezone.utc))
    first, _ = recount(app, today)
    assert first == today - timedelta(days=app.config["MAX_BACKDATE_DAYS"] + 6)  # counts exist: recent periods only
    assert counted(app) == 4


def marked(app) -> set[date]:
    with app.app_context():
        return set(db.session.scalars(select(CountedPeriod.period)))


def test_closed_periods_stay_marked_until_a_late_answer_reaches_one(app, client, link, make_submission):
    smiley = questions_by_kind(client.get(f"/api/v1/links/{link.code}").get_json())["smiley"]["id"]
    unit = app.config["TIME_BUCKET"]
    today = date(2026, 11, 18)
    noon = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)
    for day in (20, 10):  # October and November: the first count covers them all
        make_submission(link, {smiley: 3}, now=datetime(2026, 11 if day == 10 else 10, day, 12, tzinfo=timezone.utc))
    first, last = recount(app, today)
    open_from = period_start(today, unit)
    days = {first + timedelta(days=n) for n in range((last - first).days + 1)}
    # Every day before today's period is marked, counted or empty; today's period is still open.
    assert marked(app) == {day for day in days if day < open_from}

    make_submission(link, {smiley: 4}, now=noon)  # today's period: open, nothing to take back
    assert marked(app) == {day for day in days if day < open_from}

    late = period_start(date(2026, 11, 11), unit)  # a tablet's queue, a week late
    make_submission(link, {smiley: 5}, now=noon, day=date(2026, 11, 11))
    assert late not in marked(app)
    assert len(marked(app)) == len([day for day in days if day < open_from]) - 1

    with app.app_context():
        begin_write(db.session)
        # A digest of the week before the late answer's finds its marks and counts nothing again.
        week_before = period_start(date(2026, 11, 4), "week")
        assert ensure_counted(db.session, week_before - timedelta(days=6), week_before + timedelta(days=6),
                              open_from=open_from) is False
        # The late answer's week is counted again, with it.
        assert ensure_counted(db.session, late - timedelta(days=6), late + timedelta(days=6),
                              open_from=open_from) is True
        total = db.session.scalar(
            select(func.sum(SubmissionTally.count)).where(SubmissionTally.period == late)
        )
        db.session.commit()
    assert total == (2 if unit == "week" else 1)  # the day of the 10th is in the same week as the 11th
    assert late in marked(app)


def test_a_first_count_goes_in_parts_and_a_stopped_one_goes_on_where_it_left_off(app, client, link, make_submission):
    """An older installation's first count is a year: each part is its own short write transaction."""
    smiley = questions_by_kind(client.get(f"/api/v1/links/{link.code}").get_json())["smiley"]["id"]
    today = date(2026, 11, 18)
    for month in (6, 8, 11):
        make_submission(link, {smiley: 3}, now=datetime(2026, month, 3, 12, tzinfo=timezone.utc))
    spans = due(app, today)
    earliest = period_start(date(2026, 6, 3), app.config["TIME_BUCKET"])
    assert spans[0][0] == earliest and spans[-1][1] == today
    assert all((last - first).days < PART_DAYS for first, last in spans)
    assert all(later[0] == earlier[1] + timedelta(days=1) for earlier, later in zip(spans, spans[1:]))  # no gaps
    assert len(spans) >= (today - earliest).days // PART_DAYS

    with app.app_context():  # a run stopped after its first three parts: they are counted and committed
        for first, last in spans[:3]:
            begin_write(db.session)
            count_periods(db.session, first, last, open_from=period_start(today, app.config["TIME_BUCKET"]))
            db.session.commit()
    assert counted(app) == 1  # June's; not yet August's or November's
    assert due(app, today) == spans[3:]  # the next run goes on where this one stopped

    recount(app, today)
    assert counted(app) == 3
    recent = today - timedelta(days=app.config["MAX_BACKDATE_DAYS"] + 6)
    assert due(app, today)[0][0] == recent  # now only the periods late answers may still reach


def test_an_answer_that_comes_late_while_its_period_is_counted_takes_the_new_mark_away(app, client, link,
                                                                                       make_submission):
    """A count in progress and a late answer into the same period: whichever commits first, the period ends up
    either counted with the answer or unmarked (counted again later), never marked without it. SQLite has one
    writer at a time; on PostgreSQL the late answer waits for the count's lock on the marks."""
    smiley = questions_by_kind(client.get(f"/api/v1/links/{link.code}").get_json())["smiley"]["id"]
    today = date(2026, 11, 18)
    period = period_start(date(2026, 11, 10), app.config["TIME_BUCKET"])
    make_submission(link, {smiley: 3}, now=datetime(2026, 11, 10, 12, tzinfo=timezone.utc))
    recount(app, today)
    assert period in marked(app)
    failures: list[BaseException] = []

    def late_answer() -> None:
        try:
            make_submission(link, {smiley: 5}, now=datetime(2026, 11, 18, 12, tzinfo=timezone.utc),
                            day=date(2026, 11, 10))
        except BaseException as error:  # noqa: BLE001 - reported below, in the test's thread
            failures.append(error)

    with app.app_context():
        begin_write(db.session)
        count_periods(db.session, period, period, open_from=period_start(today, app.config["TIME_BUCKET"]))
        late = threading.Thread(target=late_answer)
        late.start()
        late.join(0.5)
        assert late.is_alive()  # it waits for the count to end
        db.session.commit()
    late.join(10)
    assert not late.is_alive() and not failures
    assert period not in marked(app)  # so the next count, or a digest, counts the period again, with it
    recount(app, today)
    assert counted(app) == 2
