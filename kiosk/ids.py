"""Ids of anonymous rows: the period they belong to, then random bits (a UUID version 8 layout).

Rows are stored in id order (SQLite WITHOUT ROWID tables, and PostgreSQL after kiosk.storage.settle),
so a period's rows lie together — a week is one range of the primary key — while inside a period
their order is random and tells nothing about arrival. The leading bytes give away only the period,
which is stored next to the row anyway: never a day inside a week, and never a time.

Layout (big-endian): bytes 0-3 the period's first day as days since 1970-01-01; bytes 4-15 random,
but for the version nibble (8) and the RFC 9562 variant bits. 90 random bits per period.
"""

from __future__ import annotations

import functools
import secrets
import uuid
from datetime import date, timedelta

EPOCH = date(1970, 1, 1)
_VERSION, _VARIANT = 0x80, 0x80


def period_id(start: date) -> uuid.UUID:
    """Return a new random id for a row of the period that starts on start."""
    raw = bytearray(_day_bytes(start) + secrets.token_bytes(12))
    raw[6] = _VERSION | (raw[6] & 0x0F)
    raw[8] = _VARIANT | (raw[8] & 0x3F)
    return uuid.UUID(bytes=bytes(raw))


def period_of(row_id: uuid.UUID) -> date:
    """Return the first day of the period an id was given in."""
    return _day(row_id.int >> 96)  # bytes 0-3


@functools.cache
def _day(days: int) -> date:
    return EPOCH + timedelta(days=days)


def id_range(first: date, last: date) -> tuple[uuid.UUID, uuid.UUID]:
    """Return ids (low, high) such that low <= id < high holds for every row of periods starting first..last."""
    return uuid.UUID(bytes=_day_bytes(first) + bytes(12)), uuid.UUID(
        bytes=_day_bytes(last + timedelta(days=1)) + bytes(12)
    )


def _day_bytes(day: date) -> bytes:
    return (day - EPOCH).days.to_bytes(4, "big")
