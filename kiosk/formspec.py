"""A compact, cached description of a published form version, and validation of answers against it.

Published versions never change, so a spec built once serves every later request for that version.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from kiosk.models import QuestionKind
from kiosk.published import VersionView, published_view


class InvalidAnswer(ValueError):
    """An answer does not fit its question; field names it as answers.<question id>."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class QuestionSpec:
    """What an answer to one question may be."""

    id: int
    kind: QuestionKind
    option_ids: frozenset[int] = frozenset()
    scale: tuple[int, int] | None = None


@dataclass(frozen=True)
class FormSpec:
    """The questions of one published form version, by id."""

    version_id: int
    questions: dict[int, QuestionSpec] = field(default_factory=dict)


@dataclass(frozen=True)
class AnswerRow:
    """One value to store: number, option id or text."""

    question_id: int
    number: int | None = None
    option_id: int | None = None
    text: str | None = None


# Control characters other than tab and newline: PostgreSQL refuses NUL, and none belongs in a note.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_QUESTION_ID = re.compile(r"[0-9]{1,10}")

_cache: dict[int, FormSpec] = {}
_lock = threading.Lock()


def spec_for(session: Session, version_id: int) -> FormSpec:
    """Return the spec of a published version, from the cache when it is there."""
    spec = _cache.get(version_id)
    if spec is None:
        version = published_view(session, version_id)
        spec = build_spec(version)
        if version.published:
            with _lock:
                _cache[version_id] = spec
    return spec


def build_spec(version: VersionView) -> FormSpec:
    """Return the spec of a form version."""
    questions = {}
    for q in version.questions:
        scale: tuple[int, int] | None = None
        if q.kind is QuestionKind.SCALE:
            scale = (q.scale_min if q.scale_min is not None else 1, q.scale_max if q.scale_max is not None else 5)
        elif q.kind is QuestionKind.SMILEY:
            scale = (1, 5)
        questions[q.id] = QuestionSpec(q.id, q.kind, frozenset(o.id for o in q.options), scale)
    return FormSpec(version.id, questions)


def validate_answers(spec: FormSpec, raw: Any, max_text: int) -> list[AnswerRow]:
    """Turn {"<question id>": value} into rows to store, or raise InvalidAnswer naming the field."""
    if not isinstance(raw, dict):
        raise InvalidAnswer("answers", "answers must be an object keyed by question id")
    rows: list[AnswerRow] = []
    for key, value in raw.items():
        name = f"answers.{str(key)[:40]}"
        # ASCII digits only: str.isdigit() is true for "²" and "①", which int() refuses.
        question = spec.questions.get(int(key)) if isinstance(key, str) and _QUESTION_ID.fullmatch(key) else None
        if question is None:
            raise InvalidAnswer(name, "no such question in this form")
        if value is None:
            continue
        rows.extend(_rows_for(question, value, name, max_text))
    return rows


def _rows_for(q: QuestionSpec, value: Any, name: str, max_text: int) -> list[AnswerRow]:
    kind = q.kind
    if kind in (QuestionKind.SMILEY, QuestionKind.SCALE):
        low, high = q.scale or (1, 5)
        if not _is_int(value) or not low <= value <= high:
            raise InvalidAnswer(name, f"must be a whole number from {low} to {high}")
        return [AnswerRow(q.id, number=value)]
    if kind is QuestionKind.YES_NO:
        if not isinstance(value, bool):
            raise InvalidAnswer(name, "must be true or false")
        return [AnswerRow(q.id, number=int(value))]
    if kind is QuestionKind.SINGLE_CHOICE:
        if not _is_int(value) or value not in q.option_ids:
            raise InvalidAnswer(name, "must be the id of one of the question's options")
        return [AnswerRow(q.id, option_id=value)]
    if kind is QuestionKind.MULTIPLE_CHOICE:
        if not isinstance(value, list) or not all(_is_int(v) and v in q.option_ids for v in value):
            raise InvalidAnswer(name, "must be a list of ids of the question's options")
        if len(set(value)) != len(value):
            raise InvalidAnswer(name, "must not name the same option twice")
        return [AnswerRow(q.id, option_id=v) for v in value]
    if not isinstance(value, str):
        raise InvalidAnswer(name, "must be text")
    text = _CONTROL.sub("", value).strip()
    if len(text) > max_text:
        raise InvalidAnswer(name, f"must be at most {max_text} characters")
    return [AnswerRow(q.id, text=text)] if text else []


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
