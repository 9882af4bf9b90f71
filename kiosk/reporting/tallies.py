"""Per-period counts: what digests, trends and exports read instead of re-counting a year of raw answers.

Counts are kept per stored period (the day, or the ISO week, that submissions carry) and location:
submissions per channel and burst mark, and answers per question and value (the number given, or the
option chosen). They are made with one GROUP BY over a range of the primary key, and made again for
recent days every night, because a tablet may deliver answers it queued offline up to
MAX_BACKDATE_DAYS late; periods_due says which, in parts short enough not to keep web workers waiting
for the write lock. A closed period, once counted, is marked in counted_period; an answer stored
late into it takes the mark away (kiosk/submissions.py), so a digest counts its periods again only when
one of them has changed. Burst-marked answers (someone hammering the faces) are not in the answer
counts; digests report how many there were. Operations flush; the caller commits.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.orm import Session

from kiosk.ids import id_range, period_of
from kiosk.models import AnswerTally, CountedPeriod, Submission, SubmissionTally
from kiosk.models.types import UuidBytes

_RANGE = (bindparam("low", type_=UuidBytes()), bindparam("high", type_=UuidBytes()))
_SUBMISSIONS = text(
    "INSERT INTO submission_tally (period, location_id, channel, burst, count) "
    "SELECT period, location_id, channel, burst, count(*) FROM submission "
    "WHERE id >= :low AND id < :high GROUP BY period, location_id, channel, burst"
).bindparams(*_RANGE)
# How many submissions answered each question at all (n; for a multiple choice not the sum of ticks).
RESPONDENTS = -1
_RESPONDENTS = text(
    "INSERT INTO answer_tally (period, location_id, question_id, value, count) "
    f"SELECT s.period, s.location_id, a.question_id, {RESPONDENTS}, count(DISTINCT a.submission_id) "
    "FROM answer a JOIN submission s ON s.id = a.submission_id "
    "WHERE a.submission_id >= :low AND a.submission_id < :high AND s.id >= :low AND s.id < :high AND NOT s.burst "
    "GROUP BY s.period, s.location_id, a.question_id"
).bindparams(*_RANGE)
# A question's answers are either numbers or options, never both; the value is whichever it has.
_ANSWERS = text(
    "INSERT INTO answer_tally (period, location_id, question_id, value, count) "
    "SELECT s.period, s.location_id, a.question_id, coalesce(a.option_id, a.number), count(*) "
    "FROM answer a JOIN submission s ON s.id = a.submission_id "
    "WHERE a.submission_id >= :low AND a.submission_id < :high AND s.id >= :low AND s.id < :high AND NOT s.burst "
    "GROUP BY s.period, s.location_id, a.question_id, coalesce(a.option_id, a.number)"
).bindparams(*_RANGE)


def count_periods(session: Session, first: date, last: date, *, open_from: date) -> None:
    """Count (again) the periods starting first..last, replacing what was counted for them before.

    The periods that start before open_from have closed, and are marked as counted.
    """
    if session.get_bind().dialect.name == "postgresql":
        # A late answer takes its period's mark away before it stores anything (kiosk/submissions.py). Without
        # this lock one that comes while the count runs could miss both the count and the mark the count then
        # writes; with it, it waits, and takes the new mark away. Counts wait for each other too. SQLite has
        # one writer at a time.
        session.execute(text("LOCK TABLE counted_period IN SHARE ROW EXCLUSIVE MODE"))
    low, high = id_range(first, last)
    for model in (SubmissionTally, AnswerTally, CountedPeriod):
        session.execute(delete(model).where(model.period >= first, model.period <= last))
    session.execute(_SUBMISSIONS, {"low": low, "high": high})
    session.execute(_ANSWERS, {"low": low, "high": high})
    session.execute(_RESPONDENTS, {"low": low, "high": high})
    closed = [{"period": day} for day in _days(first, min(last, open_from - timedelta(days=1)))]
    if closed:
        session.execute(insert(CountedPeriod), closed)
    session.flush()


def ensure_counted(session: Session, first: date, last: date, *, open_from: date) -> bool:
    """Count the periods starting first..last unless all are marked counted; return whether it counted."""
    days = (last - first).days + 1
    marked = session.scalar(
        select(func.count())
        .select_from(CountedPeriod)
        .where(CountedPeriod.period >= first, CountedPeriod.period <= last)
    )
    if marked == days:
        return False
    count_periods(session, first, last, open_from=open_from)
    return True


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# At most this many days are counted in one transaction: the first count of an older installation's
# year (15.8 s at a million submissions on SQLite) would otherwise hold the write lock longer than web
# workers wait for it (the busy timeout, 10 s); two weeks take well under a second.
PART_DAYS = 14


def periods_due(session: Session, today: date, backdate_days: int) -> list[tuple[date, date]]:
    """Return the spans of period starts to count tonight, oldest first, none longer than PART_DAYS days.

    They are every period late answers may still reach (backdate_days and the six days of a week
    before that), counted again every night, and any earlier day not marked counted: on the first run
    on an installation from before counts were kept, everything; after a run that stopped half-way,
    what it did not reach. Count each span with count_periods and commit it before the next.
    """
    lowest = session.scalar(select(Submission.id).order_by(Submission.id).limit(1))  # PostgreSQL has no min(uuid)
    if lowest is None:
        return []
    earliest = period_of(lowest)
    recent = max(today - timedelta(days=backdate_days + 6), earliest)
    marked = set(
        session.scalars(
            select(CountedPeriod.period).where(CountedPeriod.period >= earliest, CountedPeriod.period < recent)
        )
    )
    days = [day for day in _days(earliest, recent - timedelta(days=1)) if day not in marked]
    days += _days(recent, max(today, recent))
    spans: list[list[date]] = []
    for day in days:
        if spans and spans[-1][1] + timedelta(days=1) == day and (day - spans[-1][0]).days < PART_DAYS:
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return [(first, last) for first, last in spans]
