"""Places where people give feedback: day centres, activity houses, housing units."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.models.base import Base
from kiosk.models.types import str_enum


class LocationKind(enum.StrEnum):
    """What sort of place a location is."""

    DAY_CENTRE = "day_centre"
    ACTIVITY_HOUSE = "activity_house"
    HOUSING = "housing"
    LOW_THRESHOLD = "low_threshold"
    HEALTHY_LIFE = "healthy_life"
    OTHER = "other"


class Location(Base):
    """A place where a form is offered on a poster or a tablet."""

    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[LocationKind] = mapped_column(str_enum(LocationKind), default=LocationKind.DAY_CENTRE)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Oslo")
    created_at: Mapped[datetime] = mapped_column()
    retired_at: Mapped[datetime | None] = mapped_column(default=None)
    # Tablet settings: the form on the wall, how soon it wipes itself, and when the place is open:
    # {"mon": [["08:00", "15:30"]], ...}; no entry for a day means closed, an empty dict means always open.
    kiosk_form_id: Mapped[int | None] = mapped_column(ForeignKey("form.id"), default=None)
    idle_reset_seconds: Mapped[int] = mapped_column(default=60, server_default="60")
    opening_hours: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    sleep_outside_hours: Mapped[bool] = mapped_column(default=False, server_default=false())

    def __repr__(self) -> str:
        return f"<Location {self.id} {self.name!r}>"
