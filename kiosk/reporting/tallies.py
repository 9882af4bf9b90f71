"""Per-period counts: what digests, trends and exports read instead of re-counting a year of raw answers.

Counts are kept per stored period (the day, or the ISO week, that submissions carry) and location:
submissions per channel and burst mark, and answers per question and value (the number given, or the
option chosen). They are made with one GROUP BY over a range of the primary key, and made again for
recent days every night, because a tablet may deliver answers it queued offline up to
MAX_BACKDATE_DAYS late. Burst-marked answers (someone hammering the faces) are not in the answer
counts; digests report how many there were. Operations flush; the caller commits.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import bindparam, delete, func, select, text
from sqlalchemy.orm import Session

from kiosk.ids import id_range
from kiosk.models import AnswerTally, Submission, SubmissionTally
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


def count_periods(session: Session, first: date, last: date) -> None:
    """Count (again) the periods starting first..last, replacing what was counted for them before."""
    low, high = id_range(first, last)
    for model in (SubmissionTally, AnswerTally):
        session.execute(delete(model).where(model.period >= first, model.period <= last))
    session.execute(_SUBMISSIONS, {"low": low, "high": high})
    session.execute(_ANSWERS, {"low": low, "high": high})
    session.execute(_RESPONDENTS, {"low": low, "high": high})
    session.flush()


def count_recent(session: Session, today: date, backdate_days: int) -> tuple[date, date] | None:
    """Count again the periods late answers may still reach, and any earlier period never counted.

    A tablet may deliver answers up to backdate_days late, into a week that began up to six days
    before that; so those periods are counted again every night. The first run on a database with
    answers but no counts (an installation from before counts were kept) counts everything once.
    Return the range of period starts counted, or None when there is nothing to count.
    """
    first = today - timedelta(days=backdate_days + 6)
    earliest = session.scalar(select(func.min(Submission.period)))
    if earliest is None:
        return None
    if session.scalar(select(func.count()).select_from(SubmissionTally)) == 0:
        first = min(first, earliest)
    first = max(first, earliest)
    count_periods(session, first, today)
    return first, today
