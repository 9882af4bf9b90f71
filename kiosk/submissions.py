"""The submission service: one submit() for the phone form, the tablet and the API.

It checks everything it can while only reading, and takes SQLite's write lock for the inserts alone;
a retry with the same idempotency key stores nothing new. Later steps (de-identifying free text,
crisis words) belong here too, so that every way in goes through them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, bindparam, delete, insert, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from kiosk.database import begin_write, in_write_transaction, rowcount
from kiosk.formspec import AnswerRow, spec_for, validate_answers
from kiosk.hashing import sha256_hex
from kiosk.ids import period_id
from kiosk.links import LinkTarget
from kiosk.models import (
    Answer,
    CountedPeriod,
    Device,
    FormVersion,
    FreeText,
    IdempotencyKey,
    SettledPeriod,
    Submission,
)
from kiosk.models.types import UuidBytes
from kiosk.moderation.crisis import suggests_crisis
from kiosk.moderation.deidentify import scrub
from kiosk.moderation.sealing import seal
from kiosk.moderation.words import local_words
from kiosk.periods import local_today, period_start


class IdempotencyConflict(Exception):
    """The idempotency key was used before with a different body."""


class InvalidDay(ValueError):
    """The day a kiosk reported is in the future or too old."""


class UnknownVersion(LookupError):
    """The form version a client names is not a published version of the link's form."""


class EmptySubmission(ValueError):
    """Nothing was answered: there is nothing to store."""


@dataclass(frozen=True)
class Rules:
    """The settings a submission is checked against (from the app's configuration)."""

    max_text: int
    max_backdate_days: int
    period_unit: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Rules:
        """Return the rules set in an app's configuration."""
        return cls(config["MAX_FREE_TEXT"], config["MAX_BACKDATE_DAYS"], config["TIME_BUCKET"])


@dataclass(frozen=True)
class Given:
    """What a person gave, and how it came: raw answers keyed by question id, in the API's shape."""

    answers: Any
    channel: str
    key: uuid.UUID | None = None
    body_hash: str | None = None
    day: date | None = None
    version_id: int | None = None
    device_id: int | None = None
    burst: bool = False


@dataclass(frozen=True)
class Stored:
    """The outcome of a submission; replayed is True when an earlier identical request stored it.

    help is True when free text suggests someone may be in danger: the thank-you shows where to get help.
    texts are the ids of the free text stored now (none on a replay), for a receipt code.
    """

    id: uuid.UUID
    replayed: bool = False
    help: bool = False
    texts: tuple[uuid.UUID, ...] = ()


_INSERT_SUBMISSION = insert(Submission)
_INSERT_ANSWERS = insert(Answer)
_INSERT_TEXTS = insert(FreeText)
# The same SQL on SQLite (3.35+) and PostgreSQL: the unique key decides, inside the transaction.
_CLAIM_KEY = text(
    "INSERT INTO idempotency_key (key, body_hash, submission_id, created_on) "
    "VALUES (:key, :body_hash, :submission_id, :created_on) ON CONFLICT (key) DO NOTHING RETURNING key"
).bindparams(
    bindparam("key", type_=UuidBytes()),
    bindparam("submission_id", type_=UuidBytes()),
    bindparam("created_on", type_=Date()),
)
_UNCOUNT = delete(CountedPeriod).where(CountedPeriod.period == bindparam("period", type_=Date()))
_UNSETTLE = delete(SettledPeriod).where(SettledPeriod.period == bindparam("period", type_=Date()))
# A day, not a time: staff see that a tablet has gone quiet, and nothing finer.
_SEEN = (
    update(Device)
    .where(
        Device.id == bindparam("device"), (Device.last_seen_on.is_(None)) | (Device.last_seen_on != bindparam("today"))
    )
    .values(last_seen_on=bindparam("today"))
)


