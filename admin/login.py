"""Signing in with a password: throttled per bucket before any hashing, one hash at a time per machine.

A bucket is the e-mail address typed (known or not, so that throttling reveals no accounts), or, for a
browser that has completed a sign-in to that account before, that browser alone (OWASP's "device
cookie", see admin.cookies): a stranger's failed guesses cannot make the owner's usual browser wait.
Waits are short (a minute at most, so nobody can keep an account shut) and are answered with 429 and
Retry-After before the password is hashed, so that refused attempts cost almost nothing.

Checking a password takes three steps, so that no database transaction (on SQLite: the write lock)
is held while argon2 runs: start_attempt() reads, check_attempt() hashes, finish_attempt() records.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from admin.passwords import hash_password, hashing_slot, needs_rehash, verify_password
from kiosk.hashing import sha256_hex
from kiosk.models import LoginThrottle, User
from kiosk.models.types import db_time

FREE_ATTEMPTS = 5
MAX_WAIT = timedelta(minutes=1)
# A bucket's failures are forgotten a day after the last one, so old typos do not make anyone wait.
FORGET_AFTER = timedelta(days=1)
PRUNE_BATCH = 20
_UNSYNCED = {"synchronize_session": False}  # bulk deletes of rows this session has not loaded
# The file in the instance folder whose lock is the machine's one hashing slot (admin.passwords).
HASH_LOCK_FILE = "password-hashing.lock"
# What a sign-in that found the slot taken for the whole wait is told: the queue moves in fractions of a second.
BUSY_RETRY_AFTER = 2


class LoginFailed(Exception):
    """Wrong address or password, or a disabled account; the caller cannot and must not tell which."""


class Throttled(Exception):
    """Too many failures in this bucket: try again after retry_after seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """What checking one sign-in needs: its bucket, and the account behind the address, if any."""

    bucket: str
    user_id: int | None
    password_hash: str | None


@dataclass(frozen=True)
class Verdict:
    """Whether the password matched, and a new hash when the stored one has old parameters."""

    matched: bool
    new_hash: str | None = None


def normalise_email(email: str) -> str:
    """Return an e-mail address as stored: trimmed and lower-case."""
    return email.strip().lower()


def address_key(email: str) -> str:
    """Return the key of an e-mail address: its bucket, and what a known-browser cookie names."""
    return sha256_hex(normalise_email(email))


def browser_key(nonce: str) -> str:
    """Return the bucket of one known browser."""
    return sha256_hex(f"known browser {nonce}")


def find_user(session: Session, email: str) -> User | None:
    """Return the account with this e-mail address, if any."""
    return session.scalars(select(User).where(func.lower(User.email) == normalise_email(email))).first()


def wait_after(failures: int) -> timedelta:
    """Return the wait after this many failures in a row: none for the first few, then 1 s, 2 s, 4 s ... 1 min."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    return min(MAX_WAIT, timedelta(seconds=2 ** min(failures - FREE_ATTEMPTS, 10)))


def start_attempt(session: Session, email: str, known_browser: str | None, *, now: datetime) -> Attempt:
    """Return what checking this sign-in needs, or raise Throttled while its bucket waits. Only reads."""
    bucket = browser_key(known_browser) if known_browser else address_key(email)
    throttle = session.get(LoginThrottle, bucket)
    moment = db_time(now)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > moment:
        raise Throttled(max(1, math.ceil((throttle.locked_until - moment).total_seconds())))
    user = find_user(session, email)
    return Attempt(bucket, user.id if user else None, user.password_hash if user else None)


def check_attempt(attempt: Attempt, password: str, *, lock_file: Path, wait: float) -> Verdict:
    """Verify the password in the machine's one hashing slot (raises HashingBusy when it stays taken).

    Unknown addresses are verified against a dummy hash, so both take the same time.
    """
    with hashing_slot(lock_file, wait=wait):
        matched = verify_password(attempt.password_hash, password)
        if matched and attempt.password_hash and needs_rehash(attempt.password_hash):
            return Verdict(True, hash_password(password))
    return Verdict(matched)


def finish_attempt(session: Session, attempt: Attempt, verdict: Verdict, *, now: datetime) -> User:
    """Record the attempt in its bucket; return the active user, or raise LoginFailed."""
    moment = db_time(now)
    user = session.get(User, attempt.user_id) if attempt.user_id is not None else None
    if user is None or not verdict.matched or not user.is_active:
        _count_failure(session, attempt.bucket, moment)
        raise LoginFailed()
    # A clean slate: a bucket without failures holds nothing worth keeping.
    session.execute(delete(LoginThrottle).where(LoginThrottle.key_hash == attempt.bucket), execution_options=_UNSYNCED)
    if verdict.new_hash and user.password_hash == attempt.password_hash:
        user.password_hash = verdict.new_hash
    user.last_login_at = moment
    session.flush()
    return user


def _count_failure(session: Session, key: str, moment: datetime) -> None:
    throttle = _bucket(session, key, moment)
    if throttle.last_failure_at is not None and moment - throttle.last_failure_at > FORGET_AFTER:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failure_at = moment
    throttle.locked_until = moment + wait_after(throttle.failures)
    session.flush()


def _bucket(session: Session, key: str, moment: datetime) -> LoginThrottle:
    throttle = session.get(LoginThrottle, key, with_for_update=True)
    if throttle is not None:
        return throttle
    _prune(session, moment)
    try:
        with session.begin_nested():  # two first failures at once: the second one counts in the first's row
            throttle = LoginThrottle(key_hash=key, failures=0)
            session.add(throttle)
    except IntegrityError:
        throttle = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        assert throttle is not None
    return throttle


def _prune(session: Session, moment: datetime) -> None:
    """Delete a few buckets whose failures are forgotten: a flood of made-up addresses leaves one row each.

    Called whenever a bucket is made, so the table shrinks as fast as a flood can grow it.
    """
    forgotten = LoginThrottle.last_failure_at < moment - FORGET_AFTER
    stale = select(LoginThrottle.key_hash).where(forgotten).limit(PRUNE_BATCH).scalar_subquery()
    session.execute(delete(LoginThrottle).where(LoginThrottle.key_hash.in_(stale)), execution_options=_UNSYNCED)
