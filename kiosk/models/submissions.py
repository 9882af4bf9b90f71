"""Anonymous submissions, their answers and the idempotency keys that make retries safe.

Nothing here may point to a person. Time is a coarse period (a day or an ISO week). Ids start with
the period and are random after it (kiosk/ids.py); the tables are WITHOUT ROWID on SQLite, so rows
are stored in id order: a period's rows lie together, in an order that says nothing about arrival.
Answers are keyed by their submission, so they sit right next to it, and a period's answers are one
range of the key too. Every query the product runs reads a range of periods by primary key; the only
secondary indexes are on the keys that point to a submission from elsewhere (a text's, a retry key's),
because deleting a submission makes the database look for rows that still point to it, and without an
index it reads the whole table for each one (a week of retention took minutes at a million).

Answers have no foreign keys to questions and options on purpose: published versions never change
(kiosk/models/immutability.py) and answers are checked against them before they are stored; a
foreign key without an index would make SQLite scan every answer whenever a draft loses a question.
The keys to submission are deferrable and do not cascade, so that kiosk/storage.py can rewrite a
closed period on PostgreSQL in one transaction; deleting goes through kiosk/storage.py as well.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, SmallInteger, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.models.base import Base
from kiosk.models.types import UuidBytes

if TYPE_CHECKING:
    from kiosk.models.moderation import FreeText

WITHOUT_ROWID: dict[str, Any] = {"sqlite_with_rowid": False}
DEFERRED: dict[str, Any] = {"deferrable": True, "initially": "DEFERRED"}


class Submission(Base):
    """One person's answers to one form version, at one location, in one period."""

    __tablename__ = "submission"
    __table_args__ = (WITHOUT_ROWID,)

    id: Mapped[uuid.UUID] = mapped_column(UuidBytes, primary_key=True)
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_version.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    # "qr" for a phone that came through a poster, "kiosk" for a paired tablet.
    channel: Mapped[str] = mapped_column(String(12))
    # The first day of the period the answers were given in; period_unit says "day" or "week".
    period: Mapped[date] = mapped_column()
    period_unit: Mapped[str] = mapped_column(String(4))
    # The tablet it came from, if any; a tablet stands at a location and says nothing about a person.
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"), default=None)
    # Given as part of a burst of taps on one tablet (someone hammering the faces); kept, shown apart.
    burst: Mapped[bool] = mapped_column(default=False, server_default=false())

    answers: Mapped[list[Answer]] = relationship(back_populates="submission", order_by="Answer.position")
    free_texts: Mapped[list[FreeText]] = relationship(back_populates="submission", order_by="FreeText.id")


class Answer(Base):
    """One answer: a number (smiley, scale, yes/no as 1/0) or a chosen option; free text is a FreeText."""

    __tablename__ = "answer"
    __table_args__ = (WITHOUT_ROWID,)

    submission_id: Mapped[uuid.UUID] = mapped_column(
        UuidBytes, ForeignKey("submission.id", **DEFERRED), primary_key=True
    )
    # The answer's place within its submission (a multiple choice gives one row per option).
    position: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    question_id: Mapped[int] = mapped_column()
    number: Mapped[int | None] = mapped_column(default=None)
    option_id: Mapped[int | None] = mapped_column(default=None)

    submission: Mapped[Submission] = relationship(back_populates="answers")


class IdempotencyKey(Base):
    """A client's key for one submission, kept for a few days so that retries store nothing new."""

    __tablename__ = "idempotency_key"
    __table_args__ = (WITHOUT_ROWID,)

    key: Mapped[uuid.UUID] = mapped_column(UuidBytes, primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    # Deferred: the key is claimed first, in the same transaction, before its submission exists.
    submission_id: Mapped[uuid.UUID] = mapped_column(UuidBytes, ForeignKey("submission.id", **DEFERRED), index=True)
    created_on: Mapped[date] = mapped_column()


class SettledPeriod(Base):
    """A closed period whose rows PostgreSQL's heap holds in id order: settled, and no answer has come since.

    kiosk/storage.py marks the periods it settles, and settles only unmarked ones; an answer stored late
    into a period (a tablet's queue, a typed-in note) takes the mark away, so its period is settled again.
    SQLite stores these tables in key order and never needs marks.
    """

    __tablename__ = "settled_period"
    __table_args__ = (WITHOUT_ROWID,)

    period: Mapped[date] = mapped_column(primary_key=True)