def submit(session: Session, target: LinkTarget, given: Given, *, now: datetime, rules: Rules) -> Stored:
    """Check what was given against the form behind target, then store it exactly once.

    Raises UnknownVersion, InvalidDay, InvalidAnswer or EmptySubmission before anything is written,
    and IdempotencyConflict when the key was used with another body.
    """
    target = answered_version(session, target, given.version_id)
    today = local_today(target.timezone, now)
    day = check_day(given.day, today, rules.max_backdate_days) if given.day else today
    rows = validate_answers(spec_for(session, target.version_id), given.answers, rules.max_text)
    if not rows:
        raise EmptySubmission()
    period = period_start(day, rules.period_unit)
    # Free text is de-identified and sealed before the write lock: other submissions wait for the lock,
    # not for this (about half a millisecond a text).
    texts = _prepare_texts(session, target, [r for r in rows if r.text is not None], period)
    if not in_write_transaction(session):
        # Everything so far only read, in a deferred transaction that blocks no one. It ends here (a
        # link retired meanwhile is honoured as a moment earlier); the write lock covers the inserts only.
        session.rollback()
        begin_write(session)
    connection = session.connection()
    if given.device_id is not None:
        connection.execute(_SEEN, {"device": given.device_id, "today": today})
    submission_id = period_id(period)
    if period < period_start(today, rules.period_unit):
        # Late into a closed period (a tablet's queue, a typed-in note): its counts are no longer complete.
        connection.execute(_UNCOUNT, {"period": period})
        if connection.dialect.name == "postgresql":  # and its rows are no longer all in id order
            connection.execute(_UNSETTLE, {"period": period})
    # The submission goes in before its key: a key pointing at a row not yet written is an outstanding
    # deferred-key violation, and while one is outstanding SQLite checks every insert of a parent by
    # scanning the (unindexed) child tables, 26 ms at a million answers instead of 0.01 ms.
    _store(connection, target, rows, given, submission_id=submission_id, period=period, unit=rules.period_unit)
    if given.key is not None and not _claim_key(connection, given.key, given.body_hash or "", submission_id, today):
        # A retry of something already stored: take back what was just written and answer as before.
        connection.execute(delete(Answer).where(Answer.submission_id == submission_id))
        connection.execute(delete(Submission).where(Submission.id == submission_id))
        return _replay(session, given.key, given.body_hash or "")
    if texts:
        connection.execute(_INSERT_TEXTS, [{**text, "submission_id": submission_id} for text in texts])
    text_ids = tuple(sorted(text["id"] for text in texts))
    return Stored(submission_id, help=any(text["urgent"] for text in texts), texts=text_ids)


def _store(
    connection: Connection,
    target: LinkTarget,
    rows: list[AnswerRow],
    given: Given,
    *,
    submission_id: uuid.UUID,
    period: date,
    unit: str,
) -> None:
    # Core inserts, not the ORM's unit of work: nothing here needs objects, and this is the hot path.
    connection.execute(
        _INSERT_SUBMISSION,
        {
            "id": submission_id,
            "form_version_id": target.version_id,
            "location_id": target.location_id,
            "channel": given.channel,
            "period": period,
            "period_unit": unit,
            "device_id": given.device_id,
            "burst": given.burst and given.device_id is not None,
        },
    )
    answers = [
        {
            "submission_id": submission_id,
            "position": position,
            "question_id": r.question_id,
            "number": r.number,
            "option_id": r.option_id,
        }
        for position, r in enumerate(r for r in rows if r.text is None)
    ]
    if answers:
        connection.execute(_INSERT_ANSWERS, answers)


def _prepare_texts(session: Session, target: LinkTarget, texts: list[AnswerRow], period: date) -> list[dict[str, Any]]:
    """Return the rows of free text, de-identified, without their submission's id; marked urgent where any
    suggests someone may be in danger. What was typed goes only into the sealed original, for moderators.
    """
    if not texts:
        return []
    words = local_words(session, target.location_id)
    rows: list[dict[str, Any]] = []
    for row in texts:
        scrubbed = scrub(row.text or "", words)
        rows.append(
            {
                "id": period_id(period),
                "location_id": target.location_id,
                "question_id": row.question_id,
                "text": scrubbed.text,
                "redactions": [{"start": r.start, "end": r.end, "kind": r.kind} for r in scrubbed.redactions],
                "sealed": seal(row.text or "", [r.original for r in scrubbed.redactions]),
                "status": "pending",
                "urgent": suggests_crisis(row.text or ""),
                "alerted": False,
                "quote": False,
            }
        )
    return rows


def answered_version(session: Session, target: LinkTarget, version_id: int | None) -> LinkTarget:
    """Return target with the form version the answers were given to, when the client names one.

    A tablet may queue answers offline while staff publish a new version; those answers still mean
    what they meant on the version that was shown.
    """
    if version_id is None or version_id == target.version_id:
        return target
    version = session.get(FormVersion, version_id)
    if version is None or version.form_id != target.form_id or version.published_at is None:
        raise UnknownVersion(version_id)
    return replace(target, version_id=version_id)


def body_hash(payload: Mapping[str, Any]) -> str:
    """Return a stable hash of a request body, to tell a true retry from a reused key."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return sha256_hex(canonical)


def check_day(day: date, today: date, max_days: int) -> date:
    """Return day if a kiosk may report it: not after today and at most max_days before it."""
    if day > today or day < today - timedelta(days=max_days):
        raise InvalidDay(day.isoformat())
    return day


def _claim_key(
    connection: Connection, key: uuid.UUID, request_hash: str, submission_id: uuid.UUID, today: date
) -> bool:
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
    return rowcount(result)
