"""Short links: the code on a poster that leads to one form at one location."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.models.base import Base
from kiosk.models.forms import Form
from kiosk.models.locations import Location


class ShortLink(Base):
    """A six-character code for a form at a location; it follows the form's newest published version."""

    __tablename__ = "short_link"
    __table_args__ = (UniqueConstraint("form_id", "location_id"),)

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("form.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    created_at: Mapped[datetime] = mapped_column()
    retired_at: Mapped[datetime | None] = mapped_column(default=None)

    form: Mapped[Form] = relationship()
    location: Mapped[Location] = relationship()
