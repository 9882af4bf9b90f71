"""What a digest shows, gathered once into a plain snapshot (JSON) that never changes afterwards.

Every count in it has been through kiosk/reporting/suppression.py; a hidden count is null with the
reason beside it. The snapshot is in the council's language, so it re-renders the same every time.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import force_locale, gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.digests import counts, texts
from kiosk.digests.periods import Period
from kiosk.ids import id_range
from kiosk.models import Council, FreeText, Submission, Theme
from kiosk.reporting.suppression import cell_json, one_count, text_visible

SCHEMA = 1


def gather(session: Session, council: Council, period: Period, *, merged: Sequence[str] = ()) -> dict[str, Any] | None:
    """Return the digest of council for period, or None when it has fewer than k submissions in all."""
    k, lang = council.k, council.language
    names = {loc.id: loc.name for loc in council.locations}
    ids = list(names)
    current = counts.submissions(session, ids, period.first_day, period.last_day)
    if current.total() < k:
        return None
    before_period, year_period = period.before(), period.year_before()
    before = counts.submissions(session, ids, before_period.first_day, before_period.last_day)
    year = counts.submissions(session, ids, year_period.first_day, year_period.last_day)
    with force_locale(lang):
        locations = counts.location_table(current, names, k, _("Andre steder"), before, year)
        questions = _questions(session, ids, period, before_period, k, lang)
        free = _free_text(session, council, names, current, period, before_period, lang)
    return {
        "schema": SCHEMA,
        "council": council.name,
        "language": lang,
        "period": {"label": period.label, "start": period.first_day.isoformat(), "end": period.last_day.isoformat(),
                   "weeks": period.weeks},
        "k": k,
        "total": locations["total"].get("count"),
        "total_before": before.total() if before.total() >= k else None,
        "locations": locations["rows"],
        "channels": locations["channels"],
        "questions": questions,
        "themes": free["themes"],
        "urgent": cell_json(one_count(_urgent(session, ids, period), k)),
        "burst": cell_json(one_count(current.burst, k)),
        "carried_over": free["carried_over"],
        "held_back": free["held_back"],
        "merged": {"locations": locations["merged"], "periods": list(merged)},
        # "You said, we did": filled in from the ledger once it exists (kiosk/ledger).
        "ledger": [],
        "text_ids": free["ids"],
    }


def _questions(session: Session, ids: list[int], period: Period, before: Period, k: int, lang: str) -> list[dict[str, Any]]:
    groups = counts.question_groups(session, ids, period.first_day, period.last_day)
    question_ids = [i for g in groups for i in g.ids]
    now = counts.answer_counts(session, question_ids, ids, period.first_day, period.last_day)
    earlier = counts.answer_counts(session, question_ids, ids, before.first_day, before.last_day)
    return [counts.question_json(session, group, now, k, lang, earlier) for group in groups]


def _free_text(session: Session, council: Council, names: dict[int, str], current: counts.Submissions,
               period: Period, before: Period, lang: str) -> dict[str, Any]:
    """Return themes of the text that may be shown, what was carried over, and what is held back."""
    k = council.k
    visible = [loc for loc in names if text_visible(current.total(loc), k)]
    shown = texts.released_texts(session, visible, texts.carry_from(period), period.last_day, not_shown_to=council.id)
    held = texts.released_texts(session, [loc for loc in names if loc not in visible], period.first_day, period.last_day,
                                not_shown_to=council.id)
    earlier = texts.released_texts(session, list(names), before.first_day, before.last_day)
    themes = list(session.scalars(select(Theme).order_by(Theme.position, Theme.id)))
    carried = sorted({(names[t.location_id], t.period.isoformat()) for t in shown if t.period < period.first_day})
    return {
        "themes": texts.theme_groups(shown, earlier, themes, lang, _("Uten tema")),
        "carried_over": [{"location": name, "period_start": start} for name, start in carried],
        "held_back": sorted({names[t.location_id] for t in held}),
        "ids": [t.id.hex for t in shown],
    }


def _urgent(session: Session, location_ids: list[int], period: Period) -> int:
    """Return how many texts in the period had words suggesting someone was in danger (never which)."""
    low, high = id_range(period.first_day, period.last_day)
    return int(session.scalar(
        select(func.count()).select_from(FreeText).join(Submission, Submission.id == FreeText.submission_id)
        .where(FreeText.id >= low, FreeText.id < high, FreeText.urgent.is_(True), Submission.location_id.in_(location_ids))
    ) or 0)


def first_day_of(snapshot: dict[str, Any]) -> date:
    """Return the first day of a snapshot's period."""
    return date.fromisoformat(snapshot["period"]["start"])
