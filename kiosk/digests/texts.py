"""The free text of a digest: released text grouped by theme, a few quotes, and text carried over.

Text from a location is shown only when that location has at least k submissions in the digest's period.
Text held back that way is carried over: a later digest shows it once the location has k submissions in
that digest's period (for up to CARRY_WEEKS weeks back), and says where it came from.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from kiosk.digests.periods import Period
from kiosk.ids import id_range, period_of
from kiosk.models import DigestText, FreeText, Submission, TextStatus, Theme
from kiosk.models.reporting import Digest
from kiosk.models.types import pick
from kiosk.moderation.normalise import normalise

CARRY_WEEKS = 12
QUOTES_PER_THEME = 3
# A council reads a digest at a meeting, often printed: each theme shows at most this many texts, a
# sample that does not depend on when they came (see _sample); the count says how many there were.
TEXTS_PER_THEME = 40
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Text:
    """A released text as the digest reads it."""

    id: Any
    text: str
    location_id: int
    quote: bool
    period: date


def released_texts(
    session: Session, location_ids: Sequence[int], first: date, last: date, *, not_shown_to: int | None = None
) -> list[Text]:
    """Return released text from these locations in the periods starting first..last.

    With not_shown_to, only text that council's digests have not shown yet.
    """
    low, high = id_range(first, last)
    query = (
        select(FreeText.id, FreeText.text, Submission.location_id, FreeText.quote)
        .join(Submission, Submission.id == FreeText.submission_id)
        .where(
            FreeText.id >= low,
            FreeText.id < high,
            FreeText.status == TextStatus.RELEASED,
            Submission.location_id.in_(location_ids),
        )
        .order_by(FreeText.id)
    )
    if not_shown_to is not None:
        query = query.where(
            ~exists().where(
                DigestText.free_text_id == FreeText.id,
                DigestText.digest_id == Digest.id,
                Digest.council_id == not_shown_to,
            )
        )
    rows = session.execute(query)
    return [Text(row[0], row[1], row[2], row[3], period_of(row[0])) for row in rows]


def carry_from(period: Period) -> date:
    """Return the first day from which held-back text may still be carried into a digest of period."""
    return period.first_day - timedelta(weeks=CARRY_WEEKS)


def words_of(text: str) -> list[str]:
    """Return the words of a text, normalised and in lower case."""
    return _WORD.findall(normalise(text).casefold())


def _matches(words: list[str], keyword: str) -> bool:
    wanted = words_of(keyword.rstrip("*"))
    if not wanted:
        return False
    prefix = keyword.endswith("*")
    for start in range(len(words) - len(wanted) + 1):
        window = words[start : start + len(wanted)]
        if window[:-1] == wanted[:-1] and (window[-1].startswith(wanted[-1]) if prefix else window[-1] == wanted[-1]):
            return True
    return False


def themes_of(text: str, themes: Iterable[Theme]) -> list[Theme]:
    """Return the themes whose keywords (in any language) occur in a text."""
    words = words_of(text)
    return [t for t in themes if any(_matches(words, kw) for kws in (t.keywords or {}).values() for kw in kws)]


def theme_groups(
    texts: Sequence[Text], earlier: Sequence[Text], themes: Sequence[Theme], lang: str, none_label: str
) -> list[dict[str, Any]]:
    """Return themes with their count, the change from the period before, quotes and all texts; then "no theme"."""
    now_found = {t.id: themes_of(t.text, themes) for t in texts}
    before_found = {t.id: themes_of(t.text, themes) for t in earlier}
    groups: list[dict[str, Any]] = []
    for theme in [*themes, None]:
        members = [t for t in texts if _belongs(now_found[t.id], theme)]
        before = sum(1 for t in earlier if _belongs(before_found[t.id], theme))
        if not members and not before:
            continue
        groups.append(
            {
                "id": theme.id if theme else None,
                "name": pick(theme.name, lang) if theme else none_label,
                "count": len(members),
                "change": len(members) - before if earlier else None,
                "quotes": [t.text for t in members if t.quote][:QUOTES_PER_THEME],
                "texts": [t.text for t in _sample(members, TEXTS_PER_THEME)],
            }
        )
    return groups


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
