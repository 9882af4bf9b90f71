"""TOTP two-factor sign-in (RFC 6238, via pyotp), one-time recovery codes, and limits on wrong codes.

A code is six digits: someone who has the password could try them all in about an hour if nothing
stopped them. So each partial session gets a few tries, after which the password must be given again,
and each account waits longer and longer after a few wrong codes in a row (whichever session typed
them), up to an hour: guessing a code then takes years. Secrets are stored encrypted.
"""
from __future__ import annotations

import io
import math
import secrets
from datetime import datetime, timedelta

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.encryption import decrypt_text, encrypt_text, rotate
from kiosk.hashing import sha256_hex
from kiosk.models import RecoveryCode, StaffSession, User
from kiosk.models.types import db_time

ISSUER = "Si ifra"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PURPOSE = "totp"  # the encryption purpose of TOTP secrets (kiosk.encryption); the migration names it too
TRIES_PER_SESSION = 3
FREE_CODE_FAILURES = 3
FIRST_CODE_WAIT = timedelta(seconds=15)
MAX_CODE_WAIT = timedelta(hours=1)


class CodeWait(Exception):
    """The account had too many wrong codes lately: the next one is looked at after retry_after seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class TooManyCodes(Exception):
    """This session has used its tries and has been ended: the password must be given again."""


def new_secret() -> str:
    """Return a fresh base32 TOTP secret."""
    return pyotp.random_base32()


def secret_of(user: User) -> str | None:
    """Return the user's TOTP secret (set up or being set up), decrypted."""
    return decrypt_text(PURPOSE, user.totp_secret_encrypted) if user.totp_secret_encrypted else None


def pending_secret(session: Session, user: User) -> str:
    """Return the secret being set up, making one first; it stays on the server, encrypted."""
    secret = secret_of(user)
    if secret is None:
        secret = new_secret()
        user.totp_secret_encrypted = encrypt_text(PURPOSE, secret)
        session.flush()
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    """Return the otpauth:// URI that authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(data: str) -> str:
    """Return an inline SVG QR code of data."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg"):]


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step - 1, step, step + 1):  # allow a clock that is half a minute off
        if secrets.compare_digest(totp.at(candidate * totp.interval), code):
            return candidate
    return None


def confirm_enrolment(session: Session, user: User, secret: str, code: str, *, now: datetime) -> list[str] | None:
    """Turn on TOTP when code matches the new secret; return fresh recovery codes, or None."""
    step = _matching_step(secret, code, now)
    if step is None:
        return None
    user.totp_secret_encrypted = encrypt_text(PURPOSE, secret)
    user.totp_enabled_at = db_time(now)
    user.totp_last_step = step
    return new_recovery_codes(session, user)


def verify_code(session: Session, user: User, code: str, *, now: datetime) -> bool:
    """Return True for a current TOTP code not used before, or an unused recovery code."""
    secret = secret_of(user)
    if secret is None:
        return False
    step = _matching_step(secret, code, now)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False
        user.totp_last_step = step
        # Re-encrypted under the current SECRET_KEY, so that a fallback key can be dropped later.
        user.totp_secret_encrypted = rotate(PURPOSE, user.totp_secret_encrypted or "")
        session.flush()
        return True
    return _use_recovery_code(session, user, code, now)


def code_wait_after(failures: int) -> timedelta:
    """Return the wait after this many wrong codes in a row: none for the first few, then 15 s, 30 s ... 1 h."""
    if failures < FREE_CODE_FAILURES:
        return timedelta(0)
    return min(MAX_CODE_WAIT, FIRST_CODE_WAIT * 2 ** min(failures - FREE_CODE_FAILURES, 16))


def check_code(session: Session, record: StaffSession, code: str, *, now: datetime) -> bool:
    """Check the code typed after the password, counting a wrong one against the session and the account.

    Raises CodeWait, before looking at the code, while the account must wait; raises TooManyCodes when
    this wrong code used up the session's tries (the session has been ended).
    """
    # Locked, so that codes posted in parallel are counted one after another (SQLite's write lock does
    # this anyway; PostgreSQL would otherwise let forty requests each see "no failures yet").
    session.refresh(record, with_for_update=True)
    user = record.user
    session.refresh(user, with_for_update=True)
    moment = db_time(now)
    if record.ended_at is not None:
        raise TooManyCodes()  # a parallel request used the last try
    if user.code_wait_until is not None and user.code_wait_until > moment:
        raise CodeWait(max(1, math.ceil((user.code_wait_until - moment).total_seconds())))
    if verify_code(session, user, code, now=now):
        user.code_failures = 0
        user.code_wait_until = None
        session.flush()
        return True
    user.code_failures += 1
    wait = code_wait_after(user.code_failures)
    user.code_wait_until = moment + wait if wait else None
    record.code_failures += 1
    if record.code_failures >= TRIES_PER_SESSION:
        record.ended_at = moment
    session.flush()
    if record.ended_at is not None:
        raise TooManyCodes()
    return False


def _recovery_hash(code: str) -> str:
    return sha256_hex(code.strip().upper().replace("-", "").replace(" ", ""))


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace user's recovery codes with fresh ones and return them (shown once)."""
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(raw)))
    session.flush()
    return codes


def _use_recovery_code(session: Session, user: User, code: str, now: datetime) -> bool:
    record = session.scalars(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _recovery_hash(code), RecoveryCode.used_at.is_(None)
        )
    ).first()
    if record is None:
        return False
    record.used_at = db_time(now)
    session.flush()
    return True
