"""Column types shared by the models."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Enum, LargeBinary
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

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


class UuidBytes(TypeDecorator[uuid.UUID]):
    """A UUID stored in 16 bytes: BLOB on SQLite (not 32 characters of text), uuid on PostgreSQL.

    Both compare byte by byte, so ranges of period-prefixed ids (kiosk/ids.py) work on either.
    """

    impl = LargeBinary(16)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.UUID(as_uuid=True))
        return dialect.type_descriptor(LargeBinary(16))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return value.bytes

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        """Return a plain function rather than implement process_result_value, as TypeDecorator would have it:
        pages and digests read ids by the thousand, and its wrapping cost more than the UUID itself (a ledger
        entry's 18,817 texts at a million submissions: 295 → 204 ms for the page)."""
        if dialect.name == "postgresql":
            return None  # psycopg returns UUIDs

        def process(value: Any) -> uuid.UUID | None:
            return None if value is None else _uuid_of(value)

        return process


def _uuid_maker() -> Any:
    """Return a function that makes the UUID of 16 bytes as uuid.UUID(bytes=...) does, in 0.6 µs instead of 1.5.

    A week's digest reads its texts' ids by the thousand. UUID's __init__ checks its arguments one by one,
    then sets the two slots it has (int, is_safe); this sets them directly. It is used only when it makes
    exactly what UUID does on this Python; otherwise UUID itself.
    """
    new, put, unknown = object.__new__, object.__setattr__, uuid.SafeUUID.unknown

    def make(raw: bytes) -> uuid.UUID:
        made = new(uuid.UUID)
        put(made, "int", int.from_bytes(raw, "big"))
        put(made, "is_safe", unknown)
        return made

    def standard(raw: bytes) -> uuid.UUID:
        return uuid.UUID(bytes=bytes(raw))

    def facts(made: uuid.UUID) -> tuple[Any, ...]:
        return made, str(made), hash(made), made.is_safe, made.version

    sample = bytes(range(0x80, 0x90))
    two_slots = set(getattr(uuid.UUID, "__slots__", ())) <= {"int", "is_safe", "__weakref__"}
    try:
        same = two_slots and facts(make(sample)) == facts(standard(sample))
    except (AttributeError, TypeError):
        same = False
    return make if same else standard


_uuid_of = _uuid_maker()


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
    return moment.astimezone(UTC).replace(tzinfo=None)
