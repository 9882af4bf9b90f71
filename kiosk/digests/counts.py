"""The numbers of a digest, read from the per-period counts and passed through small-number suppression.

Each place is read over its own range of days: usually the digest's period, but longer for a place whose
answers were carried over from an earlier digest because there were too few of them then.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from kiosk.models import AnswerTally, Option, Question, QuestionKind, SubmissionTally
from kiosk.models.types import pick
from kiosk.published import QuestionView, published_view
from kiosk.reporting.suppression import (
    Hidden,
    cell_json,
    distribution_json,
    suppress_distribution,
    suppress_multiple_choice,
    suppress_table,
)
from kiosk.reporting.tallies import RESPONDENTS

CHANNELS = ("kiosk", "qr", "paper", "meeting", "interview")
OTHERS = 0  # the row of small places merged into "other places"
# {location id: (first day, last day)} of the stored periods to read for each place.
Ranges = Mapping[int, tuple[date, date]]


def _within(model: type[SubmissionTally] | type[AnswerTally], ranges: Ranges) -> ColumnElement[bool]:
    """Return the condition: a count row of one of the places, in that place's range of days."""
    by_range: dict[tuple[date, date], list[int]] = defaultdict(list)
    for location_id, span in ranges.items():
        by_range[span].append(location_id)
    if not by_range:
        return and_(model.location_id.is_(None), model.location_id.is_not(None))
    return or_(*(
        and_(model.location_id.in_(ids), model.period >= first, model.period <= last)
        for (first, last), ids in by_range.items()
    ))


@dataclass(frozen=True)
class Submissions:
    """Submissions per place and channel in a period (burst-marked ones counted apart)."""

    by_location: dict[int, dict[str, int]]
    burst: int

    def total(self, location_id: int | None = None) -> int:
        """Return the submissions (not burst-marked) of one place, or of all."""
        if location_id is not None:
            return sum(self.by_location.get(location_id, {}).values())
        return sum(sum(channels.values()) for channels in self.by_location.values())


def submissions(session: Session, ranges: Ranges) -> Submissions:
    """Return the counted submissions of these places, each in its range."""
    rows = session.execute(
        select(SubmissionTally.location_id, SubmissionTally.channel, SubmissionTally.burst, func.sum(SubmissionTally.count))
        .where(_within(SubmissionTally, ranges))
        .group_by(SubmissionTally.location_id, SubmissionTally.channel, SubmissionTally.burst)
    )
    by_location: dict[int, dict[str, int]] = defaultdict(dict)
    burst = 0
    for location_id, channel, is_burst, count in rows:
        if is_burst:
            burst += int(count)
        else:
            by_location[location_id][channel] = by_location[location_id].get(channel, 0) + int(count)
    return Submissions(dict(by_location), burst)


def location_table(current: Submissions, rows: list[int], names: dict[int, str], merged: list[int], k: int,
                   others: str, earlier: dict[str, Submissions | None]) -> dict[str, Any]:
    """Return submissions per place (small places merged into one row), with changes, and per channel.

    Every row holds k or more (the caller merges or carries over smaller places), so the place counts and
    their total are shown. Channels split them further: shown only if the split hides nothing, because a
    hidden channel count could be worked out from a shown place total.
    """
    def row_count(data: Submissions, row: int) -> int:
        return sum(data.total(loc) for loc in merged) if row == OTHERS else data.total(row)

    counts = {(row, channel): 0 for row in rows for channel in CHANNELS}
    for row in rows:
        for loc in merged if row == OTHERS else [row]:
            for channel, count in current.by_location.get(loc, {}).items():
                counts[(row, channel)] += count
    channels = [c for c in CHANNELS if any(counts[(r, c)] for r in rows)]
    table = suppress_table({key: v for key, v in counts.items() if key[1] in channels}, rows, channels, k=k)
    split_shown = not any(isinstance(cell, Hidden) for line in table.cells for cell in line)
    out = []
    for index, row in enumerate(rows):
        count = row_count(current, row)
        out.append({
            "name": others if row == OTHERS else names[row],
            "submissions": count,
            "channels": {c: cell_json(cell) for c, cell in zip(channels, table.cells[index], strict=True)} if split_shown else None,
            "merged": [names[loc] for loc in merged] if row == OTHERS else [],
            "change": _change(count, earlier["before"], row, merged, k),
            "change_year": _change(count, earlier["year"], row, merged, k),
        })
    return {"rows": out, "channels": channels if split_shown else None, "total": sum(row_count(current, r) for r in rows)}


def _change(now: int, data: Submissions | None, row: int, merged: list[int], k: int) -> int | None:
    """Return the change from an earlier period, only for a single place shown then too (k or more)."""
    if data is None or row == OTHERS or not data.by_location:
        return None
    before = data.total(row)
    return now - before if before >= k else None


@dataclass(frozen=True)
class QuestionGroup:
    """One question as the digest shows it: the same question (kind, text and options) counts together,
    in every version of a form and in every form that asks it."""

    question: QuestionView
    ids: tuple[int, ...]


