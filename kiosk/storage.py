"""Upkeep of the anonymous tables by period: forgetting arrival order on PostgreSQL, and deleting.

SQLite stores these tables in key order (WITHOUT ROWID), so a period's rows are in random order from
the start. PostgreSQL's heap keeps rows in the order they arrived, and a plain `SELECT` or a `pg_dump`
would show that order; settle() rewrites the rows of closed periods in id order, which is random
within a period. The scheduler runs settle_closed() every night for the closed periods that late
answers may still reach and that are not settled yet; until then an open period is in arrival order on
PostgreSQL (and nothing shows an open period: no peeking).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from kiosk.database import rowcount
from kiosk.ids import id_range
from kiosk.models import SettledPeriod
from kiosk.models.types import UuidBytes
from kiosk.periods import period_start

# (table, the column whose id starts with the period, the order to write rows back in), children first.
ANONYMOUS_TABLES = (
    ("free_text", "id", "id"),
    ("idempotency_key", "submission_id", "key"),
    ("answer", "submission_id", "submission_id, position"),
    ("submission", "id", "id"),
)


def _bounds(first: date, last: date) -> dict[str, object]:
    low, high = id_range(first, last)
    return {"low": low, "high": high}


def _in_range(column: str) -> str:
    return f"{column} >= :low AND {column} < :high"


def settle(session: Session, first: date, last: date) -> int:
    """Rewrite the rows of the periods starting first..last in id order; return how many submissions moved.

    Only PostgreSQL needs it; on SQLite it does nothing. Foreign keys to submission are deferred, so
    the rows can leave and come back within the caller's transaction.
    """
    if session.get_bind().dialect.name == "sqlite":
        return 0
    bounds = _bounds(first, last)
    moved = 0
    for table, column, order in ANONYMOUS_TABLES:
        session.execute(text(f"CREATE TEMPORARY TABLE settle_{table} (LIKE {table})"))
        session.execute(
            text(f"INSERT INTO settle_{table} SELECT * FROM {table} WHERE {_in_range(column)}").bindparams(*_typed()),
            bounds,
        )
        session.execute(text(f"DELETE FROM {table} WHERE {_in_range(column)}").bindparams(*_typed()), bounds)
        result = session.execute(text(f"INSERT INTO {table} SELECT * FROM settle_{table} ORDER BY {order}"))
        session.execute(text(f"DROP TABLE settle_{table}"))
        if table == "submission":
            moved = rowcount(result)
    session.flush()
    return moved


def settle_closed(session: Session, *, today: date, unit: str, backdate_days: int) -> int:
    """Settle the closed periods that late answers may still reach (backdate_days + 6 days back), unless marked.

    A period is marked once settled (SettledPeriod); a late answer takes its mark away (kiosk/submissions.py),
    so each night settles the periods that closed since, and those a late answer reached: usually one.
    A late answer stored while its period is being settled may keep its place until the next one comes;
    that tells no more than its being late, which its period already says.
    """
    if session.get_bind().dialect.name == "sqlite":
        return 0
    first = period_start(today - timedelta(days=backdate_days + 6), unit)
    last = period_start(today, unit) - timedelta(days=1)
    step = timedelta(days=7 if unit == "week" else 1)
    marked = set(session.scalars(select(SettledPeriod.period).where(SettledPeriod.period.between(first, last))))
    periods = [first + step * n for n in range((last - first) // step + 1)] if first <= last else []
    moved = 0
    for run in _runs([p for p in periods if p not in marked], step):
        moved += settle(session, run[0], run[-1])
        session.execute(insert(SettledPeriod), [{"period": p} for p in run])
    session.flush()
    return moved


def _runs(periods: list[date], step: timedelta) -> list[list[date]]:
    """Return the periods in runs of consecutive ones, so that each run is settled as one range."""
    runs: list[list[date]] = []
    for period in periods:
        if runs and runs[-1][-1] + step == period:
            runs[-1].append(period)
        else:
            runs.append([period])
    return runs


# Rows that point to anonymous rows and go when they go (they are not anonymous themselves).
LINKS = (
    ("digest_text", "free_text_id", "free_text_id"),
    ("ledger_text", "free_text_id", "free_text_id"),
    ("receipt", "free_text_id", "free_text_id"),
)


def delete_periods(session: Session, first: date, last: date) -> int:
    """Delete every submission of the periods starting first..last, with its answers and keys; return how many."""
    bounds = _bounds(first, last)
    deleted = 0
    for table, column, _order in (*LINKS, *ANONYMOUS_TABLES):
        result = session.execute(text(f"DELETE FROM {table} WHERE {_in_range(column)}").bindparams(*_typed()), bounds)
        if table == "submission":
            deleted = rowcount(result)
    session.flush()
    return deleted


def _typed() -> tuple[BindParameter[uuid.UUID], BindParameter[uuid.UUID]]:
    return (bindparam("low", type_=UuidBytes()), bindparam("high", type_=UuidBytes()))
