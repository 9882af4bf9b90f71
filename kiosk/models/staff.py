"""Staff: accounts with roles, server-side sessions, invitations, user councils and the audit log.

These tables describe staff and what staff did. Nothing here refers to a respondent.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.models.base import Base
from kiosk.models.locations import Location
from kiosk.models.types import str_enum


class Role(enum.StrEnum):
    """What a staff account may do."""

    ADMIN = "admin"
    MODERATOR = "moderator"
    COUNCIL = "council"

    @property
    def needs_two_factor(self) -> bool:
        """Return True when the role must use TOTP two-factor sign-in."""
        # Every role: council members read free text too, and a password alone is one phishing mail away.
        return True


council_location = Table(
    "council_location",
    Base.metadata,
    Column("council_id", ForeignKey("council.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("location.id", ondelete="CASCADE"), primary_key=True),
)


class Council(Base):
    """A user council (brukerråd) that follows the feedback from some locations."""

    __tablename__ = "council"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column()
    # Free text from this council's locations is released only when two moderators agree.
    four_eyes: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Digests: "weekly", "monthly" or a cron expression; when they are sent ("mon 08:00", Europe/Oslo);
    # their language; and k, the smallest group a number is shown for (kiosk/digests/periods.py).
    cadence: Mapped[str] = mapped_column(String(64), default="weekly", server_default="weekly")
    send: Mapped[str] = mapped_column(String(32), default="mon 08:00", server_default="mon 08:00")
    language: Mapped[str] = mapped_column(String(2), default="nb", server_default="nb")
    k: Mapped[int] = mapped_column(Integer, default=5, server_default="5")

    locations: Mapped[list[Location]] = relationship(secondary=council_location, order_by=Location.name)


class User(Base):
    """A staff account."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    council_id: Mapped[int | None] = mapped_column(ForeignKey("council.id"), default=None)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Encrypted with kiosk.encryption (purpose "totp"): a copy of the database alone cannot make codes.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(String(255), default=None)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(default=None)
    # The last TOTP time step accepted, so that a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(default=None)
    # Wrong codes in a row, in any session; past a few, every further code must wait (see admin.twofactor).
    code_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    code_wait_until: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)
    # Council members get each digest by e-mail unless they turn it off for themselves.
    digest_email: Mapped[bool] = mapped_column(default=True, server_default=true())

    council: Mapped[Council | None] = relationship()

    @property
    def is_active(self) -> bool:
        """Return True unless the account is disabled."""
        return self.disabled_at is None

    @property
    def two_factor_enabled(self) -> bool:
        """Return True when TOTP is set up."""
        return self.totp_enabled_at is not None


class LoginThrottle(Base):
    """Failed sign-ins in one bucket: an e-mail address typed (known or not, so that throttling reveals
    no accounts), or one known browser of one account (see admin.login)."""

    __tablename__ = "login_throttle"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    last_failure_at: Mapped[datetime | None] = mapped_column(default=None, index=True)


class RecoveryCode(Base):
    """A one-time code to sign in when the phone with the authenticator app is gone."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class StaffSession(Base):
    """A signed-in browser. The cookie holds a random token; only its hash is kept here."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column()
    last_seen_at: Mapped[datetime] = mapped_column()
    two_factor_done: Mapped[bool] = mapped_column(default=False)
    # Wrong codes typed in this session; past a few the session ends and the password is asked again.
    code_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    ended_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship()


class Invitation(Base):
    """A one-time, expiring link that lets a new staff member set a password."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    council_id: Mapped[int | None] = mapped_column(ForeignKey("council.id"), default=None)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), default=None)
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)

    council: Mapped[Council | None] = relationship()


class AuditEvent(Base):
    """Something a staff member did: who, what, when. Never about respondents."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), default=None)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
