"""Per-period counts: what digests, trends and exports read instead of re-counting a year of raw answers.

Counts are kept per stored period (the day, or the ISO week, that submissions carry) and location:
submissions per channel and burst mark, and answers per question and value (the number given, or the
option chosen). They are made with one GROUP BY over a range of the primary key, and made again for
recent days every night, because a tablet may deliver answers it queued offline up to
MAX_BACKDATE_DAYS late. Burst-marked answers (someone hammering the faces) are not in the answer
counts; digests report how many there were. Operations flush; the caller commits.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, delete, text
from sqlalchemy.orm import Session

from kiosk.ids import id_range
from kiosk.models import AnswerTally, SubmissionTally
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
