"""Tablet pairing and authentication. Codes and tokens are shown once and stored only as hashes."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.hashing import sha256_hex
from kiosk.models import Device, Location
from kiosk.models.types import db_time
from kiosk.shortcodes import ALPHABET

# Ten characters from an alphabet of 31: 31**10 = 8.2e14 codes. A code works once, for 15 minutes.
# A flood of 2,000 guesses a second (more than the app servers can answer) for those 15 minutes makes
# 1.8 million guesses: a 2e-9 chance of hitting one live code. Guessing is hopeless without any limit,
# so there is none, and a flood of wrong codes can never stand between a real code and its tablet.
PAIRING_CODE_LENGTH = 10


class PairingFailed(Exception):
    """The pairing code is unknown, used, expired, or its tablet was revoked."""


class NotPaired(Exception):
    """The device token is unknown or revoked."""


def normalise_pairing_code(code: str) -> str:
    """Return a pairing code as stored: upper case, without spaces or dashes."""
    return code.strip().upper().replace("-", "").replace(" ", "")


def format_pairing_code(code: str) -> str:
    """Return a pairing code in two groups of five, as staff read it out."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def create_device(
    session: Session, location: Location, name: str, *, now: datetime, minutes: int
) -> tuple[Device, str]:
    """Create a tablet for a location; return it and its pairing code."""
    device = Device(name=name, location=location, created_at=db_time(now))
    session.add(device)
    code = issue_pairing_code(session, device, now=now, minutes=minutes)
    return device, code


def issue_pairing_code(session: Session, device: Device, *, now: datetime, minutes: int) -> str:
    """Give a tablet a new one-time pairing code, valid for minutes; an old code stops working."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(PAIRING_CODE_LENGTH))
    device.pairing_code_hash = sha256_hex(code)
    device.pairing_expires_at = db_time(now) + timedelta(minutes=minutes)
    device.revoked_at = None
    session.flush()
    return code


def pair(session: Session, code: str, *, now: datetime) -> tuple[Device, str]:
    """Trade a pairing code for a long-lived device token; the code works once."""
    canonical = normalise_pairing_code(code)
    if len(canonical) != PAIRING_CODE_LENGTH or not set(canonical) <= set(ALPHABET):
        raise PairingFailed(code)
    device = session.scalars(select(Device).where(Device.pairing_code_hash == sha256_hex(canonical))).first()
    if device is None or device.revoked_at is not None:
        raise PairingFailed(code)
    if device.pairing_expires_at is None or device.pairing_expires_at < db_time(now):
        raise PairingFailed(code)
    token = secrets.token_urlsafe(32)
    device.token_hash = sha256_hex(token)
    device.pairing_code_hash = None
    device.pairing_expires_at = None
    device.paired_at = db_time(now)
    session.flush()
    return device, token


def authenticate(session: Session, token: str) -> Device:
    """Return the paired, unrevoked device that holds token; only reads."""
    if not token:
        raise NotPaired()
    device = session.scalars(select(Device).where(Device.token_hash == sha256_hex(token))).first()
    if device is None or device.revoked_at is not None:
        raise NotPaired()
    return device


def mark_seen(session: Session, device: Device, today: date) -> None:
    """Note the day a tablet was last seen (a day, never a time)."""
    if device.last_seen_on != today:
        device.last_seen_on = today
        session.flush()


def revoke(session: Session, device: Device, *, now: datetime) -> None:
    """Revoke a tablet at once: its token and any pairing code stop working."""
    device.revoked_at = db_time(now)
    device.token_hash = None
    device.pairing_code_hash = None
    device.pairing_expires_at = None
    session.flush()


def move(session: Session, device: Device, location: Location) -> None:
    """Move a tablet to another location; its answers from now on count there."""
    device.location = location
    session.flush()


def rename(session: Session, device: Device, name: str) -> None:
    """Give a tablet a new name."""
    device.name = name
    session.flush()
