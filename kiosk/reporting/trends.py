"""Trends for staff without peeking: a question's weekly mean at a place over the last year's closed weeks.

Read from the per-period counts, never from raw answers. A week is shown only when its whole distribution
could be shown (nothing below k); only the mean is shown, never counts or n, so that no week can be
subtracted from a digest's month to work out a hidden count. The current week never appears. k is the
strictest of the default and of every council linked to the place (strictest_k).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.councils import linked_councils
from kiosk.digests.counts import QuestionGroup, question_groups
from kiosk.digests.periods import week_of
from kiosk.models import AnswerTally, QuestionKind
from kiosk.reporting.suppression import DEFAULT_K, suppress_distribution

WEEKS = 52
MEANINGFUL = (QuestionKind.SMILEY, QuestionKind.SCALE, QuestionKind.YES_NO)


@dataclass(frozen=True)
class Point:
    """One closed week: its label, and the mean when it may be shown."""

    week: str
    mean: float | None


@dataclass(frozen=True)
class Trend:
    """A question's weekly means at a place, oldest week first, and the range its answers run over."""

    question: QuestionGroup
    points: tuple[Point, ...]
    low: int
    high: int

    @property
    def share(self) -> bool:
        """Return True when the mean is the share who answered yes (a yes/no question): shown in percent."""
        return self.question.question.kind is QuestionKind.YES_NO

    @property
    def shown(self) -> bool:
        """Return True when at least one week's mean may be shown."""
        return any(point.mean is not None for point in self.points)

    def runs(self) -> list[list[tuple[int, float]]]:
        """Return the shown weeks as runs of consecutive weeks, each (index, mean): a line joins a run only."""
        runs: list[list[tuple[int, float]]] = []
        previous = None
        for index, point in enumerate(self.points):
            if point.mean is None:
                continue
            if previous is None or index != previous + 1:
                runs.append([])
            runs[-1].append((index, point.mean))
            previous = index
        return runs


def strictest_k(session: Session, location_id: int) -> int:
    """Return the k a place's trends are suppressed with: the default's, or a larger one of a council linked to it.

    A council's digest hides counts below its own k, and then hides n too. A week's mean shown with a
    smaller k would be one more equation next to that digest: enough to work out its one hidden count.
    The councils are those that follow the place and those that share places with them
    (kiosk.councils.linked_councils): their digests all hide with the largest k among them.
    """
    return max([DEFAULT_K, *(council.k for council in linked_councils(session, [location_id]))])


def closed_weeks(today: date, count: int = WEEKS) -> tuple[date, date]:
    """Return the first and last day of the count ISO weeks that ended before today's week."""
    this_week = week_of(today).first_day
    return this_week - timedelta(weeks=count), this_week - timedelta(days=1)


def trends(session: Session, location_id: int, *, today: date, k: int) -> list[Trend]:
    """Return the trend of every question with a mean (smileys, scales, yes/no) answered at a place this year."""
    first, last = closed_weeks(today)
    ranges = {location_id: (first, last)}
    groups = [g for g in question_groups(session, ranges) if g.question.kind in MEANINGFUL]
    ids = [i for g in groups for i in g.ids]
    rows = session.execute(
        select(AnswerTally.period, AnswerTally.question_id, AnswerTally.value, AnswerTally.count).where(
            AnswerTally.period >= first,
            AnswerTally.period <= last,
            AnswerTally.location_id == location_id,
            AnswerTally.question_id.in_(ids),
            AnswerTally.value >= 0,
        )
    )
    by_week: dict[tuple[int, date], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for period, question_id, value, count in rows:
        by_week[(question_id, week_of(period).first_day)][value] += int(count)
    weeks = [first + timedelta(weeks=n) for n in range(WEEKS)]
    return [_trend(group, by_week, weeks, k) for group in groups]


def _trend(group: QuestionGroup, by_week: dict[tuple[int, date], dict[int, int]], weeks: list[date], k: int) -> Trend:
    q = group.question
    low, high = (
        (0, 1)
        if q.kind is QuestionKind.YES_NO
        else (1, 5)
        if q.kind is QuestionKind.SMILEY
        else (q.scale_min or 0, q.scale_max or 5)
    )
    points = []
    for monday in weeks:
        counts: dict[int, int] = defaultdict(int)
        for question_id in group.ids:
            for value, count in by_week.get((question_id, monday), {}).items():
                counts[value] += count
        options = list(range(low, high + 1))
        dist = suppress_distribution(
            options, {v: counts.get(v, 0) for v in options}, k=k, values={v: float(v) for v in options}
        )
        points.append(Point(week_of(monday).label, dist.mean))  # rounded where shown, once
    return Trend(group, tuple(points), low, high)
