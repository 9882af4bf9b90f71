"""The numbers of a digest, read from the per-period counts and passed through small-number suppression."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.digests.periods import Period
from kiosk.models import AnswerTally, Option, Question, QuestionKind, SubmissionTally
from kiosk.models.types import pick
from kiosk.published import QuestionView, published_view
from kiosk.reporting.suppression import (
    cell_json,
    distribution_json,
    suppress_distribution,
    suppress_multiple_choice,
    suppress_table,
)
from kiosk.reporting.tallies import RESPONDENTS

CHANNELS = ("kiosk", "qr", "paper", "meeting", "interview")
OTHERS = 0  # the row of locations merged into "other places"


@dataclass(frozen=True)
class Submissions:
    """Submissions per location and channel (burst-marked ones apart) in a period."""

    by_location: dict[int, dict[str, int]]
    burst: int

    def total(self, location_id: int | None = None) -> int:
        """Return the submissions (not burst-marked) of one location, or of all."""
        if location_id is not None:
            return sum(self.by_location.get(location_id, {}).values())
        return sum(sum(channels.values()) for channels in self.by_location.values())


def submissions(session: Session, location_ids: Sequence[int], first: date, last: date) -> Submissions:
    """Return the counted submissions of these locations in the periods starting first..last."""
    rows = session.execute(
        select(SubmissionTally.location_id, SubmissionTally.channel, SubmissionTally.burst, func.sum(SubmissionTally.count))
        .where(SubmissionTally.period >= first, SubmissionTally.period <= last, SubmissionTally.location_id.in_(location_ids))
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


def location_table(current: Submissions, names: dict[int, str], k: int, others: str,
                   before: Submissions | None, year_before: Submissions | None) -> dict[str, Any]:
    """Return submissions per location and channel, small places merged into one row, with changes."""
    big = [loc for loc in names if current.total(loc) >= k]
    small = [loc for loc in names if 0 < current.total(loc) < k]
    rows: list[int] = [*big, *([OTHERS] if small else [])]
    counts: dict[tuple[int, str], int] = {}
    for loc in names:
        row = loc if loc in big else OTHERS
        for channel, count in current.by_location.get(loc, {}).items():
            counts[(row, channel)] = counts.get((row, channel), 0) + count
    channels = [c for c in CHANNELS if any(channel == c for (_r, channel) in counts)] or ["qr"]
    table = suppress_table(counts, rows, channels, k=k)
    out = []
    for row, cells, total in zip(table.rows, table.cells, table.row_totals):
        shown = cell_json(total)
        out.append({
            "name": names[row] if row != OTHERS else others,
            "submissions": shown["count"], **({"suppressed": shown["suppressed"]} if "suppressed" in shown else {}),
            "channels": {c: cell_json(cell) for c, cell in zip(table.columns, cells)},
            "merged": [names[loc] for loc in small] if row == OTHERS else [],
            "change": _change(shown["count"], _row_total(before, row, small), k),
            "change_year": _change(shown["count"], _row_total(year_before, row, small), k),
        })
    return {"rows": out, "channels": list(table.columns), "total": cell_json(table.total), "merged": [names[loc] for loc in small]}


def _row_total(data: Submissions | None, row: int, small: list[int]) -> int | None:
    if data is None or not data.by_location:
        return None
    return sum(data.total(loc) for loc in small) if row == OTHERS else data.total(row)


def _change(now: int | None, before: int | None, k: int) -> int | None:
    """Return the change from an earlier count, only when both are shown counts (k or more)."""
    if now is None or before is None or before < k:
        return None
    return now - before


@dataclass(frozen=True)
class QuestionGroup:
    """One question as the digest shows it: the same text in every version of a form counts together."""

    form_id: int
    question: QuestionView
    ids: tuple[int, ...]


def question_groups(session: Session, location_ids: Sequence[int], first: date, last: date) -> list[QuestionGroup]:
    """Return the questions answered at these locations in the period, in form and position order."""
    ids = list(session.scalars(
        select(AnswerTally.question_id).distinct()
        .where(AnswerTally.period >= first, AnswerTally.period <= last, AnswerTally.location_id.in_(location_ids))
    ))
    versions = dict(session.execute(select(Question.id, Question.form_version_id).where(Question.id.in_(ids))).all())
    groups: dict[tuple[int, str, str], list[QuestionView]] = defaultdict(list)
    for version_id in sorted(set(versions.values())):
        view = published_view(session, version_id)
        for q in view.questions:
            if q.id in versions and q.kind is not QuestionKind.FREE_TEXT:
                groups[(view.form_id, q.kind.value, q.text.get("nb", ""))].append(q)
    ordered = sorted(groups.items(), key=lambda item: (item[0][0], item[1][-1].position))
    return [QuestionGroup(key[0], qs[-1], tuple(q.id for q in qs)) for key, qs in ordered]


def answer_counts(session: Session, ids: Sequence[int], location_ids: Sequence[int], first: date, last: date) -> dict[int, dict[int, int]]:
    """Return {question id: {value: count}} for these questions, locations and periods (value -1: respondents)."""
    rows = session.execute(
        select(AnswerTally.question_id, AnswerTally.value, func.sum(AnswerTally.count))
        .where(AnswerTally.period >= first, AnswerTally.period <= last, AnswerTally.location_id.in_(location_ids),
               AnswerTally.question_id.in_(ids))
        .group_by(AnswerTally.question_id, AnswerTally.value)
    )
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for question_id, value, count in rows:
        out[question_id][value] = int(count)
    return out


def question_json(session: Session, group: QuestionGroup, counts: dict[int, dict[int, int]], k: int, lang: str,
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
    data = {"text": pick(q.text, lang), "kind": q.kind.value, "n": shown["n"]["count"], **shown}
    data["mean_before"] = _mean_before(session, group, before, k, lang) if dist.mean is not None else None
    data["scale"] = [q.scale_min, q.scale_max] if q.kind is QuestionKind.SCALE else None
    return data


def _options(session: Session, group: QuestionGroup, counts: dict[int, dict[int, int]], lang: str) -> tuple[dict[int, str], dict[int, int], int]:
    """Return the group's options {key: label}, counts per key, and respondents.

    Choices are keyed by their position, so that versions of a form count together; smileys, scales and
    yes/no by the number given (a smiley's number is its face's position, 1 to 5).
    """
    q = group.question
    respondents = sum(counts.get(i, {}).get(RESPONDENTS, 0) for i in group.ids)
    if q.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        labels = {o.position: pick(o.label, lang) for o in q.options}
        key_of = _option_positions(session, group)
    elif q.kind is QuestionKind.YES_NO:
        labels, key_of = {1: _yes_no(lang, True), 0: _yes_no(lang, False)}, None
    elif q.kind is QuestionKind.SMILEY:
        labels, key_of = {o.position: pick(o.label, lang) for o in q.options}, None
    else:
        low, high = q.scale_min or 0, q.scale_max if q.scale_max is not None else 5
        labels, key_of = {n: str(n) for n in range(low, high + 1)}, None
    keyed: dict[int, int] = defaultdict(int)
    for question_id in group.ids:
        for value, count in counts.get(question_id, {}).items():
            key = key_of.get(value) if key_of is not None else value
            if key in labels:
                keyed[key] += count
    return labels, dict(keyed), respondents


def _option_positions(session: Session, group: QuestionGroup) -> dict[int, int]:
    """Return {option id: position} for every version's options of the group's question."""
    return dict(session.execute(select(Option.id, Option.position).where(Option.question_id.in_(group.ids))).all())


def _yes_no(lang: str, yes: bool) -> str:
    return {"nb": ("Nei", "Ja"), "nn": ("Nei", "Ja"), "en": ("No", "Yes")}.get(lang, ("Nei", "Ja"))[int(yes)]


def _mean_before(session: Session, group: QuestionGroup, before: dict[int, dict[int, int]] | None, k: int, lang: str) -> float | None:
    """Return the question's mean in the period before, when it was shown then (n at least k, no cell hidden)."""
    if not before:
        return None
    options, keyed, _n = _options(session, group, before, lang)
    dist = suppress_distribution(list(options), keyed, k=k, values={key: float(key) for key in options})
    return None if dist.mean is None else round(dist.mean, 2)
