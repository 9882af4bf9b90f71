"""Free text as moderators and the council see it, the words always redacted at a location, and settings.

A free-text answer is stored de-identified (kiosk/moderation/deidentify.py) from the moment it arrives;
the text as typed is kept only sealed (encrypted, kiosk/encryption.py) for moderators, until the item
is moderated or a few days have passed. Ids work like submissions' (kiosk/ids.py): the period, then
random, so the queue's order (by id) is period first and a random order within it, never arrival.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.models.base import Base
from kiosk.models.submissions import DEFERRED, WITHOUT_ROWID, Submission
from kiosk.models.types import UuidBytes, str_enum


class TextStatus(enum.StrEnum):
    """Where a free-text answer is in moderation."""

    PENDING = "pending"
    # Released by one moderator where the council asks for two (four eyes); waits for the second.
    SECOND_LOOK = "second_look"
    RELEASED = "released"
    HIDDEN = "hidden"


class HideReason(enum.StrEnum):
    """Why a moderator did not release a text."""

    PERSONAL = "personal"
    OFFENSIVE = "offensive"
    SPAM = "spam"
    DUPLICATE = "duplicate"
    OTHER = "other"


class FreeText(Base):
    """One free-text answer, de-identified on arrival, and what moderation made of it."""

    __tablename__ = "free_text"
    __table_args__ = (WITHOUT_ROWID,)

    id: Mapped[uuid.UUID] = mapped_column(UuidBytes, primary_key=True)
    submission_id: Mapped[uuid.UUID] = mapped_column(UuidBytes, ForeignKey("submission.id", **DEFERRED), index=True)
    # Its submission's place, kept here too: a digest, the urgent count and the moderation lists read a
    # place's text without looking up each text's submission (a week's 1,472 texts for a digest at a million
    # submissions: 8.7 → 3.2 ms on PostgreSQL, 7.3 → 1.3 ms of it in the server, which had hashed the week's
    # 19,000 submissions to find their places).
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    question_id: Mapped[int] = mapped_column()
    # The text with names, numbers and addresses replaced by [navn], [telefon] …; what anyone may read.
    text: Mapped[str] = mapped_column(Text)
    # Where the placeholders are in text: [{"start": 3, "end": 9, "kind": "name"}, …]
    redactions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The original and each redacted part, encrypted; None once moderated or too old.
    sealed: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[TextStatus] = mapped_column(str_enum(TextStatus), default=TextStatus.PENDING)
    hide_reason: Mapped[HideReason | None] = mapped_column(str_enum(HideReason), default=None)
    # The words suggest someone may be in danger: first in the queue, moderators alerted (by count only).
    urgent: Mapped[bool] = mapped_column(default=False, server_default=false())
    alerted: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A moderator picked it as a representative quote for the council's digest.
    quote: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The moderator who released it first, where a second must confirm.
    first_release_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), default=None)
    # The day it was moderated: staff time, never the respondent's. Indexed: digests read what was released since.
    moderated_on: Mapped[date | None] = mapped_column(default=None, index=True)

    submission: Mapped[Submission] = relationship(back_populates="free_texts")


class LocalWord(Base):
    """A word always redacted in free text from one location: a staff member's or resident's name, a nickname."""

    __tablename__ = "local_word"
    __table_args__ = (UniqueConstraint("location_id", "word"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    word: Mapped[str] = mapped_column(String(120))


class Setting(Base):
    """A setting staff change on a page (retention), with its value as JSON; the default comes from config."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
