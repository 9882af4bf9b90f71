"""Server-side staff sessions: the cookie holds a random token, the database says whether it still counts.

Logging out or disabling an account ends its sessions at once; a copied cookie is worthless afterwards.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kiosk.database import rowcount
from kiosk.hashing import sha256_hex
from kiosk.models import StaffSession, User
from kiosk.models.types import db_time

# Writing last_seen_at on every request would make every page a write; a minute is precise enough.
TOUCH_EVERY = timedelta(minutes=1)


def start_session(session: Session, user: User, *, now: datetime, two_factor_done: bool) -> str:
    """Start a new session for user and return its token (a new id at every sign-in)."""
    token = secrets.token_urlsafe(32)
    moment = db_time(now)
    session.add(
        StaffSession(
            token_hash=sha256_hex(token),
            user=user,
            created_at=moment,
            last_seen_at=moment,
            two_factor_done=two_factor_done,
        )
    )
    session.flush()
    return token


def load_session(
    session: Session, token: str | None, *, now: datetime, idle: timedelta, absolute: timedelta
) -> StaffSession | None:
    """Return the live session for token, ending it if it went idle or grew too old."""
    if not token:
        return None
    record = session.scalars(select(StaffSession).where(StaffSession.token_hash == sha256_hex(token))).first()
    if record is None or record.ended_at is not None:
        return None
    moment = db_time(now)
    if moment - record.last_seen_at > idle or moment - record.created_at > absolute or not record.user.is_active:
        record.ended_at = moment
        session.flush()
        return None
    if moment - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = moment
        session.flush()
    return record


def rotate_session(session: Session, record: StaffSession, *, now: datetime, two_factor_done: bool) -> str:
    """End record and start a fresh one for the same user, e.g. after the second factor."""
    record.ended_at = db_time(now)
    return start_session(session, record.user, now=now, two_factor_done=two_factor_done)


def end_session(session: Session, record: StaffSession, *, now: datetime) -> None:
    """End one session (logout)."""
    record.ended_at = db_time(now)
    session.flush()


def end_all_sessions(session: Session, user: User, *, now: datetime) -> int:
    """End every session of user (disabling, password change); return how many were live."""
    result = session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=db_time(now))
    )
    session.flush()
    return rowcount(result)
