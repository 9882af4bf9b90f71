"""The form builder: operations on draft form versions. They flush; the caller commits.

A published version never changes (kiosk/models/immutability.py refuses it at flush time); these
operations refuse earlier, with NotADraft, so that the staff member gets a kind message instead.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kiosk.models import Form, FormVersion, Option, Question
from kiosk.models.types import Texts, db_time
from kiosk.operations import InvalidDraft, QuestionDraft, add_version, build_question, create_form, publish

# The domain's own check and construction of a question, so that the builder and add_version
# can never disagree about what a valid question is.


class NotADraft(Exception):
    """The version is published and can no longer change; make a new version."""


class EmptyDraft(Exception):
    """A version without questions cannot be published."""


def draft_of(form: Form) -> FormVersion | None:
    """Return the form's unpublished version, if it has one."""
    drafts = [v for v in form.versions if v.published_at is None]
    return drafts[-1] if drafts else None


def _check_draft(version: FormVersion) -> None:
    if version.published_at is not None:
        raise NotADraft(f"version {version.number} of form {version.form_id} is published")


def new_form(session: Session, name: str, *, now: datetime) -> Form:
    """Create a form with an empty first draft titled by its name."""
    form = create_form(session, name, now=now)
    add_version(session, form, {"nb": name}, [])
    return form


def new_draft(session: Session, form: Form) -> FormVersion:
    """Return the form's draft, or make one as a copy of its newest published version."""
    draft = draft_of(form)
    if draft is not None:
        return draft
    source = form.published
    if source is None:
        return add_version(session, form, {"nb": form.name}, [])
    drafts = [_draft_from(question) for question in source.questions]
    return add_version(session, form, dict(source.title), drafts, intro=dict(source.intro))


def _draft_from(question: Question) -> QuestionDraft:
    return QuestionDraft(
        kind=question.kind,
        text=dict(question.text),
        help=dict(question.help),
        options=[dict(option.label) for option in question.options],
        scale_min=question.scale_min,
        scale_max=question.scale_max,
        scale_min_label=dict(question.scale_min_label),
        scale_max_label=dict(question.scale_max_label),
    )


def update_texts(session: Session, version: FormVersion, title: Texts, intro: Texts) -> None:
    """Change a draft's title and introduction."""
    _check_draft(version)
    if not title.get("nb"):
        raise InvalidDraft("title", "a form needs a Bokmål title")
    version.title = title
    version.intro = intro
    session.flush()


def add_question(session: Session, version: FormVersion, draft: QuestionDraft) -> Question:
    """Add a question at the end of a draft."""
    _check_draft(version)
    position = max((q.position for q in version.questions), default=0) + 1
    question = build_question(draft, position)
    version.questions.append(question)
    session.flush()
    return question


def update_question(session: Session, question: Question, draft: QuestionDraft) -> None:
    """Change a draft's question: kind, texts, options and scale."""
    _check_draft(question.form_version)
    fresh = build_question(draft, question.position)
    for name in ("kind", "text", "help", "scale_min", "scale_max", "scale_min_label", "scale_max_label"):
        setattr(question, name, getattr(fresh, name))
    _replace_options(session, question, [option.label for option in fresh.options])
    session.flush()


def _replace_options(session: Session, question: Question, labels: list[Texts]) -> None:
    # Relabel in place and add or drop at the end: deleting and re-inserting the same positions in
    # one flush would trip the (question, position) unique constraint.
    kept = question.options[: len(labels)]
    for option, label in zip(kept, labels, strict=False):  # labels may be more: those are added below
        option.label = label
    for option in question.options[len(labels) :]:
        question.options.remove(option)
    session.flush()
    for position in range(len(kept) + 1, len(labels) + 1):
        question.options.append(Option(position=position, label=labels[position - 1]))


def move_question(session: Session, question: Question, offset: int) -> bool:
    """Swap a draft's question with its neighbour above (offset -1) or below (+1); False at an end."""
    version = question.form_version
    _check_draft(version)
    ordered = list(version.questions)
    index = ordered.index(question) + offset
    if not 0 <= index < len(ordered):
        return False
    other = ordered[index]
    mine, theirs = question.position, other.position
    # Through a free position, because positions are unique within a version at every step.
    question.position = 0
    session.flush()
    other.position = mine
    session.flush()
    question.position = theirs
    session.flush()
    version.questions.sort(key=lambda q: q.position)
    return True


def remove_question(session: Session, question: Question) -> None:
    """Remove a question from a draft and close the gap it leaves."""
    version = question.form_version
    _check_draft(version)
    version.questions.remove(question)
    session.flush()
    for position, remaining in enumerate(sorted(version.questions, key=lambda q: q.position), start=1):
        if remaining.position != position:
            remaining.position = position
            session.flush()


def publish_draft(session: Session, version: FormVersion, *, now: datetime) -> FormVersion:
    """Publish a draft with at least one question; from then on it never changes."""
    _check_draft(version)
    if not version.questions:
        raise EmptyDraft(f"version {version.number} has no questions")
    return publish(session, version, now=now)


def set_retired(session: Session, form: Form, retired: bool, *, now: datetime) -> None:
    """Take a form out of use (its links and tablets stop showing it), or bring it back."""
    form.retired_at = db_time(now) if retired else None
    session.flush()
