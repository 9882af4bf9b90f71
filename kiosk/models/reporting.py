"""Counts per period, council digests as stored snapshots, their e-mails, and the themes text is grouped by.

Counts hold nothing but numbers per period and place. A digest is built once, when its period has
closed, and never changes afterwards: it is what the council read, even if data changes later.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.models.base import Base
from kiosk.models.staff import Council, User
from kiosk.models.submissions import DEFERRED, WITHOUT_ROWID
from kiosk.models.types import Texts, TextsType, UuidBytes, str_enum


class SubmissionTally(Base):
    """How many submissions came in a stored period, at a location, by a channel (burst-marked apart)."""

    __tablename__ = "submission_tally"
    __table_args__ = (WITHOUT_ROWID,)

    period: Mapped[date] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(12), primary_key=True)
    burst: Mapped[bool] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class AnswerTally(Base):
    """How many answers gave a value (a number, or an option's id) to a question, in a period, at a location."""

    __tablename__ = "answer_tally"
    __table_args__ = (WITHOUT_ROWID,)

    period: Mapped[date] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    question_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(Integer)


class CountedPeriod(Base):
    """A stored period whose counts are complete: counted after it closed, and no answer has reached it since.

    The nightly count marks the closed periods it counted; an answer stored late into a period (a tablet's
    queue, a typed-in note) takes the mark away. A digest counts its periods again only when one is unmarked.
    """

    __tablename__ = "counted_period"
    __table_args__ = (WITHOUT_ROWID,)

    period: Mapped[date] = mapped_column(primary_key=True)


class Theme(Base):
    """A theme free text is grouped by in digests: a name and keywords in each language."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Texts] = mapped_column(TextsType)
    # {"nb": ["mat*", "lunsj"], "nn": [...], "en": [...]}; * lets a word go on ("mat*" matches "maten").
    keywords: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)


class DigestStatus(enum.StrEnum):
    """Where a digest is."""

    BUILDING = "building"
    READY = "ready"
    # Fewer than k submissions in all: nothing is shown; the period is carried into the next digest.
    WAITING = "waiting"


class Digest(Base):
    """A council's digest for one period: a snapshot of everything it shows, made once."""

    __tablename__ = "digest"
    # Written before anything else happens: a second scheduler (or a second click) finds it and stops.
    __table_args__ = (UniqueConstraint("council_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"))
    # As people write it: 2026-W48, 2026-11, or 2026-W47–W48 when weeks were merged.
    period: Mapped[str] = mapped_column(String(32))
    first_day: Mapped[date] = mapped_column()
    last_day: Mapped[date] = mapped_column()
    status: Mapped[DigestStatus] = mapped_column(str_enum(DigestStatus), default=DigestStatus.BUILDING)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    built_at: Mapped[datetime | None] = mapped_column(default=None)

    council: Mapped[Council] = relationship()
    deliveries: Mapped[list[DigestDelivery]] = relationship(back_populates="digest", order_by="DigestDelivery.id")


class DeliveryStatus(enum.StrEnum):
    """Where one member's e-mail of a digest is."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class DigestDelivery(Base):
    """One member's e-mail of one digest: sent once, retried with backoff when the mail server fails."""

    __tablename__ = "digest_delivery"
    __table_args__ = (UniqueConstraint("digest_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digest.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus), default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)

    digest: Mapped[Digest] = relationship(back_populates="deliveries")
    user: Mapped[User] = relationship()


class DigestText(Base):
    """A released free-text answer shown in a digest: what a receipt code can follow, and what is carried over."""

    __tablename__ = "digest_text"

    digest_id: Mapped[int] = mapped_column(ForeignKey("digest.id", ondelete="CASCADE"), primary_key=True)
    # Deferred and not cascading, like every key to anonymous rows (kiosk/storage.py rewrites and deletes those).
    # Indexed on its own: a digest's "not shown yet", a receipt's lookup and deleting old text all find by it.
    free_text_id: Mapped[uuid.UUID] = mapped_column(
        UuidBytes, ForeignKey("free_text.id", **DEFERRED), primary_key=True, index=True
    )
