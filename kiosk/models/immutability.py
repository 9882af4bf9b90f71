"""Refuse any change to a published form version, so that old answers keep their meaning."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from kiosk.models.forms import FormVersion, Option, Question


class PublishedFormChanged(Exception):
    """A published form version, or one of its questions or options, was about to change."""


def _was_published(version: FormVersion | None) -> bool:
    if version is None:
        return False
    history = inspect(version).attrs.published_at.history
    if history.deleted:
        return history.deleted[0] is not None
    return version.published_at is not None and not history.added


def _version_of(obj: Any) -> FormVersion | None:
    if isinstance(obj, FormVersion):
        return obj
    if isinstance(obj, Question):
        return obj.form_version
    if isinstance(obj, Option):
        return obj.question.form_version if obj.question is not None else None
    return None


@event.listens_for(Session, "before_flush")
def _guard_published(session: Session, _context: Any, _instances: Any) -> None:
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if not isinstance(obj, (FormVersion, Question, Option)):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, FormVersion) and obj in session.new:
            continue
        if _was_published(_version_of(obj)):
            raise PublishedFormChanged(f"{obj!r} belongs to a published form version; make a new version")
