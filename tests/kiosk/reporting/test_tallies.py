"""Per-period counts: the nightly recount covers every period late answers may reach, and the first run
on an older installation counts all that was there."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from kiosk.database import begin_write
from kiosk.extensions import db
from kiosk.models import SubmissionTally
from kiosk.reporting.tallies import count_recent
from tests.kiosk.helpers import questions_by_kind


def counted(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.coalesce(func.sum(SubmissionTally.count), 0))))


def recount(app, today: date):
    with app.app_context():
        begin_write(db.session)
        done = count_recent(db.session, today, app.config["MAX_BACKDATE_DAYS"])
        db.session.commit()
        return done


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
