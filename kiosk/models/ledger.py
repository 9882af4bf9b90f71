"""The ledger, "Dette har vi gjort": what was heard, what the service did about it, and where it stands.

Entries are written by staff and council members, in nb (and nn, en where given; the others fall back
to nb). They say nothing about who said what: an entry may point to released free text, which is
already de-identified, and to the digest it came up in.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.models.base import Base
from kiosk.models.locations import Location
from kiosk.models.moderation import FreeText
from kiosk.models.submissions import DEFERRED
from kiosk.models.types import Texts, TextsType, UuidBytes, str_enum


class LedgerStatus(enum.StrEnum):
    """Where an entry stands, in the words the council uses."""

    RECEIVED = "mottatt"
    CONSIDERING = "vurderes"
    PLANNED = "planlagt"
    DONE = "gjort"
    NOT_POSSIBLE = "ikke_mulig"

    @property
    def closed(self) -> bool:
        """Return True when nothing more will happen: done, or not possible."""
        return self in (LedgerStatus.DONE, LedgerStatus.NOT_POSSIBLE)


ledger_location = Table(
    "ledger_location",
    Base.metadata,
    Column("entry_id", ForeignKey("ledger_entry.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("location.id", ondelete="CASCADE"), primary_key=True),
)

# Released free text an entry answers. Deferred and not cascading, like every key to anonymous rows.
ledger_text = Table(
    "ledger_text",
    Base.metadata,
    Column("entry_id", ForeignKey("ledger_entry.id", ondelete="CASCADE"), primary_key=True),
    Column("free_text_id", UuidBytes, ForeignKey("free_text.id", **DEFERRED), primary_key=True, index=True),
)


class LedgerEntry(Base):
    """One thing the service heard and what it did or decided about it."""

    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    heard: Mapped[Texts] = mapped_column(TextsType)
    done: Mapped[Texts] = mapped_column(TextsType, default=dict)
    status: Mapped[LedgerStatus] = mapped_column(str_enum(LedgerStatus), default=LedgerStatus.RECEIVED)
    # Why it could not be done, in plain words (required for "ikke mulig").
    reason: Mapped[Texts] = mapped_column(TextsType, default=dict)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("council.id", ondelete="SET NULL"), default=None)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"), default=None)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("digest.id", ondelete="SET NULL"), default=None)
    # Days, not times, like everything near what people said.
    created_on: Mapped[date] = mapped_column()
    # The day it last changed: digests list the entries that changed in their period.
    changed_on: Mapped[date] = mapped_column()

    locations: Mapped[list[Location]] = relationship(secondary=ledger_location, order_by=Location.name)
    texts: Mapped[list[FreeText]] = relationship(secondary=ledger_text)
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="entry", order_by="Milestone.on", cascade="all, delete-orphan"
    )


class Milestone(Base):
    """A dated step of an entry: "the new chairs are ordered", "the new opening hours start"."""

    __tablename__ = "ledger_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column()
    text: Mapped[Texts] = mapped_column(TextsType)

    entry: Mapped[LedgerEntry] = relationship(back_populates="milestones")


class Receipt(Base):
    """A receipt code's keyed hash and a free-text answer it follows; the code itself is never stored.

    Made only when the person asks for one; deleted with the text when the text's time is up.
    """

    __tablename__ = "receipt"
    __table_args__ = ({"sqlite_with_rowid": False},)

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    free_text_id: Mapped[uuid.UUID] = mapped_column(
        UuidBytes, ForeignKey("free_text.id", **DEFERRED), primary_key=True, index=True
    )
