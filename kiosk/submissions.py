"""The submission service: resolve a short link and store one anonymous submission, exactly once."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Uuid, bindparam, delete, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from kiosk.hashing import sha256_hex
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


# Built once: the submission path runs these on every request, and SQLAlchemy's compiled cache is
# cheapest when the statement object itself is reused.
_NEWEST_VERSION = (
    select(func.max(FormVersion.id))
    .where(FormVersion.form_id == ShortLink.form_id, FormVersion.published_at.is_not(None))
    .scalar_subquery()
)
_RESOLVE = (
    select(ShortLink.form_id, _NEWEST_VERSION, ShortLink.location_id, Location.name, Location.timezone)
    .join(Form, Form.id == ShortLink.form_id)
    .join(Location, Location.id == ShortLink.location_id)
    .where(
        ShortLink.code == bindparam("code"),
        ShortLink.retired_at.is_(None),
        Form.retired_at.is_(None),
        Location.retired_at.is_(None),
    )
)
_INSERT_SUBMISSION = insert(Submission.__table__)
_INSERT_ANSWERS = insert(Answer.__table__)
# The same SQL on SQLite (3.35+) and PostgreSQL: the unique key decides, inside the transaction.
_CLAIM_KEY = text(
    "INSERT INTO idempotency_key (key, body_hash, submission_id, created_on) "
    "VALUES (:key, :body_hash, :submission_id, :created_on) ON CONFLICT (key) DO NOTHING RETURNING key"
).bindparams(
    bindparam("key", type_=Uuid()),
    bindparam("submission_id", type_=Uuid()),
    bindparam("created_on", type_=Date()),
)


def resolve_link(session: Session, code: str) -> LinkTarget:
    """Return what an active short link leads to, or raise UnknownLink."""
    canonical = normalise(code)
    if canonical is None:
        raise UnknownLink(code)
    row = session.connection().execute(_RESOLVE, {"code": canonical}).first()
    if row is None or row[1] is None:
        raise UnknownLink(code)
    return LinkTarget(canonical, row[0], row[1], row[2], row[3], row[4])


def is_published_version(session: Session, form_id: int, version_id: int) -> bool:
    """Return True when version_id is a published version of the form."""
    version = session.get(FormVersion, version_id)
    return version is not None and version.form_id == form_id and version.published_at is not None


def body_hash(payload: dict[str, Any]) -> str:
    """Return a stable hash of a request body, to tell a true retry from a reused key."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return sha256_hex(canonical)


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
    connection = session.connection()
    if key is not None:
        won = _claim_key(connection, key, request_hash or "", submission_id, today)
        if not won:
            return _replay(session, key, request_hash or "")
    # Core inserts, not the ORM's unit of work: nothing here needs objects, and this is the hot path.
    connection.execute(
        _INSERT_SUBMISSION,
        {
            "id": submission_id,
            "form_version_id": target.version_id,
            "location_id": target.location_id,
            "channel": channel,
            "period": period_start(day or today, period_unit),
            "period_unit": period_unit,
            "device_id": device_id,
            "burst": burst,
        },
    )
    if rows:
        connection.execute(
            _INSERT_ANSWERS,
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


def _claim_key(connection: Connection, key: uuid.UUID, request_hash: str, submission_id: uuid.UUID, today: date) -> bool:
    values = {"key": key, "body_hash": request_hash, "submission_id": submission_id, "created_on": today}
    return connection.execute(_CLAIM_KEY, values).first() is not None


def _replay(session: Session, key: uuid.UUID, request_hash: str) -> Stored:
    existing = session.get(IdempotencyKey, key)
    if existing is None or existing.body_hash != request_hash:
        raise IdempotencyConflict(str(key))
    return Stored(existing.submission_id, replayed=True)


def expire_idempotency_keys(session: Session, today: date, days: int) -> int:
    """Delete keys older than days; return how many went. The scheduler calls this daily."""
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_on < today - timedelta(days=days)))
    return result.rowcount or 0
