"""A lease in the database that lets one scheduler process run the jobs, however many were started.

A process holds the lease when one conditional UPDATE (the lease is free, lapsed, or already its own)
changed the row; it renews it the same way before every job and once a minute. Another process finds
the row taken, runs nothing, and tries again, so it takes over within TTL of the holder's death. Each
operation commits at once: the lease must be visible to the other processes before a job starts.
Expiry is judged by each process's own clock; app servers keep theirs right with NTP anyway.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.database import begin_write, rowcount
from kiosk.models import SchedulerLease
from kiosk.models.types import db_time

NAME = "scheduler"
TTL = timedelta(minutes=5)


def new_holder() -> str:
    """Return a name for this process: its host, process id and a random part (process ids repeat)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Holding:
    """The outcome of trying to take the lease: held by us, or by whom and until when."""

    held: bool
    holder: str | None
    expires_at: datetime | None


def take(session: Session, holder: str, *, now: datetime, ttl: timedelta = TTL) -> Holding:
    """Take or renew the lease for holder until now + ttl, unless another process holds it; commit."""
    begin_write(session)
    moment = db_time(now)
    taken = session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == NAME,
            or_(
                SchedulerLease.holder == holder,
                SchedulerLease.holder.is_(None),
                SchedulerLease.expires_at < moment,
            ),
        )
        .values(holder=holder, expires_at=moment + ttl)
    )
    session.commit()
    if rowcount(taken):
        return Holding(True, holder, moment + ttl)
    current = session.get(SchedulerLease, NAME, populate_existing=True)
    if current is None:
        return _first(session, holder, moment + ttl)
    found = Holding(False, current.holder, current.expires_at)
    session.commit()
    return found


def _first(session: Session, holder: str, until: datetime) -> Holding:
    """Write the lease's row, held by holder; when another process wrote it first, it is theirs."""
    session.rollback()
    begin_write(session)
    session.add(SchedulerLease(name=NAME, holder=holder, expires_at=until))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return Holding(False, None, None)
    return Holding(True, holder, until)


def release(session: Session, holder: str, *, now: datetime) -> bool:
    """Give the lease back, if holder has it, so that another scheduler may start at once; commit."""
    begin_write(session)
    released = session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == NAME, SchedulerLease.holder == holder)
        .values(holder=None, expires_at=db_time(now))
    )
    session.commit()
    return bool(rowcount(released))
