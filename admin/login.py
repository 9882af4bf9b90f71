"""Signing in: password check with per-address throttling that looks the same for unknown addresses."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin.passwords import verify_password
from kiosk.hashing import sha256_hex
from kiosk.models import LoginThrottle, User
from kiosk.models.types import db_time

FREE_ATTEMPTS = 3
MAX_DELAY = timedelta(minutes=15)


class LoginFailed(Exception):
    """Wrong address or password, or too many attempts; the caller cannot and must not tell which."""


def normalise_email(email: str) -> str:
    """Return an e-mail address as stored: trimmed and lower-case."""
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    """Return the account with this e-mail address, if any."""
    return session.scalars(select(User).where(func.lower(User.email) == normalise_email(email))).first()


def _throttle(session: Session, email: str) -> LoginThrottle:
    key = sha256_hex(normalise_email(email))
    throttle = session.get(LoginThrottle, key)
    if throttle is None:
        throttle = LoginThrottle(email_hash=key, failures=0)
        session.add(throttle)
    return throttle


def delay_after(failures: int) -> timedelta:
    """Return how long to wait after this many failures in a row: 0, 0, 0, 2 s, 4 s, 8 s ... 15 min."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    return min(MAX_DELAY, timedelta(seconds=2 ** (failures - FREE_ATTEMPTS + 1)))


def check_password(session: Session, email: str, password: str, *, now: datetime) -> User:
    """Return the active user with this address and password, or raise LoginFailed.

    Unknown addresses, wrong passwords, disabled accounts and throttled addresses all fail the same
    way, after the same password-hashing work.
    """
    moment = db_time(now)
    throttle = _throttle(session, email)
    user = find_user(session, email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if throttle.locked_until is not None and throttle.locked_until > moment:
        session.flush()
        raise LoginFailed()
    if user is None or not password_ok or not user.is_active:
        throttle.failures += 1
        throttle.last_failure_at = moment
        throttle.locked_until = moment + delay_after(throttle.failures)
        session.flush()
        raise LoginFailed()
    throttle.failures = 0
    throttle.locked_until = None
    user.last_login_at = moment
    session.flush()
    return user
