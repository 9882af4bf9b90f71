"""The minimal floor for bench/submissions.py: the same request as a bare WSGI app on a minimal schema.

The "best possible" reference: stdlib json and sqlite3, and a schema of its own with nothing the
request does not need — a link table keyed by code, the questions' kinds, and three WITHOUT ROWID
tables keyed like kiosk's (a 16-byte id that starts with the day, so that the floor keeps the same
promise that rows tell nothing of arrival order; answers keyed by submission and position). No period,
unit or channel columns (the id holds the day; a device says kiosk), one value column for a number or
an option, free text in the answer row with what was typed sealed next to it (as kiosk seals it),
the body hash as 32 bytes, days as integers, no foreign keys.

Per request: parse the JSON body and the Idempotency-Key header, look the link up (one query), turn
the answers into rows by the kind of each question (cached per process), then in one BEGIN IMMEDIATE
transaction claim the key with INSERT … ON CONFLICT DO NOTHING, insert the submission and its answers.
Same pragmas as kiosk (WAL, synchronous=FULL, busy_timeout). Serve it with kiosk's gunicorn settings:

    SIIFRA_FLOOR_DATABASE=/abs/min.sqlite3 \
        gunicorn -c deploy/gunicorn.conf.py --pythonpath bench floor_min:app
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from floor_app import EPOCH, MAX_BODY, Refused, day_id, seal

DATABASE = os.environ.get("SIIFRA_FLOOR_DATABASE", "")
BUSY_TIMEOUT_MS = 10_000

SCHEMA = """
CREATE TABLE link (code TEXT PRIMARY KEY, version_id INTEGER NOT NULL, location_id INTEGER NOT NULL,
                   timezone TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE question (id INTEGER PRIMARY KEY, version_id INTEGER NOT NULL, kind TEXT NOT NULL);
CREATE TABLE submission (id BLOB PRIMARY KEY, version_id INTEGER NOT NULL, location_id INTEGER NOT NULL,
                         device_id INTEGER) WITHOUT ROWID;
CREATE TABLE answer (submission_id BLOB NOT NULL, position INTEGER NOT NULL, question_id INTEGER NOT NULL,
                     value INTEGER, text TEXT, sealed TEXT, PRIMARY KEY (submission_id, position)) WITHOUT ROWID;
CREATE TABLE idempotency_key (key BLOB PRIMARY KEY, body_hash BLOB NOT NULL, submission_id BLOB NOT NULL,
                              created_on INTEGER NOT NULL) WITHOUT ROWID;
"""
RESOLVE = "SELECT version_id, location_id, timezone FROM link WHERE code = ?"
CLAIM = """
INSERT INTO idempotency_key (key, body_hash, submission_id, created_on) VALUES (?, ?, ?, ?)
ON CONFLICT (key) DO NOTHING RETURNING key
"""
INSERT_SUBMISSION = "INSERT INTO submission (id, version_id, location_id, device_id) VALUES (?, ?, ?, NULL)"
INSERT_ANSWER = "INSERT INTO answer (submission_id, position, question_id, value, text, sealed) VALUES (?, ?, ?, ?, ?, ?)"

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

_local = threading.local()  # one connection per thread, as in floor_app
_kinds: dict[int, dict[str, str]] = {}
_zones: dict[str, ZoneInfo] = {}


def connection() -> sqlite3.Connection:
    """Return this thread's connection, opened after the fork, with kiosk's pragmas."""
    if getattr(_local, "connection", None) is None:
        if not DATABASE:
            raise RuntimeError("Set SIIFRA_FLOOR_DATABASE to the path of a database made by floor_min.create().")
        conn = sqlite3.connect(DATABASE, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _local.connection = conn
    return _local.connection


def create(conn: sqlite3.Connection, links: list[tuple[str, int, int, str]], questions: list[tuple[int, int, str]]) -> None:
    """Make the schema and fill in links (code, version, location, timezone) and questions (id, version, kind)."""
    conn.executescript(SCHEMA)
    conn.executemany("INSERT INTO link VALUES (?, ?, ?, ?)", links)
    conn.executemany("INSERT INTO question VALUES (?, ?, ?)", questions)
    conn.commit()


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Store one submission from a POST; nothing else is served."""
    if environ["REQUEST_METHOD"] != "POST" or environ["PATH_INFO"] != "/api/v1/submissions":
        return _respond(start_response, "404 Not Found", {"error": "not_found"})
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY:
            raise Refused("413 Request Entity Too Large", "body too large")
        try:
            payload = json.loads(environ["wsgi.input"].read(length))
            key = uuid.UUID(environ.get("HTTP_IDEMPOTENCY_KEY", ""))
        except ValueError as error:
            raise Refused("400 Bad Request", str(error)) from None
        if not isinstance(payload, dict) or not isinstance(payload.get("link"), str):
            raise Refused("400 Bad Request", "not a submission")
        if not isinstance(payload.get("answers"), dict):
            raise Refused("400 Bad Request", "not a submission")
        submission_id = store(connection(), payload, key)
    except Refused as refused:
        return _respond(start_response, refused.status, {"error": "invalid", "message": str(refused)})
    return _respond(start_response, "201 Created", {"id": str(submission_id), "status": "stored"})


def store(conn: sqlite3.Connection, payload: dict[str, Any], key: uuid.UUID) -> uuid.UUID:
    """Store one submission in one write transaction and return its id (or the first one, on a retry)."""
    body_hash = hashlib.sha256(
        json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).digest()
    link = conn.execute(RESOLVE, (payload["link"].strip().upper(),)).fetchone()
    if link is None:
        raise Refused("404 Not Found", "unknown link")
    version_id, location_id, tz = link
    zone = _zones.get(tz) or _zones.setdefault(tz, ZoneInfo(tz))
    today = datetime.now(UTC).astimezone(zone).date()
    submission_id = day_id(today)
    rows = _answer_rows(conn, version_id, payload["answers"], submission_id)
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute(CLAIM, (key.bytes, body_hash, submission_id, (today - EPOCH).days)).fetchone() is None:
            first = conn.execute("SELECT submission_id FROM idempotency_key WHERE key = ?", (key.bytes,)).fetchone()
            conn.execute("ROLLBACK")
            return uuid.UUID(bytes=first[0])
        conn.execute(INSERT_SUBMISSION, (submission_id, version_id, location_id))
        conn.executemany(INSERT_ANSWER, rows)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return uuid.UUID(bytes=submission_id)


def _answer_rows(conn: sqlite3.Connection, version_id: int, answers: dict[str, Any], submission_id: bytes) -> list:
    kinds = _kinds.get(version_id)
    if kinds is None:
        query = "SELECT id, kind FROM question WHERE version_id = ?"
        kinds = _kinds[version_id] = {str(qid): kind for qid, kind in conn.execute(query, (version_id,))}
    values: list[tuple[int, Any, Any, Any]] = []
    for question, value in answers.items():
        kind = kinds.get(question)
        if kind is None:
            raise Refused("400 Bad Request", f"no question {question}")
        if value is None:
            continue
        qid = int(question)
        if kind == "multiple_choice":
            values.extend((qid, option, None, None) for option in value)
        elif kind == "free_text":
            if value.strip():
                values.append((qid, None, value.strip(), seal(value.strip())))
        else:
            values.append((qid, int(value), None, None))
    return [(submission_id, position, *row) for position, row in enumerate(values)]


def _respond(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
