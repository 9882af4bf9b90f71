"""Database engine tuning: SQLite durability and write locking, PostgreSQL defaults."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, Result
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, scoped_session

WRITE = {"siifra_write": True}
AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}


def engine_options(url: str, busy_timeout_ms: int) -> dict[str, Any]:
    """Return create_engine options for the database behind url."""
    # A failed statement's parameters are answers and password hashes: keep them out of the error log.
    hidden = {"hide_parameters": True}
    if url.startswith("sqlite"):
        # Autocommit at the driver level, so that _begin below decides how each transaction starts.
        return {**hidden, "connect_args": {"timeout": busy_timeout_ms / 1000, "isolation_level": None}}
    # No JIT: kiosk's queries are short, and a backend that once compiled one (the nightly count over a
    # year) makes every later parallel query's workers load LLVM: 16 ms more for a digest's week of text.
    # An operator's own ?options=… in the URL wins.
    no_jit = {} if "options=" in url else {"connect_args": {"options": "-c jit=off"}}
    return {**hidden, "pool_pre_ping": True, **no_jit}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if not _is_sqlite(dbapi_connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL can lose the last committed answers on power loss; a kiosk on a cheap tablet sees that.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    # A write that starts as a read must upgrade its lock later, and SQLite answers "database is
    # locked" at once instead of waiting when another writer got there first. Writes therefore take
    # the lock up front (BEGIN IMMEDIATE), where the busy timeout applies; reads stay deferred.
    # Straight to the driver: through exec_driver_sql this cost more than the query that follows
    # (0.1 ms), on every request. A refusal ("database is locked") is raised as SQLAlchemy raises it.
    begin = "BEGIN IMMEDIATE" if conn.get_execution_options().get("siifra_write") else "BEGIN"
    try:
        conn.connection.dbapi_connection.execute(begin)  # type: ignore[union-attr]
    except sqlite3.Error as error:
        raise DBAPIError.instance(begin, None, error, sqlite3.Error) from error


def _is_sqlite(dbapi_connection: Any) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


def rowcount(result: Result[Any]) -> int:
    """Return how many rows an INSERT, UPDATE or DELETE touched (its result is a CursorResult at run time)."""
    return int(getattr(result, "rowcount", 0) or 0)


def in_write_transaction(session: Session | scoped_session[Session]) -> bool:
    """Return True when the session's transaction may write without an upgrade.

    On SQLite that is a transaction begun with begin_write (BEGIN IMMEDIATE); PostgreSQL takes row locks
    as it goes, so any open transaction counts.
    """
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        return False
    connection = session.connection()
    return connection.dialect.name != "sqlite" or bool(connection.get_execution_options().get("siifra_write"))


def begin_write(session: Session | scoped_session[Session]) -> None:
    """Start the session's transaction as a write transaction; call before the first query."""
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        connection = session.connection()
        if connection.dialect.name == "sqlite" and not connection.get_execution_options().get("siifra_write"):
            raise RuntimeError("begin_write() must come before any query in the transaction")
        return
    session.connection(execution_options=WRITE)


def read_only(session: Session | scoped_session[Session]) -> None:
    """Let a page that only reads run each statement on its own on PostgreSQL; call before the first query.

    For a public page's lookups by key, which need no snapshot in common: without a transaction there
    is no BEGIN before them and no ROLLBACK after, two of a page's four or five round trips. SQLite's
    transactions cost no round trip, and its reads stay in theirs.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    session.connection(execution_options=AUTOCOMMIT)


def commit_and_begin_write(session: Session | scoped_session[Session]) -> None:
    """Commit the session's transaction (often only reads) and start a write transaction.

    For code that reads, then writes, in the scheduler or a command while web workers write too: on
    SQLite a read transaction cannot become a write one while another connection writes (it fails at
    once, without the busy timeout), so the write starts afresh, with the lock taken up front.
    """
    session.commit()
    begin_write(session)


@contextmanager
def plans_for_parameters(session: Session | scoped_session[Session]) -> Iterator[None]:
    """On PostgreSQL, plan each statement run inside for its own parameters (the transaction stays open).

    psycopg prepares a statement once a connection has run it five times, and five runs later PostgreSQL
    may settle on one generic plan for any parameters. For a page's lookups by key that saves planning,
    but for reads by ranges of days and ids it guesses the ranges narrow: a digest's read of the text
    released since the last digest walked its 12 weeks by id, 6.5 → 22 ms at 1 M submissions, from the
    eleventh build on a connection (a scheduler's eleventh week, or ten councils in one night).

    Only inside: foreign-key checks run as prepared statements too, and planned afresh for every row
    they made recording a digest's 1,472 texts take 28 ms instead of 13. Should the block fail, the
    transaction's rollback undoes the setting (SET LOCAL).
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    yield
    if postgres:
        session.execute(text("SET LOCAL plan_cache_mode TO DEFAULT"))
