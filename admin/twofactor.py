"""TOTP two-factor sign-in (RFC 6238, via pyotp) and one-time recovery codes."""
from __future__ import annotations

import io
import secrets
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.hashing import sha256_hex
from kiosk.models import RecoveryCode, User
from kiosk.models.types import db_time

ISSUER = "Si ifra"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_secret() -> str:
    """Return a fresh base32 TOTP secret."""
    return pyotp.random_base32()


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
    user.totp_secret = secret
    user.totp_enabled_at = db_time(now)
    user.totp_last_step = step
    return new_recovery_codes(session, user)


def verify_code(session: Session, user: User, code: str, *, now: datetime) -> bool:
    """Return True for a current TOTP code not used before, or an unused recovery code."""
    if user.totp_secret is None:
        return False
    step = _matching_step(user.totp_secret, code, now)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False
        user.totp_last_step = step
        session.flush()
        return True
    return _use_recovery_code(session, user, code, now)


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
