"""Fill a benchmark database with a year of submissions, fast: bench/submissions.py --preload N.

The rows are those kiosk writes (kiosk/submissions.py), made directly: N submissions spread evenly over
the last 52 weeks (364 days up to today; the time bucket is a day), at 8 locations, half from the
location's tablet and half from phones; each answers the demo survey with 5–7 rows (a smiley, a
scale, yes/no, one option, one or two options of the multiple choice, and a free text in a quarter of
them; free text goes into free_text, where the last 14 days' texts wait for moderation with what was
typed sealed, and older ones were released or hidden and their originals dropped); the last 7 days'
submissions have idempotency keys, as the nightly cleanup leaves them. Ids are made with
kiosk.ids.period_id. The days go in order, and within a day the rows go in the order
their random ids came (SQLite), or in id order (PostgreSQL: the order kiosk.storage.settle leaves a
closed period in). SQLite is filled with executemany in large transactions with synchronous=OFF and no
rollback journal, then put back in WAL mode; PostgreSQL through COPY, without foreign-key triggers,
then VACUUM ANALYZE.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

DAYS = 364
KEY_DAYS = 7  # kiosk's IDEMPOTENCY_DAYS
PENDING_DAYS = 14  # free text this recent still waits for a moderator, its original sealed
PLACES = 8
DAYS_PER_TRANSACTION = 8
TEXTS = [
    "Flere turer i skogen, og litt mer kaffe på fredager.",
    "Det er godt å komme hit. De ansatte ser meg.",
    "Kunne vi fått et kurs i matlaging? Og bedre stoler i stua.",
    "Åpne lenger på lørdager, takk.",
    "Hyggelig fellesskap, men det er for trangt når det er lunsj.",
    "More trips, please. Og mer frukt!",
]
SUBMISSION_COLUMNS = "id, form_version_id, location_id, channel, period, period_unit, device_id, burst"
ANSWER_COLUMNS = "submission_id, position, question_id, number, option_id"
TEXT_COLUMNS = "id, submission_id, location_id, question_id, text, redactions, sealed, status, hide_reason, urgent, alerted, quote, moderated_on"
KEY_COLUMNS = "key, body_hash, submission_id, created_on"


@dataclass(frozen=True)
class Plan:
    """What the generated rows refer to, read from a database that kiosk set up."""

    version_id: int  # the demo survey's published version
    questions: tuple[tuple[int, str, tuple[int, ...]], ...]  # its questions: id, kind, option ids
    places: tuple[tuple[int, int, str], ...]  # location id, its tablet's id, its survey link's code
    links: tuple[tuple[str, int, int, str], ...]  # every active link: code, newest version, location, time zone
    kinds: tuple[tuple[int, int, str], ...]  # every question: id, version id, kind

    def same_rows(self, other: Plan) -> bool:
        """Return True when other's rows would be the same but for the random link codes."""
        return (self.version_id, self.questions, [p[:2] for p in self.places], self.kinds) == (
            other.version_id, other.questions, [p[:2] for p in other.places], other.kinds
        )


@dataclass
class Day:
    """The rows of one day, in kiosk's shape."""

    day: date
    submissions: list[tuple[Any, ...]]
    answers: list[tuple[Any, ...]]  # submission id, position, question id, number, option id
    keys: list[tuple[Any, ...]]
    texts: list[tuple[Any, ...]]  # as TEXT_COLUMNS


def set_up(url: str) -> Plan:
    """Migrate the database at url, load the demo data, add locations up to 8 with a tablet and a link each."""
    from flask_migrate import upgrade

    from kiosk import create_app
    from kiosk.demo import load_demo
    from kiosk.extensions import db

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="heads")  # "head" while the migrations have one; all of them when two branches await a merge
        now = datetime.now(UTC)
        load_demo(db.session, now=now)
        _add_places(db.session, now)
        db.session.commit()
        plan = _read_plan(db.session)
        db.session.remove()
        db.engine.dispose()
    return plan


