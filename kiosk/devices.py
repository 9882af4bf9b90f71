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

PAIRING_CODE_LENGTH = 8


class PairingFailed(Exception):
    """The pairing code is unknown, used, expired, or its tablet was revoked."""


class NotPaired(Exception):
    """The device token is unknown or revoked."""


def normalise_pairing_code(code: str) -> str:
    """Return a pairing code as stored: upper case, without spaces or dashes."""
    return code.strip().upper().replace("-", "").replace(" ", "")


def format_pairing_code(code: str) -> str:
    """Return a pairing code in two groups of four, as staff read it out."""
    return f"{code[:4]}-{code[4:]}"


def create_device(session: Session, location: Location, name: str, *, now: datetime, minutes: int) -> tuple[Device, str]:
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
    device = session.scalars(select(Device).where(Device.pairing_code_hash == sha256_hex(normalise_pairing_code(code)))).first()
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


def authenticate(session: Session, token: str, *, today: date) -> Device:
    """Return the paired, unrevoked device that holds token, and note that it was seen today."""
    if not token:
        raise NotPaired()
    device = session.scalars(select(Device).where(Device.token_hash == sha256_hex(token))).first()
    if device is None or device.revoked_at is not None:
        raise NotPaired()
    if device.last_seen_on != today:
        device.last_seen_on = today
        session.flush()
    return device


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
