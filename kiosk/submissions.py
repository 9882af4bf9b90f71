"""The submission service: resolve a short link and store one anonymous submission, exactly once."""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.formspec import AnswerRow
from kiosk.models import Answer, Form, FormVersion, IdempotencyKey, Location, ShortLink, Submission
from kiosk.periods import local_today, period_start
from kiosk.shortcodes import normalise


class UnknownLink(LookupError):
    """No active short link has this code, or its form has no published version."""


class IdempotencyConflict(Exception):
    """The idempotency key was used before with a different body."""


class InvalidDay(ValueError):
    """The day a kiosk reported is in the future or too old."""


@dataclass(frozen=True)
class LinkTarget:
    """Where a short link leads: a published form version at a location."""

    code: str
    form_id: int
    version_id: int
    location_id: int
    location_name: str
    timezone: str


@dataclass(frozen=True)
class Stored:
    """The outcome of a submission; replayed is True when an earlier identical request stored it."""

    id: uuid.UUID
    replayed: bool = False


def resolve_link(session: Session, code: str) -> LinkTarget:
    """Return what an active short link leads to, or raise UnknownLink."""
    canonical = normalise(code)
    if canonical is None:
        raise UnknownLink(code)
    newest = (
        select(func.max(FormVersion.id))
        .where(FormVersion.form_id == ShortLink.form_id, FormVersion.published_at.is_not(None))
        .scalar_subquery()
    )
    row = session.execute(
        select(ShortLink.form_id, newest, ShortLink.location_id, Location.name, Location.timezone)
        .join(Form, Form.id == ShortLink.form_id)
        .join(Location, Location.id == ShortLink.location_id)
        .where(
            ShortLink.code == canonical,
            ShortLink.retired_at.is_(None),
            Form.retired_at.is_(None),
            Location.retired_at.is_(None),
        )
    ).first()
    if row is None or row[1] is None:
        raise UnknownLink(code)
    return LinkTarget(canonical, row[0], row[1], row[2], row[3], row[4])


def body_hash(payload: dict[str, Any]) -> str:
    """Return a stable hash of a request body, to tell a true retry from a reused key."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_day(day: date, today: date, max_days: int) -> date:
    """Return day if a kiosk may report it: not after today and at most max_days before it."""
    if day > today or day < today - timedelta(days=max_days):
        raise InvalidDay(day.isoformat())
    return day


def store_submission(
    session: Session,
    target: LinkTarget,
    rows: list[AnswerRow],
    *,
    channel: str,
    now: datetime,
    period_unit: str,
    day: date | None = None,
    key: uuid.UUID | None = None,
    request_hash: str | None = None,
    device_id: int | None = None,
    burst: bool = False,
) -> Stored:
    """Store one submission and its answers; with a key, a retry returns the first result.

    The key row is inserted first, in the same transaction, and a unique constraint decides which of
    several concurrent identical requests stores anything: the others find the winner's row.
    """
    today = local_today(target.timezone, now)
    submission_id = uuid.uuid4()
    if key is not None:
        won = _claim_key(session, key, request_hash or "", submission_id, today)
        if not won:
            return _replay(session, key, request_hash or "")
    session.execute(
        insert(Submission),
        [
            {
                "id": submission_id,
                "form_version_id": target.version_id,
                "location_id": target.location_id,
                "channel": channel,
                "period": period_start(day or today, period_unit),
                "period_unit": period_unit,
                "device_id": device_id,
                "burst": burst,
            }
        ],
    )
    if rows:
        session.execute(
            insert(Answer),
            [
                {
                    "id": uuid.uuid4(),
                    "submission_id": submission_id,
                    "question_id": r.question_id,
                    "number": r.number,
                    "option_id": r.option_id,
                    "text": r.text,
                }
                for r in rows
            ],
        )
    return Stored(submission_id)


def _claim_key(session: Session, key: uuid.UUID, request_hash: str, submission_id: uuid.UUID, today: date) -> bool:
    dialect = session.get_bind().dialect.name
    make_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        make_insert(IdempotencyKey)
        .values(key=key, body_hash=request_hash, submission_id=submission_id, created_on=today)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(IdempotencyKey.key)
    )
    return session.execute(statement).first() is not None


def _replay(session: Session, key: uuid.UUID, request_hash: str) -> Stored:
    existing = session.get(IdempotencyKey, key)
    if existing is None or existing.body_hash != request_hash:
        raise IdempotencyConflict(str(key))
    return Stored(existing.submission_id, replayed=True)


def expire_idempotency_keys(session: Session, today: date, days: int) -> int:
    """Delete keys older than days; return how many went. The scheduler calls this daily."""
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_on < today - timedelta(days=days)))
    return result.rowcount or 0
