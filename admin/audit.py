"""The audit log of staff actions. It records staff, never respondents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kiosk.models import AuditEvent, User
from kiosk.models.types import db_time


def record(
    session: Session, actor: User | None, action: str, target: str = "", *, now: datetime, **details: Any
) -> AuditEvent:
    """Add an entry: who (actor), what (action on target, with details), when (now)."""
    event = AuditEvent(at=db_time(now), actor=actor, action=action, target=target, details=details)
    session.add(event)
    session.flush()
    return event
