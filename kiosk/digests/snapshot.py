"""What a digest shows, gathered once into a plain snapshot (JSON) that never changes afterwards.

Every count in it has been through kiosk/reporting/suppression.py; a hidden count is null with the
reason beside it. A place with fewer than k submissions is merged with the other small places into
"other places" when they have k together; otherwise its answers are carried into the next digest (and
the digest says so), so that no place is ever shown with fewer than k. The snapshot is in the council's
language, so it renders the same every time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk import ledger
from kiosk.councils import digest_k
from kiosk.digests import counts, texts
from kiosk.digests.periods import Period, week_of
from kiosk.models import Council, FreeText, Theme
from kiosk.moderation.queue import text_in_periods
from kiosk.reporting.suppression import cell_json, one_count, text_visible

SCHEMA = 1


@dataclass(frozen=True)
class Places:
    """The council's places in a digest: each read over its range, shown alone, merged or carried over."""

    names: dict[int, str]
    ranges: dict[int, tuple[date, date]]
    current: counts.Submissions
    big: list[int]  # k or more submissions: shown alone
    small: list[int]  # some, but fewer than k
    merge: list[int]  # the small ones, when together they have k: "other places"
    carry: list[int]  # the small ones otherwise: carried into the next digest

    @property
    def shown(self) -> dict[int, tuple[date, date]]:
        return {loc: self.ranges[loc] for loc in [*self.big, *self.merge]}

    @property
    def rows(self) -> list[int]:
        return [*self.big, *([counts.OTHERS] if self.merge else [])]


def places_of(session: Session, council: Council, period: Period, carried_in: Mapping[int, date], *, k: int) -> Places:
    """Return which places the digest shows alone, merges into "other places" or carries into the next."""
    names = {loc.id: loc.name for loc in council.locations}
    ranges = {loc: (min(carried_in.get(loc, period.first_day), period.first_day), period.last_day) for loc in names}
    current = counts.submissions(session, ranges)
    big = [loc for loc in names if current.total(loc) >= k]
    small = [loc for loc in names if 0 < current.total(loc) < k]
    merge = small if sum(current.total(loc) for loc in small) >= k else []
    carry = [loc for loc in small if loc not in merge]
    return Places(names, ranges, current, big, small, merge, carry)


def gather(
    session: Session,
    council: Council,
    period: Period,
    *,
    merged: Sequence[str] = (),
    carried_in: Mapping[int, date] | None = None,
) -> dict[str, Any] | None:
    """Return the digest of council for period, or None when it has fewer than k submissions in all."""
    # The strictest k of the councils that share places with this one: a place is then small in all their
    # digests of a period or in none, and no two of them can be subtracted to show a small place.
    k, lang = digest_k(session, council), council.language
    carried_in = carried_in or {}
    places = places_of(session, council, period, carried_in, k=k)
    names, current, big, shown = places.names, places.current, places.big, places.shown
    if sum(current.total(loc) for loc in shown) < k:
        return None
    earlier = {"before": _earlier(session, period.before(), big), "year": _earlier(session, period.year_before(), big)}
    with force_locale(lang):
        locations = counts.location_table(
            current, places.rows, names, places.merge, k=k, others=_("Andre steder"), earlier=earlier
        )
        questions = _questions(session, shown, period, big, k=k, lang=lang)
        visible = [loc for loc in big if text_visible(current.total(loc), k)]
        free = _free_text(session, council, names, visible, period, lang=lang)
    return {
        "schema": SCHEMA,
        "council": council.name,
        "language": lang,
        "period": {
            "label": period.label,
            "start": period.first_day.isoformat(),
            "end": period.last_day.isoformat(),
            "weeks": period.weeks,
        },
        "k": k,
        "total": locations["total"],
        "locations": locations["rows"],
        "channels": locations["channels"],
        "questions": questions,
        "themes": free["themes"],
        "urgent": cell_json(one_count(_urgent(session, list(shown), period), k)),
        "burst": cell_json(one_count(current.burst, k)),
        **_carrying(places, period, carried_in, free["carried_over"], merged),
        # "You said, we did": open entries, those closed since the last digest, and the headline.
        "ledger": ledger.for_digest(session, council, period.first_day, period.last_day, lang),
        "text_ids": free["ids"],
        # The places whose text this digest could show: the next digest reads their text from here on.
        "text_places": visible,
    }


def _carrying(
    places: Places, period: Period, carried_in: Mapping[int, date], text_from: dict[str, date], merged: Sequence[str]
) -> dict[str, Any]:
    """Return what the digest says about answers moved between digests and places: carried in from earlier
    periods, carried forward to the next digest, held back, and merged (places, and periods that waited)."""
    names = places.names
    return {
        "carried_over": _carried_over(
            text_from,
            {
                names[loc]: start
                for loc, start in carried_in.items()
                if loc in places.shown and start < period.first_day
            },
        ),
        "carried_forward": [
            {"location_id": loc, "location": names[loc], "from": places.ranges[loc][0].isoformat()}
            for loc in places.carry
        ],
        "held_back": sorted(names[loc] for loc in names if loc not in places.big and loc in set(places.small)),
        "merged": {"locations": [names[loc] for loc in places.merge], "periods": list(merged)},
    }


def _carried_over(text_from: dict[str, date], counts_from: dict[str, date]) -> list[dict[str, str]]:
    """Return, per place, the week from which answers or text were carried into this digest."""
    places = {
        name: min(day for day in (text_from.get(name), counts_from.get(name)) if day)
        for name in {*text_from, *counts_from}
    }
    return [{"location": name, "from": week_of(day).label} for name, day in sorted(places.items())]


def _earlier(session: Session, earlier: Period, places: list[int]) -> counts.Submissions | None:
    data = counts.submissions(session, dict.fromkeys(places, (earlier.first_day, earlier.last_day)))
    return data if data.by_location else None


def _questions(
    session: Session, ranges: counts.Ranges, period: Period, big: list[int], *, k: int, lang: str
) -> list[dict[str, Any]]:
    groups = counts.question_groups(session, ranges)
    question_ids = [i for g in groups for i in g.ids]
    now = counts.answer_counts(session, question_ids, ranges)
    before = period.before()
    earlier = counts.answer_counts(session, question_ids, dict.fromkeys(big, (before.first_day, before.last_day)))
    return [counts.question_json(session, group, now, k=k, lang=lang, before=earlier) for group in groups]


def _free_text(
    session: Session, council: Council, names: dict[int, str], visible: list[int], period: Period, *, lang: str
) -> dict[str, Any]:
    """Return themes of the text that may be shown, and text carried over from earlier periods."""
    shown = texts.not_shown(session, council.id, visible, period)
    themes = list(session.scalars(select(Theme).order_by(Theme.position, Theme.id)))
    carried: dict[str, date] = {}
    for t in shown:
        if t.period < period.first_day:
            carried[names[t.location_id]] = min(t.period, carried.get(names[t.location_id], t.period))
    return {
        "themes": texts.theme_groups(
            shown, texts.counts_before(session, council.id, period), themes, lang, _("Uten tema")
        ),
        "carried_over": carried,
        "ids": [t.id for t in shown],
    }


def _urgent(session: Session, location_ids: list[int], period: Period) -> int:
    """Return how many texts in the period had words suggesting someone was in danger (never which)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(FreeText)
            .where(
                *text_in_periods(period.first_day, period.last_day),
                FreeText.urgent.is_(True),
                FreeText.location_id.in_(location_ids),
            )
        )
        or 0
    )
