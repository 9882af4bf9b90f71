"""A form version as plain data, read once: published versions never change, so every later request of
the public form, the thank-you page, the API and the tablet uses the copy kept here instead of loading
questions and options again (which was most of a phone form's server time).

The views have the same attribute names as the models, so templates and the form builder's preview
render a draft (an ORM FormVersion) and a published view alike.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kiosk.i18n import LANGUAGE_NAMES
from kiosk.models import FormVersion, Question, QuestionKind
from kiosk.models.types import Texts


@dataclass(frozen=True)
class OptionView:
    """An answer option."""

    id: int
    position: int
    label: Texts


@dataclass(frozen=True)
class QuestionView:
    """A question with its options."""

    id: int
    position: int
    kind: QuestionKind
    text: Texts
    help: Texts
    scale_min: int | None
    scale_max: int | None
    scale_min_label: Texts
    scale_max_label: Texts
    options: tuple[OptionView, ...]


@dataclass(frozen=True)
class VersionView:
    """A form version with its questions, and the languages it has every text in."""

    id: int
    form_id: int
    number: int
    title: Texts
    intro: Texts
    published: bool
    questions: tuple[QuestionView, ...]
    missing: dict[str, int] = field(default_factory=dict)

    @property
    def languages(self) -> dict[str, str]:
        """Return {code: name} of the languages the version has every text in; Bokmål always."""
        return {code: name for code, name in LANGUAGE_NAMES.items() if code == "nb" or not self.missing.get(code)}


_cache: dict[int, VersionView] = {}
_lock = threading.Lock()


def published_view(session: Session, version_id: int) -> VersionView:
    """Return a version as plain data, from the cache once it is published."""
    view = _cache.get(version_id)
    if view is None:
        version = session.scalars(
            select(FormVersion)
            .where(FormVersion.id == version_id)
            .options(selectinload(FormVersion.questions).selectinload(Question.options))
        ).one()
        view = view_of(version)
        if view.published:
            with _lock:
                _cache[version_id] = view
    return view


def view_of(version: FormVersion) -> VersionView:
    """Return any version (a draft too) as plain data."""
    questions = tuple(
        QuestionView(
            q.id, q.position, q.kind, dict(q.text), dict(q.help or {}), q.scale_min, q.scale_max,
            dict(q.scale_min_label or {}), dict(q.scale_max_label or {}),
            tuple(OptionView(o.id, o.position, dict(o.label)) for o in q.options),
        )
        for q in version.questions
    )
    view = VersionView(
        version.id, version.form_id, version.number, dict(version.title), dict(version.intro or {}),
        version.published_at is not None, questions,
    )
    view.missing.update(missing_texts(view))
    return view


def missing_texts(version: VersionView) -> dict[str, int]:
    """Return, per language other than Bokmål, how many of the version's texts lack a translation."""
    missing = {lang: 0 for lang in LANGUAGE_NAMES if lang != "nb"}
    for texts in _texts(version):
        if not texts.get("nb"):
            continue
        for lang in missing:
            if not texts.get(lang):
                missing[lang] += 1
    return missing


def _texts(version: VersionView) -> list[Texts]:
    """Return every text of a version that respondents see."""
    texts = [version.title, version.intro]
    for q in version.questions:
        texts += [q.text, q.help, q.scale_min_label, q.scale_max_label]
        texts += [o.label for o in q.options]
    return texts


def clear() -> None:
    """Forget every cached version (tests start each app on a fresh database)."""
    with _lock:
        _cache.clear()
