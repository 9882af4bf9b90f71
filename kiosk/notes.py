"""Feedback that did not come through a screen: notes from a suggestion box and topics from a user meeting.

Staff type them in; each note becomes a submission with channel "paper" or "meeting", at a location,
in the week it was given, and goes through submit() like everything else: de-identified on arrival,
moderated, counted apart in digests. Nothing says who typed it or when more finely than the week.
The notes are answers to one free-text question of a form kept for the purpose ("Lapper og møter").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.links import LinkTarget
from kiosk.models import Form, FormVersion, Location, QuestionKind, Setting
from kiosk.operations import QuestionDraft, add_version, create_form, publish
from kiosk.periods import local_today, period_start
from kiosk.submissions import Given, Rules, submit

CHANNELS = ("paper", "meeting")
# How far back a week may be chosen: a suggestion box may be emptied once a month, or after a holiday.
WEEKS_BACK = 12
SETTING = "notes_form_id"
FORM_NAME = "Lapper og møter (skrevet inn)"
QUESTION = {"nb": "Hva ble sagt?", "nn": "Kva vart sagt?", "en": "What was said?"}
TITLE = {"nb": "Lapper og møter", "nn": "Lappar og møte", "en": "Notes and meetings"}


class NoteError(ValueError):
    """Notes cannot be stored as given; key names the reason."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def split_notes(typed: str) -> list[str]:
    """Return the notes in what was typed: separated by an empty line, each with its inner lines kept."""
    notes, current = [], []
    for line in typed.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            notes.append("\n".join(current))
            current = []
    if current:
        notes.append("\n".join(current))
    return notes


def weeks(today: date) -> list[date]:
    """Return the Mondays of the weeks a note may be given in: this week and WEEKS_BACK before it."""
    monday = period_start(today, "week")
    return [monday - timedelta(weeks=n) for n in range(WEEKS_BACK + 1)]


def notes_question(session: Session, *, now: datetime) -> tuple[FormVersion, int]:
    """Return the published version and question id notes are stored under, making the form the first time."""
    setting = session.get(Setting, SETTING)
    form = session.get(Form, setting.value) if setting is not None else None
    version = form.published if form is not None else None
    question = next((q for q in version.questions if q.kind is QuestionKind.FREE_TEXT), None) if version else None
    if version is not None and question is not None:
        return version, question.id
    form = create_form(session, FORM_NAME, now=now)
    version = publish(
        session, add_version(session, form, TITLE, [QuestionDraft(QuestionKind.FREE_TEXT, QUESTION)]), now=now
    )
    if setting is None:
        session.add(Setting(key=SETTING, value=form.id))
    else:
        setting.value = form.id
    session.flush()
    return version, version.questions[0].id


def type_in(
    session: Session,
    location: Location,
    channel: str,
    week: date,
    notes: list[str],
    *,
    now: datetime,
    config: Mapping[str, Any],
) -> int:
    """Store each note as a submission of channel at location in week; return how many were stored.

    Raises NoteError, before anything is written, for an unknown channel, a week outside the last
    WEEKS_BACK, no notes, or a note longer than free text may be.
    """
    if channel not in CHANNELS:
        raise NoteError("channel")
    if week not in weeks(local_today(location.timezone, now)):
        raise NoteError("week")
    if not notes:
        raise NoteError("empty")
    if any(len(note) > config["MAX_FREE_TEXT"] for note in notes):
        raise NoteError("too_long")
    version, question_id = notes_question(session, now=now)
    target = LinkTarget(
        code="",
        form_id=version.form_id,
        version_id=version.id,
        location_id=location.id,
        location_name=location.name,
        timezone=location.timezone,
    )
    # A week, whatever the installation's own unit: that is as finely as a typed note may be placed.
    rules = replace(Rules.from_config(config), period_unit="week", max_backdate_days=WEEKS_BACK * 7 + 6)
    for note in notes:
        submit(session, target, Given({str(question_id): note}, channel, day=week), now=now, rules=rules)
    return len(notes)


def locations_for(session: Session, ids: list[int] | None = None) -> list[Location]:
    """Return active locations (only those with ids, when given) to type notes for."""
    query = select(Location).where(Location.retired_at.is_(None)).order_by(Location.name)
    if ids is not None:
        query = query.where(Location.id.in_(ids))
    return list(session.scalars(query))