def question_groups(session: Session, ranges: Ranges) -> list[QuestionGroup]:
    """Return the questions answered at these places in their ranges, in form and position order."""
    ids = list(session.scalars(select(AnswerTally.question_id).distinct().where(_within(AnswerTally, ranges))))
    versions = dict(session.execute(select(Question.id, Question.form_version_id).where(Question.id.in_(ids))).all())
    groups: dict[tuple[str, str, tuple[str, ...]], list[tuple[tuple[int, int], QuestionView]]] = defaultdict(list)
    for version_id in sorted(set(versions.values())):
        view = published_view(session, version_id)
        for q in view.questions:
            if q.id in versions and q.kind is not QuestionKind.FREE_TEXT:
                key = (q.kind.value, q.text.get("nb", ""), tuple(o.label.get("nb", "") for o in q.options))
                groups[key].append(((view.form_id, q.position), q))
    ordered = sorted(groups.values(), key=lambda members: min(order for order, _q in members))
    return [QuestionGroup(members[-1][1], tuple(q.id for _order, q in members)) for members in ordered]


def answer_counts(session: Session, ids: list[int], ranges: Ranges) -> dict[int, dict[int, int]]:
    """Return {question id: {value: count}} for these questions and places (value -1: respondents)."""
    rows = session.execute(
        select(AnswerTally.question_id, AnswerTally.value, func.sum(AnswerTally.count))
        .where(_within(AnswerTally, ranges), AnswerTally.question_id.in_(ids))
        .group_by(AnswerTally.question_id, AnswerTally.value)
    )
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for question_id, value, count in rows:
        out[question_id][value] = int(count)
    return out


def question_json(session: Session, group: QuestionGroup, counts: dict[int, dict[int, int]], *, k: int, lang: str,
                  before: dict[int, dict[int, int]] | None) -> dict[str, Any]:
    """Return one question's suppressed distribution, its mean where it means something, and the change."""
    options, keyed, respondents = _options(session, group, counts, lang)
    q = group.question
    if q.kind is QuestionKind.MULTIPLE_CHOICE:
        dist = suppress_multiple_choice(list(options), keyed, respondents, k=k)
    else:
        values = {key: float(key) for key in options} if q.kind in (QuestionKind.SMILEY, QuestionKind.SCALE, QuestionKind.YES_NO) else None
        dist = suppress_distribution(list(options), keyed, k=k, values=values)
    shown = distribution_json(dist, lambda key: options[key])
    return {
        "text": pick(q.text, lang), "kind": q.kind.value, **shown, "n": shown["n"]["count"],
        "n_suppressed": shown["n"].get("suppressed"),
        "mean_before": _mean_before(session, group, before, k, lang) if dist.mean is not None else None,
        "scale": [q.scale_min, q.scale_max] if q.kind is QuestionKind.SCALE else None,
    }


def _options(session: Session, group: QuestionGroup, counts: dict[int, dict[int, int]], lang: str) -> tuple[dict[int, str], dict[int, int], int]:
    """Return the group's options {key: label}, counts per key, and respondents.

    Choices are keyed by their position, so that versions of a form count together; smileys, scales and
    yes/no by the number given (a smiley's number is its face's position, 1 to 5).
    """
    q = group.question
    respondents = sum(counts.get(i, {}).get(RESPONDENTS, 0) for i in group.ids)
    key_of: dict[int, int] | None = None
    if q.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        labels = {o.position: pick(o.label, lang) for o in q.options}
        key_of = dict(session.execute(select(Option.id, Option.position).where(Option.question_id.in_(group.ids))).all())
    elif q.kind is QuestionKind.YES_NO:
        labels = {1: _yes_no(lang, True), 0: _yes_no(lang, False)}
    elif q.kind is QuestionKind.SMILEY:
        labels = {o.position: pick(o.label, lang) for o in q.options}
    else:
        low, high = q.scale_min or 0, q.scale_max if q.scale_max is not None else 5
        labels = {n: str(n) for n in range(low, high + 1)}
    keyed: dict[int, int] = defaultdict(int)
    for question_id in group.ids:
        for value, count in counts.get(question_id, {}).items():
            key = key_of.get(value) if key_of is not None else value
            if key is not None and key in labels:
                keyed[key] += count
    return labels, dict(keyed), respondents


def _yes_no(lang: str, yes: bool) -> str:
    return {"nb": ("Nei", "Ja"), "nn": ("Nei", "Ja"), "en": ("No", "Yes")}.get(lang, ("Nei", "Ja"))[int(yes)]


def _mean_before(session: Session, group: QuestionGroup, before: dict[int, dict[int, int]] | None, k: int, lang: str) -> float | None:
    """Return the question's mean in the period before, when it was shown then (nothing hidden)."""
    if not before:
        return None
    options, keyed, _n = _options(session, group, before, lang)
    dist = suppress_distribution(list(options), keyed, k=k, values={key: float(key) for key in options})
    return None if dist.mean is None else round(dist.mean, 2)
