"""The ledger, "Dette har vi gjort": recording what was heard and done, and reading it back where people are.

Operations flush; callers commit. Texts are kept per language (nb required, nn and en fall back to nb).
Who may write an entry is the caller's business (admin/views/ledger.py checks roles), but what an entry
may say is checked here, so the command line and the pages agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, bindparam, or_, select
from sqlalchemy.orm import Session, selectinload

from kiosk.config import LANGUAGES
from kiosk.models import Council, Digest, FreeText, LedgerEntry, LedgerStatus, Location, Milestone, TextStatus, Theme
from kiosk.models.ledger import ledger_location
from kiosk.models.reporting import DigestStatus
from kiosk.models.types import Texts, pick

MAX_TEXT = 600
# How far back the headline looks for themes the council heard about.
HEADLINE_DAYS = 365

# In easy-read words, for the wall, the phone and the receipt page; the staff pages use the same.
STATUS_WORDS = {
    LedgerStatus.RECEIVED: _l("Vi har fått beskjeden"),
    LedgerStatus.CONSIDERING: _l("Vi ser på det"),
    LedgerStatus.PLANNED: _l("Vi skal gjøre det"),
    LedgerStatus.DONE: _l("Det er gjort"),
    LedgerStatus.NOT_POSSIBLE: _l("Vi kan ikke gjøre det"),
}
# The council's own words for the same, on staff pages and in the digest.
STATUS_NAMES = {
    LedgerStatus.RECEIVED: _l("Mottatt"),
    LedgerStatus.CONSIDERING: _l("Vurderes"),
    LedgerStatus.PLANNED: _l("Planlagt"),
    LedgerStatus.DONE: _l("Gjort"),
    LedgerStatus.NOT_POSSIBLE: _l("Ikke mulig"),
}


class LedgerError(ValueError):
    """An entry cannot be saved as it is; key names the reason for a message in the user's language."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class EntryValues:
    """What an entry says: the same from the staff page and from the command line."""

    heard: Texts
    location_ids: Sequence[int]
    status: LedgerStatus = LedgerStatus.RECEIVED
    done: Texts = field(default_factory=dict)
    reason: Texts = field(default_factory=dict)
    council_id: int | None = None
    theme_id: int | None = None
    digest_id: int | None = None
    free_text_ids: Sequence[Any] = ()
    milestones: Sequence[tuple[date, Texts]] = ()


def add_entry(session: Session, values: EntryValues, *, today: date) -> LedgerEntry:
    """Record an entry."""
    entry = LedgerEntry(created_on=today, heard={}, done={}, reason={}, changed_on=today)
    _apply(session, entry, values, today)
    session.add(entry)
    session.flush()
    return entry


def update_entry(session: Session, entry: LedgerEntry, values: EntryValues, *, today: date) -> LedgerEntry:
    """Change an entry; the day it changed is what digests look at."""
    _apply(session, entry, values, today)
    session.flush()
    return entry


def delete_entry(session: Session, entry: LedgerEntry) -> None:
    """Remove an entry made by mistake."""
    session.delete(entry)
    session.flush()


def _clean(texts: Texts) -> Texts:
    cleaned = {lang: " ".join(str(texts.get(lang) or "").split()) for lang in LANGUAGES}
    if any(len(text) > MAX_TEXT for text in cleaned.values()):
        raise LedgerError("too_long")
    return {lang: text for lang, text in cleaned.items() if text}


def _apply(session: Session, entry: LedgerEntry, values: EntryValues, today: date) -> None:
    heard, done, reason = _clean(values.heard), _clean(values.done), _clean(values.reason)
    if not heard.get("nb"):
        raise LedgerError("heard")
    if values.status is LedgerStatus.NOT_POSSIBLE and not reason.get("nb"):
        raise LedgerError("reason")
    if values.status is LedgerStatus.DONE and not done.get("nb"):
        raise LedgerError("done")
    locations = _locations(session, values.location_ids)
    council = session.get(Council, values.council_id) if values.council_id is not None else None
    if values.council_id is not None and council is None:
        raise LedgerError("council")
    if council is not None and not {loc.id for loc in locations} <= {loc.id for loc in council.locations}:
        raise LedgerError("council_locations")
    if values.theme_id is not None and session.get(Theme, values.theme_id) is None:
        raise LedgerError("theme")
    if values.digest_id is not None:
        digest = session.get(Digest, values.digest_id)
        if digest is None or (council is not None and digest.council_id != council.id):
            raise LedgerError("digest")
    texts = _released(session, values.free_text_ids)
    changed = (
        entry.id is None
        or entry.status != values.status
        or entry.heard != heard
        or entry.done != done
        or entry.reason != reason
    )
    entry.heard, entry.done, entry.reason, entry.status = heard, done, reason, values.status
    entry.council_id, entry.theme_id, entry.digest_id = values.council_id, values.theme_id, values.digest_id
    entry.locations = locations
    entry.texts = texts
    entry.milestones = [
        Milestone(on=day, text=cleaned)
        for day, text in sorted(values.milestones, key=lambda m: m[0])
        if (cleaned := _clean(text)).get("nb")
    ]
    if changed:
        entry.changed_on = today


