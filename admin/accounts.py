"""Staff accounts: the first admin, invitations, disabling. Operations flush; callers commit."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.login import find_user, normalise_email
from admin.passwords import hash_password, password_problems
from admin.sessions import end_all_sessions
from kiosk.hashing import sha256_hex
from kiosk.models import Council, Invitation, Role, User
from kiosk.models.types import db_time


class AccountError(ValueError):
    """An account operation cannot be done; key names the reason for the message shown."""

    def __init__(self, key: str, problems: list[str] | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.problems = problems or []


def _check_new_account(session: Session, email: str, role: Role, council: Council | None) -> None:
    if "@" not in email or len(email) > 254:
        raise AccountError("bad_email")
    if find_user(session, email) is not None:
        raise AccountError("email_taken")
    if role is Role.COUNCIL and council is None:
        raise AccountError("council_needed")


def create_user(
    session: Session, *, email: str, name: str, password: str, role: Role, now: datetime, council: Council | None = None
) -> User:
    """Create an account with a password that meets the rules."""
    email = normalise_email(email)
    _check_new_account(session, email, role, council)
    problems = password_problems(password, [email, name, "siifra", "si ifra"])
    if problems:
        raise AccountError("weak_password", problems)
    user = User(
        email=email,
        name=name.strip() or email,
        role=role,
        council=council if role is Role.COUNCIL else None,
        password_hash=hash_password(password),
        created_at=db_time(now),
    )
    session.add(user)
    session.flush()
    return user


def invite(
    session: Session,
    *,
    email: str,
    name: str,
    role: Role,
    invited_by: User,
    now: datetime,
    hours: int,
    council: Council | None = None,
) -> tuple[Invitation, str]:
    """Create a one-time invitation valid for hours; return it and the token for the link."""
    email = normalise_email(email)
    _check_new_account(session, email, role, council)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        name=name.strip(),
        role=role,
        council=council if role is Role.COUNCIL else None,
        token_hash=sha256_hex(token),
        invited_by_id=invited_by.id,
        created_at=db_time(now),
        expires_at=db_time(now) + timedelta(hours=hours),
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def open_invitation(session: Session, token: str, *, now: datetime) -> Invitation:
    """Return the unused, unexpired invitation for token, or raise AccountError("invitation_invalid")."""
    invitation = session.scalars(select(Invitation).where(Invitation.token_hash == sha256_hex(token))).first()
    if invitation is None or invitation.used_at is not None or invitation.expires_at < db_time(now):
        raise AccountError("invitation_invalid")
    return invitation


def accept_invitation(session: Session, token: str, password: str, *, now: datetime) -> User:
    """Create the invited account with password; the invitation cannot be used again."""
    invitation = open_invitation(session, token, now=now)
    user = create_user(
        session,
        email=invitation.email,
        name=invitation.name,
        password=password,
        role=invitation.role,
        council=invitation.council,
        now=now,
    )
    invitation.used_at = db_time(now)
    session.flush()
    return user


def set_active(session: Session, user: User, active: bool, *, now: datetime) -> None:
    """Disable (ending every session at once) or enable an account."""
    if active:
        user.disabled_at = None
    else:
        user.disabled_at = db_time(now)
        end_all_sessions(session, user, now=now)
    session.flush()


def change_role(session: Session, user: User, role: Role, council: Council | None) -> None:
    """Give an account another role (and council, for council members)."""
    if role is Role.COUNCIL and council is None:
        raise AccountError("council_needed")
    user.role = role
    user.council = council if role is Role.COUNCIL else None
    session.flush()
