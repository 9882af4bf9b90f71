"""Anonymous submissions, their answers and the idempotency keys that make retries safe.

Nothing here may point to a person: ids are random UUIDs, time is a coarse period (a day or an ISO
week), and on SQLite the tables are WITHOUT ROWID so that storage order is key order, not arrival order.
"""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.models.base import Base

WITHOUT_ROWID = {"sqlite_with_rowid": False}


class Submission(Base):
    """One person's answers to one form version, at one location, in one period."""

    __tablename__ = "submission"
    __table_args__ = (Index("ix_submission_location_period", "location_id", "period"), WITHOUT_ROWID)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_version.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    # "qr" for a phone that came through a poster, "kiosk" for a paired tablet.
    channel: Mapped[str] = mapped_column(String(8))
    # The first day of the period the answers were given in; period_unit says "day" or "week".
    period: Mapped[date] = mapped_column()
    period_unit: Mapped[str] = mapped_column(String(4))
    # The tablet it came from, if any; a tablet stands at a location and says nothing about a person.
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"), default=None)
    # Given as part of a burst of taps on one tablet (someone hammering the faces); kept, shown apart.
    burst: Mapped[bool] = mapped_column(default=False, server_default=false())

    answers: Mapped[list[Answer]] = relationship(back_populates="submission", cascade="all, delete-orphan")


class Answer(Base):
    """One answer: a number (smiley, scale, yes/no as 1/0), a chosen option, or free text."""

    __tablename__ = "answer"
    __table_args__ = (WITHOUT_ROWID,)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    submission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    number: Mapped[int | None] = mapped_column(default=None)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("option.id"), default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None)

    submission: Mapped[Submission] = relationship(back_populates="answers")


class IdempotencyKey(Base):
    """A client's key for one submission, kept for a few days so that retries store nothing new."""

    __tablename__ = "idempotency_key"
    __table_args__ = (WITHOUT_ROWID,)

    key: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    # Deferred: the key is claimed first, in the same transaction, before its submission exists.
    submission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED")
    )
    created_on: Mapped[date] = mapped_column(index=True)
