"""The same-schema floor for bench/submissions.py: POST /api/v1/submissions as a bare WSGI app.

No Flask, no SQLAlchemy: stdlib json and sqlite3 only, so that the benchmark can show how much of a
request's cost is the framework and the ORM rather than SQLite and its fsync. It writes the same rows
as kiosk into the same migrated schema — 16-byte ids whose first 4 bytes are the day (kiosk/ids.py),
answers keyed by (submission, position), free text in free_text with what was typed sealed (Fernet,
with a key derived from the app's secret as kiosk/encryption.py does), dates as YYYY-MM-DD, the same
body hash — with the same pragmas; the link is looked up before the write lock is taken, as kiosk
does, and the inserts run in one BEGIN IMMEDIATE transaction. It does not de-identify the text or look
for crisis words (kiosk/moderation/): that is part of what kiosk's figure costs.

It does what any implementation of the endpoint must do per request: parse the JSON body and the
Idempotency-Key header, resolve the short link (one query, as kiosk does), insert the submission and
its answers, claim the key (in kiosk's order, so that no key points at a row not yet written) and
insert the free text. It checks answers only as far as it needs to turn them into rows (the kind of
each question, cached per process like kiosk's form spec); kiosk's fuller validation is part of what
the benchmark measures. Serve it with the same gunicorn settings as kiosk:

    SIIFRA_FLOOR_DATABASE=/abs/db.sqlite3 \
        gunicorn -c deploy/gunicorn.conf.py --pythonpath bench floor_app:app
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

DATABASE = os.environ.get("SIIFRA_FLOOR_DATABASE", "")
BUSY_TIMEOUT_MS = 10_000  # kiosk's SQLITE_BUSY_TIMEOUT_MS default
MAX_BODY = 64 * 1024  # kiosk's MAX_CONTENT_LENGTH
EPOCH = date(1970, 1, 1)

# kiosk.links.resolve_link, written out.
RESOLVE = """
SELECT short_link.form_id,
       (SELECT max(form_version.id) FROM form_version
         WHERE form_version.form_id = short_link.form_id AND form_version.published_at IS NOT NULL),
       short_link.location_id, location.timezone
  FROM short_link
  JOIN form ON form.id = short_link.form_id
  JOIN location ON location.id = short_link.location_id
 WHERE short_link.code = ? AND short_link.retired_at IS NULL
   AND form.retired_at IS NULL AND location.retired_at IS NULL
"""
CLAIM = """
INSERT INTO idempotency_key (key, body_hash, submission_id, created_on) VALUES (?, ?, ?, ?)
ON CONFLICT (key) DO NOTHING RETURNING key
"""
INSERT_SUBMISSION = """
INSERT INTO submission (id, form_version_id, location_id, channel, period, period_unit, device_id, burst)
VALUES (?, ?, ?, 'qr', ?, 'day', NULL, 0)
"""
INSERT_ANSWER = """
INSERT INTO answer (submission_id, position, question_id, number, option_id) VALUES (?, ?, ?, ?, ?)
"""
DELETE_ANSWERS = "DELETE FROM answer WHERE submission_id = ?"
DELETE_SUBMISSION = "DELETE FROM submission WHERE id = ?"
INSERT_TEXT = """
INSERT INTO free_text (id, submission_id, location_id, question_id, text, redactions, sealed, status, urgent, alerted, quote)
VALUES (?, ?, ?, ?, ?, '[]', ?, 'pending', 0, 0, 0)
"""

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

# One connection per thread (gunicorn's gthread workers serve a few requests at once, as kiosk's pool does).
_local = threading.local()
_kinds: dict[int, dict[str, str]] = {}  # form version id -> {question id as text: kind}
_zones: dict[str, ZoneInfo] = {}
_sealing: list[Fernet] = []


def sealer(secret: str) -> Fernet:
    """Return the Fernet kiosk seals free-text originals with (kiosk/encryption.py, kiosk/moderation/sealing.py)."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"siifra free-text originals").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str) -> str:
    """Return what was typed, sealed as kiosk seals it (no redactions: the floor finds none)."""
    if not _sealing:
        instance = os.environ.get("SIIFRA_INSTANCE_PATH", "instance")
        _sealing.append(sealer(open(os.path.join(instance, "secret_key")).read().strip()))
    payload = json.dumps({"original": text, "parts": []}, ensure_ascii=False)
    return _sealing[0].encrypt(payload.encode()).decode("ascii")