def _add_places(session: Any, now: datetime) -> None:
    from sqlalchemy import select

    from kiosk.devices import create_device
    from kiosk.models import Form, Location, LocationKind
    from kiosk.operations import create_link, create_location

    survey = session.scalars(select(Form).where(Form.name == "Si ifra om tilbudet")).one()
    locations = list(session.scalars(select(Location).order_by(Location.id)))
    while len(locations) < PLACES:
        locations.append(create_location(session, f"Benkested {len(locations) + 1}", LocationKind.OTHER, now=now))
    for location in locations:
        create_link(session, survey, location, now=now)
        create_device(session, location, f"Nettbrett {location.id}", now=now, minutes=60)
    session.flush()


def _read_plan(session: Any) -> Plan:
    from sqlalchemy import text

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in session.execute(text(sql))]

    (version_id,) = rows(
        "SELECT max(v.id) FROM form_version v JOIN form f ON f.id = v.form_id "
        "WHERE f.name = 'Si ifra om tilbudet' AND v.published_at IS NOT NULL"
    )[0]
    options: dict[int, list[int]] = {}
    for question_id, option_id in rows("SELECT question_id, id FROM option ORDER BY question_id, position"):
        options.setdefault(question_id, []).append(option_id)
    questions = tuple(
        (qid, kind, tuple(options.get(qid, ())))
        for qid, kind in rows(f"SELECT id, kind FROM question WHERE form_version_id = {version_id} ORDER BY position")
    )
    places = tuple(rows(
        "SELECT l.id, min(d.id), min(s.code) FROM location l JOIN device d ON d.location_id = l.id "
        f"JOIN short_link s ON s.location_id = l.id JOIN form_version v ON v.form_id = s.form_id AND v.id = {version_id} "
        "GROUP BY l.id ORDER BY l.id"
    ))
    links = tuple(rows(
        "SELECT s.code, max(v.id), s.location_id, l.timezone FROM short_link s "
        "JOIN form_version v ON v.form_id = s.form_id AND v.published_at IS NOT NULL "
        "JOIN location l ON l.id = s.location_id GROUP BY s.code, s.location_id, l.timezone ORDER BY s.code"
    ))
    kinds = tuple(rows("SELECT id, form_version_id, kind FROM question ORDER BY id"))
    return Plan(version_id, questions, places, links, kinds)


def days(plan: Plan, total: int, today: date, seed: int = 2026) -> Iterator[Day]:
    """Yield the rows of each of the 364 days up to today, oldest first, total submissions in all."""
    from floor_app import sealer

    from kiosk.ids import period_id

    pick = random.Random(seed)
    sealing = sealer("bench")
    for index in range(DAYS):
        day = today - timedelta(days=DAYS - 1 - index)
        count = total * (index + 1) // DAYS - total * index // DAYS
        keyed = day > today - timedelta(days=KEY_DAYS)
        pending = day > today - timedelta(days=PENDING_DAYS)
        result = Day(day, [], [], [], [])
        for _ in range(count):
            sid = period_id(day)
            location, device, _code = pick.choice(plan.places)
            tablet = pick.random() < 0.5
            result.submissions.append(
                (sid, plan.version_id, location, "kiosk" if tablet else "qr", day, "day", device if tablet else None, False)
            )
            answers = _answers(plan, pick)
            result.answers.extend((sid, position, *row[:3]) for position, row in enumerate(a for a in answers if not a[3]))
            for qid, _number, _option, text in (a for a in answers if a[3]):
                result.texts.append(_text(period_id(day), sid, location, qid, text, day, today, pending, pick, sealing))
            if keyed:
                result.keys.append((uuid.UUID(bytes=secrets.token_bytes(16)), hashlib.sha256(sid.bytes).hexdigest(), sid, day))
        yield result


def _text(
    tid: uuid.UUID, sid: uuid.UUID, location: int, qid: int, text: str, day: date, today: date, pending: bool,
    pick: random.Random, sealing: Any,
) -> tuple[Any, ...]:
    if pending:
        sealed = sealing.encrypt(json.dumps({"original": text, "parts": []}, ensure_ascii=False).encode()).decode()
        return (tid, sid, location, qid, text, "[]", sealed, "pending", None, False, False, False, None)
    hidden = pick.random() < 0.2
    moderated = min(day + timedelta(days=3), today)
    return (tid, sid, location, qid, text, "[]", None, "hidden" if hidden else "released",
            "personal" if hidden else None, False, False, False, moderated)


