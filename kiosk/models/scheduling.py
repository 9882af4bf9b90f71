"""The scheduler's lease: which scheduler process may run the jobs, and until when (see kiosk/lease.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.models.base import Base


class SchedulerLease(Base):
    """One row per lease: the process that holds it (None when released) and when it lapses unless renewed."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    # Host, process id and a random part: enough for an operator to find the process, nothing about anyone.
    holder: Mapped[str | None] = mapped_column(String(120), default=None)
    expires_at: Mapped[datetime] = mapped_column()
