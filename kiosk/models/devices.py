"""Tablets paired to a location; the server keeps only hashes of their codes and tokens."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.models.base import Base
from kiosk.models.locations import Location


class Device(Base):
    """A kiosk tablet: created by staff, paired once with a short-lived code, revocable."""

    __tablename__ = "device"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    created_at: Mapped[datetime] = mapped_column()
    pairing_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    pairing_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    paired_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # A day, not a time: enough for staff to see that a tablet has gone quiet.
    last_seen_on: Mapped[date | None] = mapped_column(default=None)

    location: Mapped[Location] = relationship()

    @property
    def status(self) -> str:
        """Return "revoked", "paired", "waiting" (a code is out) or "new"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.token_hash is not None:
            return "paired"
        if self.pairing_code_hash is not None:
            return "waiting"
        return "new"
