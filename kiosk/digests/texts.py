"""The free text of a digest: released text grouped by theme, a few quotes, and text carried over.

Text from a location is shown only when that location has at least k submissions in the digest's period.
Text held back that way is carried over: a later digest shows it once the location has k submissions in
that digest's period (for up to CARRY_WEEKS weeks back), and says where it came from. So is text that
moderators released after the digest of its own period was built.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from kiosk.digests.periods import Period
from kiosk.ids import id_range, period_of
from kiosk.models import DigestText, FreeText, TextStatus, Theme
from kiosk.models.reporting import Digest, DigestStatus
from kiosk.models.types import pick
from kiosk.moderation.normalise import normalise
from kiosk.moderation.queue import text_in_periods

CARRY_WEEKS = 12
QUOTES_PER_THEME = 3
# A council reads a digest at a meeting, often printed: each theme shows at most this many texts, a
# sample that does not depend on when they came (see _sample); the count says how many there were.
TEXTS_PER_THEME = 40
_WORD = re.compile(r"\w+")
_NOT_WORD = re.compile(r"\W+")


class Text(NamedTuple):
    """A released text as the digest reads it (a tuple: a week's are made by the thousand)."""

    id: Any
    text: str
    location_id: int
    quote: bool
    period: date


def released_texts(
    session: Session,
    location_ids: Sequence[int],
    first: date,
    last: date,
    *,
    not_shown_to: int | None = None,
    released_since: date | None = None,
) -> list[Text]:
    """Return released text from these locations in the periods starting first..last.

    With not_shown_to, only text that council's digests have not shown yet; with released_since, only
    text released on that day or later.
    """
    query = (
        select(FreeText.id, FreeText.text, FreeText.location_id, FreeText.quote)
        .where(
            *text_in_periods(first, last),
            FreeText.status == TextStatus.RELEASED,
            FreeText.location_id.in_(location_ids),
        )
        .order_by(FreeText.id)
    )
    if released_since is not None:
        # Through the index on moderated_on: the text moderated since is a few days' worth, where the id range
        # is up to 12 weeks'. Both forms, so that both planners take the index: SQLite only for the IN (it
        # prefers a primary key's two bounds to one bound on an index), PostgreSQL only with the plain
        # condition (it hashed the IN's ids against the range). The IN's own id range keeps SQLite from
        # looking up texts of other periods; on SQLite a unary + keeps it on the moderated_on index there too.
        # At 1 M: 14 → 2.7 ms SQLite, 15 → 0.9 ms PostgreSQL; with the IN's range, 13 → 6 ms SQLite for 860 texts.
        low, high = id_range(first, last)
        ranged = _off_index(FreeText.id, session)
        query = query.where(
            FreeText.moderated_on >= released_since,
            FreeText.id.in_(
                select(FreeText.id).where(FreeText.moderated_on >= released_since, ranged >= low, ranged < high)
            ),
        )
        if not_shown_to is not None:
            # A few days' text: each is looked up in ix_digest_text_free_text_id (both planners do so here),
            # rather than read whole to be dropped in Python. At 1 M, 860 texts all shown: 14 → 5-9 ms.
            query = query.where(~_shown_to(not_shown_to))
    rows = session.execute(query).all()
    if not_shown_to is not None and released_since is None:
        shown = _shown(session, not_shown_to, [row[0] for row in rows])
        rows = [row for row in rows if row[0] not in shown]
    return [Text(row[0], row[1], row[2], row[3], period_of(row[0])) for row in rows]


def _off_index(column: Any, session: Session) -> Any:
    """Return column such that SQLite's planner uses no index for a condition on it (its documented unary +)."""
    if session.get_bind().dialect.name != "sqlite":
        return column
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


def _shown_to(council_id: int) -> Any:
    """Return the condition "a digest of the council has shown this text"."""
    return exists().where(
        DigestText.free_text_id == FreeText.id, DigestText.digest_id == Digest.id, Digest.council_id == council_id
    )


def _shown(session: Session, council_id: int, ids: Sequence[Any]) -> set[Any]:
    """Return the texts from the first to the last of these ids (in order) that the council's digests have shown.

    For whole periods' text: read over the span of their ids (ix_digest_text_free_text_id), rather than
    as NOT EXISTS in the text query. PostgreSQL planned that as hashing, or in older versions of this
    query sorting in each worker, every text the council was ever shown: a cost that grows with each digest.
    """
    if not ids:
        return set()
    return set(
        session.scalars(
            select(DigestText.free_text_id)
            .join(Digest, Digest.id == DigestText.digest_id)
            .where(Digest.council_id == council_id, DigestText.free_text_id.between(ids[0], ids[-1]))
        )
    )


def not_shown(session: Session, council_id: int, location_ids: Sequence[int], period: Period) -> list[Text]:
    """Return the released text of these places, up to the period's end, that no digest of the council has shown.

    That is the text of the period, and text carried over: from places whose text earlier digests could
    not show (too few submissions there), and text released after the digest of its period was built, up
    to CARRY_WEEKS back. Rather than join all those weeks' text to their submissions, a place's periods
    are read whole only after the last digest that showed its text; before that, only text released since
    that digest was built (moderated_on). A digest from before digests kept "text_places" says
    nothing about its places, so they are read whole from CARRY_WEEKS back.
    """
    start = carry_from(period)
    shown: dict[int, tuple[date, date]] = {}  # place: (first period read whole, released since)
    earlier = session.execute(
        select(Digest.last_day, Digest.built_at, Digest.snapshot["text_places"])
        .where(
            Digest.council_id == council_id,
            Digest.status == DigestStatus.READY,
            Digest.last_day >= start,
            Digest.last_day < period.first_day,
        )
        .order_by(Digest.last_day.desc())
    ).tuples()
    for last_day, built_at, places in earlier:
        if places is None:
            break
        # The day it was built, a day early: moderators' days are local, built_at is UTC.
        since = built_at.date() - timedelta(days=1)
        for place in places:
            shown.setdefault(place, (last_day + timedelta(days=1), since))
    whole: dict[date, list[int]] = defaultdict(list)
    for place in location_ids:
        whole[shown[place][0] if place in shown else start].append(place)
    found = {
        t.id: t
        for first, places in whole.items()
        for t in released_texts(session, places, first, period.last_day, not_shown_to=council_id)
    }
    late = [place for place in location_ids if place in shown]
    if late:
        until = max(shown[place][0] for place in late) - timedelta(days=1)
        since = min(shown[place][1] for place in late)
        for t in released_texts(session, late, start, until, not_shown_to=council_id, released_since=since):
            found.setdefault(t.id, t)
    return [found[key] for key in sorted(found)]


def carry_from(period: Period) -> date:
    """Return the first day from which held-back text may still be carried into a digest of period."""
    return period.first_day - timedelta(weeks=CARRY_WEEKS)


def words_of(text: str) -> list[str]:
    """Return the words of a text, normalised and in lower case."""
    return _WORD.findall(normalise(text).casefold())


def _spaced(text: str) -> str:
    """Return the words of a text as words_of finds them, with a space before and after each.

    Every run of other characters becomes one space (at the ends, two): a needle holds single spaces
    between its words, so it matches exactly what it would in " ".join(words_of(text)).
    """
    return " " + _NOT_WORD.sub(" ", normalise(text).casefold()) + " "


def _needle(keyword: str) -> str | None:
    """Return what a keyword looks for in a text's words joined by spaces (" word "), or None when it has none.

    Words never hold a space, so " kaffe " is the word kaffe and " kaffe" (keyword "kaffe*") any word that
    starts with it; a keyword of several words matches them in a row.
    """
    wanted = words_of(keyword.rstrip("*"))
    if not wanted:
        return None
    return " " + " ".join(wanted) + ("" if keyword.endswith("*") else " ")


def _needles(theme: Theme) -> tuple[str, ...]:
    found = (_needle(kw) for kws in (theme.keywords or {}).values() for kw in kws)
    return tuple(needle for needle in found if needle)


def _matcher(theme: Theme) -> re.Pattern[str] | None:
    """Return one pattern that finds any of a theme's needles (literal text), or None when it has none.

    One search in C per text and theme rather than a Python loop over its needles: grouping a week's
    1,472 texts into four themes took 10.3 instead of 10.9 ms (median of 40, alternating runs).
    """
    needles = _needles(theme)
    return re.compile("|".join(re.escape(needle) for needle in needles)) if needles else None


def _themes_of(text: str, matchers: Sequence[tuple[Theme, re.Pattern[str]]]) -> list[Theme]:
    """Return the themes whose keywords (in any language) occur in a text."""
    joined = _spaced(text)
    return [theme for theme, pattern in matchers if pattern.search(joined)]


def theme_groups(
    texts: Sequence[Text], before: Mapping[int | None, int] | None, themes: Sequence[Theme], lang: str, none_label: str
) -> list[dict[str, Any]]:
    """Return themes with their count, quotes and a sample of their texts; then "no theme".

    before holds the previous digest's count per theme id (None: "no theme"); the change is against it,
    and None when there was no digest for the period just before.
    """
    matchers = [(theme, pattern) for theme in themes if (pattern := _matcher(theme))]
    found = [(t, _themes_of(t.text, matchers) if matchers else []) for t in texts]
    groups: list[dict[str, Any]] = []
    for theme in [*themes, None]:
        key = theme.id if theme else None
        members = [t for t, its in found if _belongs(its, theme)]
        if not members and not (before or {}).get(key):
            continue
        groups.append(
            {
                "id": key,
                "name": pick(theme.name, lang) if theme else none_label,
                "count": len(members),
                "change": len(members) - before.get(key, 0) if before is not None else None,
                "quotes": [t.text for t in members if t.quote][:QUOTES_PER_THEME],
                "texts": [t.text for t in _sample(members, TEXTS_PER_THEME)],
            }
        )
    return groups


def counts_before(session: Session, council_id: int, period: Period) -> dict[int | None, int] | None:
    """Return the count per theme id in the council's digest of the period just before, or None without one."""
    themes = session.scalar(
        select(Digest.snapshot["themes"]).where(
            Digest.council_id == council_id,
            Digest.status == DigestStatus.READY,
            Digest.last_day == period.first_day - timedelta(days=1),
        )
    )
    if themes is None:
        return None
    return {theme.get("id"): int(theme.get("count") or 0) for theme in themes}


def _sample(members: Sequence[Text], size: int) -> list[Text]:
    """Return up to size texts: quotes first, then an even spread picked by a hash of each id.

    The ids are random within their period, so their hash order says nothing about when a text came and
    favours no place; the same texts give the same sample when the digest is rendered again.
    """
    if len(members) <= size:
        return list(members)
    ranked = sorted(members, key=lambda t: (not t.quote, hashlib.blake2b(t.id.bytes, digest_size=8).digest()))
    return ranked[:size]


def _belongs(found: list[Theme], theme: Theme | None) -> bool:
    return theme in found if theme is not None else not found