def _answers(plan: Plan, pick: random.Random) -> list[tuple[int, int | None, int | None, str | None]]:
    rows: list[tuple[int, int | None, int | None, str | None]] = []
    for qid, kind, options in plan.questions:
        if kind in ("smiley", "scale"):
            rows.append((qid, pick.randint(1, 5), None, None))
        elif kind == "yes_no":
            rows.append((qid, int(pick.random() < 0.7), None, None))
        elif kind == "single_choice":
            rows.append((qid, None, pick.choice(options), None))
        elif kind == "multiple_choice":
            rows.extend((qid, None, option, None) for option in pick.sample(options, 1 if pick.random() < 0.75 else 2))
        elif pick.random() < 0.25:
            rows.append((qid, None, None, pick.choice(TEXTS)))
    return rows


def fill_sqlite(path: str, plan: Plan, total: int, today: date, *, minimal: bool = False) -> None:
    """Fill kiosk's schema (or, when minimal, bench/floor_min.py's) with total submissions."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    conn.execute("BEGIN")
    for number, day in enumerate(days(plan, total, today), start=1):
        if minimal:
            _insert_minimal(conn, day)
        else:
            conn.executemany(f"INSERT INTO submission ({SUBMISSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             [(s[0].bytes, s[1], s[2], s[3], s[4].isoformat(), *s[5:]) for s in day.submissions])
            conn.executemany(f"INSERT INTO answer ({ANSWER_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
                             [(a[0].bytes, *a[1:]) for a in day.answers])
            conn.executemany(f"INSERT INTO free_text ({TEXT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             [(t[0].bytes, t[1].bytes, *t[2:12], t[12] and t[12].isoformat()) for t in day.texts])
            conn.executemany(f"INSERT INTO idempotency_key ({KEY_COLUMNS}) VALUES (?, ?, ?, ?)",
                             [(k[0].bytes, k[1], k[2].bytes, k[3].isoformat()) for k in day.keys])
        if number % DAYS_PER_TRANSACTION == 0:
            conn.execute("COMMIT")
            conn.execute("BEGIN")
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()


def _insert_minimal(conn: sqlite3.Connection, day: Day) -> None:
    epoch_day = (day.day - date(1970, 1, 1)).days
    conn.executemany("INSERT INTO submission (id, version_id, location_id, device_id) VALUES (?, ?, ?, ?)",
                     [(s[0].bytes, s[1], s[2], s[6]) for s in day.submissions])
    answers = [(a[0].bytes, a[1], a[2], a[3] if a[3] is not None else a[4], None, None) for a in day.answers]
    counts: dict[uuid.UUID, int] = {}
    for a in day.answers:
        counts[a[0]] = counts.get(a[0], 0) + 1
    answers += [(t[1].bytes, counts[t[1]], t[3], None, t[4], t[6]) for t in day.texts]
    conn.executemany("INSERT INTO answer (submission_id, position, question_id, value, text, sealed) VALUES (?, ?, ?, ?, ?, ?)",
                     answers)
    conn.executemany("INSERT INTO idempotency_key (key, body_hash, submission_id, created_on) VALUES (?, ?, ?, ?)",
                     [(k[0].bytes, bytes.fromhex(k[1]), k[2].bytes, epoch_day) for k in day.keys])


def fill_postgres(dsn: str, plan: Plan, total: int, today: date) -> None:
    """Fill kiosk's schema on PostgreSQL through COPY, as the superuser (foreign-key triggers off), then VACUUM ANALYZE."""
    import psycopg
    from psycopg.types.json import Jsonb

    with psycopg.connect(dsn) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET synchronous_commit = off")
        for number, day in enumerate(days(plan, total, today), start=1):
            order = {s[0]: i for i, s in enumerate(sorted(day.submissions))}
            day.answers.sort(key=lambda a: (order[a[0]], a[1]))
            texts = [(*t[:5], Jsonb([]), *t[6:]) for t in sorted(day.texts)]
            with conn.cursor() as cur:
                for table, columns, rows in (
                    ("submission", SUBMISSION_COLUMNS, sorted(day.submissions)),
                    ("answer", ANSWER_COLUMNS, day.answers),
                    ("idempotency_key", KEY_COLUMNS, sorted(day.keys)),
                    ("free_text", TEXT_COLUMNS, texts),
                ):
                    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            if number % DAYS_PER_TRANSACTION == 0:
                conn.commit()
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")