def _locations(session: Session, ids: Iterable[int]) -> list[Location]:
    wanted = set(ids)
    if not wanted:
        raise LedgerError("locations")
    found = list(session.scalars(select(Location).where(Location.id.in_(wanted)).order_by(Location.name)))
    if len(found) != len(wanted):
        raise LedgerError("locations")
    return found


def _released(session: Session, ids: Iterable[Any]) -> list[FreeText]:
    """Return the free text an entry answers; only released text may be linked, since others will read it."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = list(session.scalars(select(FreeText).where(FreeText.id.in_(wanted))))
    if len(found) != len(wanted) or any(t.status is not TextStatus.RELEASED for t in found):
        raise LedgerError("texts")
    return found


def entries(
    session: Session, *, council_ids: Sequence[int] | None = None, status: str | None = None
) -> list[LedgerEntry]:
    """Return entries, open ones first and newest change first; only those of council_ids when given."""
    query = select(LedgerEntry).options(selectinload(LedgerEntry.locations))
    if council_ids is not None:
        query = query.where(LedgerEntry.council_id.in_(council_ids))
    if status == "open":
        query = query.where(LedgerEntry.status.not_in([LedgerStatus.DONE, LedgerStatus.NOT_POSSIBLE]))
    elif status == "closed":
        query = query.where(LedgerEntry.status.in_([LedgerStatus.DONE, LedgerStatus.NOT_POSSIBLE]))
    elif status:
        query = query.where(LedgerEntry.status == LedgerStatus(status))
    rows = session.scalars(query.order_by(LedgerEntry.changed_on.desc(), LedgerEntry.id.desc())).all()
    return sorted(rows, key=lambda e: e.status.closed)


# Built once: constructing an ORM select cost more than running it, and the public side asks often.
_ON_SHOW = (
    ledger_location.c.location_id == bindparam("location"),
    LedgerEntry.status != LedgerStatus.RECEIVED,
)
_LATEST = (
    select(LedgerEntry)
    .join(ledger_location, ledger_location.c.entry_id == LedgerEntry.id)
    .where(*_ON_SHOW)
    .options(selectinload(LedgerEntry.milestones))
    .order_by(LedgerEntry.changed_on.desc(), LedgerEntry.id.desc())
    .limit(bindparam("limit"))
)
# The thank-you page's short list: the columns it shows, as rows, without objects or milestones.
_HEADLINES = (
    select(
        LedgerEntry.id,
        LedgerEntry.status,
        LedgerEntry.heard,
        LedgerEntry.done,
        LedgerEntry.reason,
        LedgerEntry.changed_on,
    )
    .join(ledger_location, ledger_location.c.entry_id == LedgerEntry.id)
    .where(*_ON_SHOW)
    .order_by(LedgerEntry.changed_on.desc(), LedgerEntry.id.desc())
    .limit(bindparam("limit"))
)


def latest_for_location(session: Session, location_id: int, *, limit: int = 6) -> list[LedgerEntry]:
    """Return the entries people at a location see: newest change first, and nothing merely received.

    "Mottatt" says only that someone heard it; the wall, the poster and the phone show what happened.
    """
    return list(session.scalars(_LATEST, {"location": location_id, "limit": limit}))


def latest_headlines(session: Session, location_id: int, *, limit: int, lang: str) -> list[dict[str, Any]]:
    """Return the same entries as latest_for_location, as public_json gives them but without milestones."""
    rows = session.connection().execute(_HEADLINES, {"location": location_id, "limit": limit})
    return [public_json(row, lang, milestones=False) for row in rows]


def public_json(entry: LedgerEntry | Row[Any], lang: str, *, milestones: bool = True) -> dict[str, Any]:
    """Return an entry as the public side shows it (the tablet's configuration, the page, the poster)."""
    from kiosk.i18n import in_language

    with in_language(lang):
        words = str(STATUS_WORDS[entry.status])
    data: dict[str, Any] = {
        "id": entry.id,
        "status": entry.status.value,
        "status_words": words,
        "heard": pick(entry.heard, lang),
        "done": pick(entry.done, lang),
        "reason": pick(entry.reason, lang),
        "changed_on": entry.changed_on.isoformat(),
    }
    if milestones:
        data["milestones"] = [{"on": m.on.isoformat(), "text": pick(m.text, lang)} for m in entry.milestones]
    return data


def for_digest(session: Session, council: Council, first_day: date, last_day: date, lang: str) -> dict[str, Any]:
    """Return the digest's "you said, we did" section: open entries, those closed lately, and the headline.

    Open entries carry over from digest to digest until closed; a closed entry is shown once, in the
    first digest built after it closed.
    """
    places = [loc.id for loc in council.locations]
    # Ids first: PostgreSQL cannot compare JSON columns, so SELECT DISTINCT over whole entries fails there.
    matching = (
        select(LedgerEntry.id)
        .outerjoin(ledger_location, ledger_location.c.entry_id == LedgerEntry.id)
        .where(or_(LedgerEntry.council_id == council.id, ledger_location.c.location_id.in_(places)))
    )
    concerning = (
        select(LedgerEntry)
        .where(LedgerEntry.id.in_(matching))
        .options(selectinload(LedgerEntry.locations), selectinload(LedgerEntry.milestones))
        .order_by(LedgerEntry.changed_on.desc(), LedgerEntry.id.desc())
    )
    shown_closed, since = _closed_in_earlier_digests(session, council, first_day)
    rows = [
        e
        for e in session.scalars(concerning)
        if not e.status.closed or (e.id not in shown_closed and e.changed_on >= since)
    ]
    return {
        "entries": [_digest_json(e, lang, places) for e in rows],
        "headline": headline(session, council, last_day),
    }


def _digest_json(entry: LedgerEntry, lang: str, places: Sequence[int]) -> dict[str, Any]:
    from kiosk.i18n import in_language

    data = public_json(entry, lang)
    with in_language(lang):
        data["status_name"] = str(STATUS_NAMES[entry.status])
    data["closed"] = entry.status.closed
    data["locations"] = [loc.name for loc in entry.locations if loc.id in places]
    return data


def _closed_in_earlier_digests(session: Session, council: Council, first_day: date) -> tuple[set[int], date]:
    """Return the closed entries earlier digests showed, and the day from which a closed entry is news.

    That day is the one after the last digest before this one, so an entry closed in a period whose
    digest waited for more answers still reaches the council.
    """
    # Only the snapshots' ledger part: a year of whole snapshots (each theme's texts included) is a year of JSON.
    earlier = session.execute(
        select(Digest.snapshot["ledger"], Digest.last_day).where(
            Digest.council_id == council.id, Digest.status == DigestStatus.READY, Digest.last_day < first_day
        )
    ).all()
    shown = {
        e["id"] for part, _day in earlier if isinstance(part, dict) for e in part.get("entries", []) if e.get("closed")
    }
    since = max((day for _part, day in earlier), default=first_day - timedelta(days=1)) + timedelta(days=1)
    return shown, min(since, first_day)


def headline(session: Session, council: Council, until: date) -> dict[str, int]:
    """Return how many themes the council's digests raised in the last year, and how many got a change.

    A theme counts as raised when one of the council's digests showed text under it; as acted on when
    an entry for it is planned or done (Care Opinion shows the same share for responses).
    """
    since = until - timedelta(days=HEADLINE_DAYS)
    themes = session.scalars(
        select(Digest.snapshot["themes"]).where(
            Digest.council_id == council.id,
            Digest.status == DigestStatus.READY,
            Digest.last_day > since,
            Digest.last_day <= until,
        )
    )
    raised = {
        group["id"] for groups in themes for group in groups or [] if group.get("id") is not None and group.get("count")
    }
    acted = set(
        session.scalars(
            select(LedgerEntry.theme_id).where(
                LedgerEntry.theme_id.in_(raised), LedgerEntry.status.in_([LedgerStatus.PLANNED, LedgerStatus.DONE])
            )
        )
    )
    return {"raised": len(raised), "acted": len(acted)}
