"""Column types shared by the models."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Enum
from sqlalchemy.types import TypeDecorator

# A text in each language: {"nb": "...", "nn": "...", "en": "..."}.
Texts = dict[str, str]


class TextsType(TypeDecorator[Texts]):
    """Texts keyed by language code, stored as JSON."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        return {lang: str(text) for lang, text in value.items() if text}


def pick(texts: Texts | None, lang: str, fallback: str = "nb") -> str:
    """Return the text in lang, falling back to Bokmål, then to any text there is."""
    if not texts:
        return ""
    return texts.get(lang) or texts.get(fallback) or next(iter(texts.values()), "")


def str_enum(enum_class: type) -> Enum:
    """Store a StrEnum by its values in a plain VARCHAR, portable across SQLite and PostgreSQL."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=24,
        values_callable=lambda members: [member.value for member in members],
    )


def db_time(moment: datetime) -> datetime:
    """Return a moment as stored: naive UTC, the same on SQLite and PostgreSQL."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