class Refused(Exception):
    """The request cannot be stored; status and message go back to the client."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


def connection() -> sqlite3.Connection:
    """Return this thread's connection, opened after the fork, with kiosk's pragmas."""
    if getattr(_local, "connection", None) is None:
        if not DATABASE:
            raise RuntimeError("Set SIIFRA_FLOOR_DATABASE to the path of a migrated SQLite database.")
        conn = sqlite3.connect(DATABASE, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys=ON")
        _local.connection = conn
    return _local.connection


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Store one submission from a POST; nothing else is served."""
    if environ["REQUEST_METHOD"] != "POST" or environ["PATH_INFO"] != "/api/v1/submissions":
        return _respond(start_response, "404 Not Found", {"error": "not_found"})
    try:
        payload, key = _parse(environ)
        submission_id = store(connection(), payload, key)
    except Refused as refused:
        return _respond(start_response, refused.status, {"error": "invalid", "message": str(refused)})
    return _respond(start_response, "201 Created", {"id": str(submission_id), "status": "stored"})


def _parse(environ: dict[str, Any]) -> tuple[dict[str, Any], uuid.UUID]:
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
        raise Refused("400 Bad Request", "answers must be an object")
    return payload, key


def day_id(day: date) -> bytes:
    """Return a new id for a row of day: kiosk/ids.py's layout (the day, then random bits, UUID v8)."""
    raw = bytearray((day - EPOCH).days.to_bytes(4, "big") + secrets.token_bytes(12))
    raw[6] = 0x80 | (raw[6] & 0x0F)
    raw[8] = 0x80 | (raw[8] & 0x3F)
    return bytes(raw)


def store(conn: sqlite3.Connection, payload: dict[str, Any], key: uuid.UUID) -> uuid.UUID:
    """Store one submission in one write transaction and return its id (or the first one, on a retry)."""
    body_hash = hashlib.sha256(
        json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    # Read before the write lock, as kiosk does: the link and the form's questions.
    link = conn.execute(RESOLVE, (payload["link"].strip().upper(),)).fetchone()
    if link is None or link[1] is None:
        raise Refused("404 Not Found", "unknown link")
    _form_id, version_id, location_id, tz = link
    zone = _zones.get(tz) or _zones.setdefault(tz, ZoneInfo(tz))
    today = datetime.now(UTC).astimezone(zone).date()
    submission_id = day_id(today)
    rows, texts = _answer_rows(conn, version_id, payload["answers"], submission_id, location_id, today)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # kiosk's order (kiosk/submissions.py submit()): the submission and its answers, then the key, so
        # that no key points at a row not yet written (SQLite would scan the child tables on every insert).
        conn.execute(INSERT_SUBMISSION, (submission_id, version_id, location_id, today.isoformat()))
        conn.executemany(INSERT_ANSWER, rows)
        if conn.execute(CLAIM, (key.bytes, body_hash, submission_id, today.isoformat())).fetchone() is None:
            # A retry: take back what was just written, as kiosk does, and answer with the first id.
            conn.execute(DELETE_ANSWERS, (submission_id,))
            conn.execute(DELETE_SUBMISSION, (submission_id,))
            first = conn.execute("SELECT submission_id FROM idempotency_key WHERE key = ?", (key.bytes,)).fetchone()
            conn.execute("COMMIT")
            return uuid.UUID(bytes=first[0])
        conn.executemany(INSERT_TEXT, texts)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return uuid.UUID(bytes=submission_id)


def _answer_rows(
    conn: sqlite3.Connection, version_id: int, answers: dict[str, Any], submission_id: bytes, location_id: int,
    today: date,
) -> tuple[list, list]:
    kinds = _kinds.get(version_id)
    if kinds is None:
        query = "SELECT id, kind FROM question WHERE form_version_id = ?"
        kinds = _kinds[version_id] = {str(qid): kind for qid, kind in conn.execute(query, (version_id,))}
    values, texts = [], []
    for question, value in answers.items():
        kind = kinds.get(question)
        if kind is None:
            raise Refused("400 Bad Request", f"no question {question}")
        qid = int(question)
        if value is None:
            continue
        if kind in ("smiley", "scale", "yes_no"):
            values.append((qid, int(value), None))
        elif kind == "single_choice":
            values.append((qid, None, value))
        elif kind == "multiple_choice":
            values.extend((qid, None, option) for option in value)
        elif value.strip():
            texts.append((day_id(today), submission_id, location_id, qid, value.strip(), seal(value.strip())))
    return [(submission_id, position, *row) for position, row in enumerate(values)], texts


def _respond(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
