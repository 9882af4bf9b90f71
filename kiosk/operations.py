"""Write operations on locations, forms and links. They flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.models import Form, FormVersion, Location, LocationKind, Option, Question, QuestionKind, ShortLink
from kiosk.models.types import Texts, db_time
from kiosk.shortcodes import new_code

SMILEY_LABELS: list[Texts] = [
    {"nb": "Veldig dårlig", "nn": "Svært dårleg", "en": "Very bad"},
    {"nb": "Dårlig", "nn": "Dårleg", "en": "Bad"},
    {"nb": "Sånn passe", "nn": "Sånn passe", "en": "So-so"},
    {"nb": "Bra", "nn": "Bra", "en": "Good"},
    {"nb": "Veldig bra", "nn": "Svært bra", "en": "Very good"},
]


@dataclass
class QuestionDraft:
    """What a new question says; options are labels in order (smiley questions get the five faces)."""

    kind: QuestionKind
    text: Texts
    help: Texts = field(default_factory=dict)
    options: list[Texts] = field(default_factory=list)
    scale_min: int | None = None
    scale_max: int | None = None
    scale_min_label: Texts = field(default_factory=dict)
    scale_max_label: Texts = field(default_factory=dict)


class InvalidDraft(ValueError):
    """A draft cannot be stored as it is; key says why, for a message in the user's language."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def create_location(
    session: Session, name: str, kind: LocationKind, *, now: datetime, timezone: str = "Europe/Oslo"
) -> Location:
    """Create a location."""
    location = Location(name=name, kind=kind, timezone=timezone, created_at=db_time(now))
    session.add(location)
    session.flush()
    return location


def create_form(session: Session, name: str, *, now: datetime) -> Form:
    """Create an empty form."""
    form = Form(name=name, created_at=db_time(now))
    session.add(form)
    session.flush()
    return form


def add_version(
    session: Session, form: Form, title: Texts, drafts: list[QuestionDraft], intro: Texts | None = None
) -> FormVersion:
    """Add an unpublished version with these questions."""
    number = max((v.number for v in form.versions), default=0) + 1
    version = FormVersion(form=form, number=number, title=title, intro=intro or {})
    for position, draft in enumerate(drafts, start=1):
        version.questions.append(build_question(draft, position))
    session.add(version)
    session.flush()
    return version


def build_question(draft: QuestionDraft, position: int) -> Question:
    """Return a new question from a draft, or raise InvalidDraft."""
    labels = SMILEY_LABELS if draft.kind is QuestionKind.SMILEY and not draft.options else draft.options
    if draft.kind is QuestionKind.SMILEY and len(labels) != 5:
        raise InvalidDraft("smiley_faces", "a smiley question has exactly five faces")
    if draft.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE) and len(labels) < 2:
        raise InvalidDraft("choice_options", "a choice question needs at least two options")
    if draft.kind is QuestionKind.SCALE and (
        draft.scale_min is None or draft.scale_max is None or not 0 <= draft.scale_min < draft.scale_max <= 10
    ):
        raise InvalidDraft("scale_range", "a scale runs between two whole numbers from 0 to 10")
    if not draft.text.get("nb"):
        raise InvalidDraft("question_text", "every question needs a Bokmål text")
    question = Question(
        position=position,
        kind=draft.kind,
        text=draft.text,
        help=draft.help,
        scale_min=draft.scale_min,
        scale_max=draft.scale_max,
        scale_min_label=draft.scale_min_label,
        scale_max_label=draft.scale_max_label,
    )
    if draft.kind.has_options:
        question.options = [Option(position=i, label=label) for i, label in enumerate(labels, start=1)]
    return question


def publish(session: Session, version: FormVersion, *, now: datetime) -> FormVersion:
    """Publish a version; from now on it never changes."""
    if version.published_at is None:
        version.published_at = db_time(now)
        session.flush()
    return version


def create_link(session: Session, form: Form, location: Location, *, now: datetime) -> ShortLink:
    """Return the short link of form at location, making a new code when there is none."""
    link = session.scalars(
        select(ShortLink).where(ShortLink.form_id == form.id, ShortLink.location_id == location.id)
    ).first()
    if link is not None:
        link.retired_at = None
        session.flush()
        return link
    code = new_code()
    while session.get(ShortLink, code) is not None:
        code = new_code()
    link = ShortLink(code=code, form=form, location=location, created_at=db_time(now))
    session.add(link)
    session.flush()
    return link


def retire_link(session: Session, link: ShortLink, *, now: datetime) -> None:
    """Retire a short link; the poster then leads to a kind "not in use" page."""
    link.retired_at = db_time(now)
    session.flush()
