"""Databases, request bodies, measured runs and their checks for bench/submissions.py."""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import sqlite3
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import preload
from pgcluster import Cluster
from preload import TEXTS, Plan

HERE = Path(__file__).resolve().parent
APPS = {
    "app": ["kiosk:create_app()"],
    "floor": ["--pythonpath", "bench", "floor_app:app"],
    "minimal": ["--pythonpath", "bench", "floor_min:app"],
}
# The rows each body stores (every question answered, two options of the multiple choice, a text): the
# text is a free_text row in kiosk's schema and an answer row in the minimal floor's.
ROWS = {
    "app": {"submission": 1, "answer": 6, "idempotency_key": 1, "free_text": 1},
    "minimal": {"submission": 1, "answer": 7, "idempotency_key": 1},
}
CACHE_VERSION = 10  # 6: counted_period, ix_digest_text_free_text_id; 7: indexes on the child keys; 8: settled_period; 9: ix_free_text_moderated_on; 10: free_text.location_id


@dataclass
class Templates:
    """The databases every run starts from, by size: copied per run, never served themselves."""

    cache: Path  # where the templates are kept
    plan: Plan
    work: Path = Path()  # where the runs' copies go
    app: dict[int, Path] = field(default_factory=dict)  # kiosk's schema on SQLite (also the same-schema floor's)
    minimal: dict[int, Path] = field(default_factory=dict)  # bench/floor_min.py's schema
    pg_plan: Plan | None = None
    pg: dict[int, str] = field(default_factory=dict)  # template databases in the cluster
    counts: dict[tuple[str, int], dict[str, int]] = field(default_factory=dict)  # rows per table
    bytes: dict[tuple[str, int], int] = field(default_factory=dict)  # size on disk after a checkpoint
    fill_seconds: dict[str, float] = field(default_factory=dict)
    copy_seconds: dict[int, list[float]] = field(default_factory=dict)  # per size


@dataclass
class Run:
    """One measured run of one target on one database of one size."""

    target: str
    database: str
    size: int
    rate: float
    p50_ms: float
    p99_ms: float
    created: int
    cpu: dict[str, float]
    round: int


def _stamp(kind: str, size: int, today: date) -> str:
    return f"{kind}-{size}-{today.isoformat()}-v{CACHE_VERSION}"


def sqlite_templates(cache: Path, sizes: list[int], today: date, kinds: tuple[str, ...] = ("app", "minimal")) -> Templates:
    """Make (or reuse from cache) the SQLite templates of each size for kiosk's schema and the minimal floor (or kinds)."""
    base = cache / f"{_stamp('setup', 0, today)}.sqlite3"
    plan_file = base.with_suffix(".json")
    if not plan_file.exists():
        base.unlink(missing_ok=True)
        started = time.monotonic()
        plan = preload.set_up(f"sqlite:///{base}")
        _checkpoint(base)
        plan_file.write_text(json.dumps(asdict(plan)))
        print(f"Set up the empty SQLite database in {time.monotonic() - started:.1f} s", flush=True)
    plan = _plan(json.loads(plan_file.read_text()))
    templates = Templates(cache, plan, cache)
    for size in sizes:
        app = cache / f"{_stamp('app', size, today)}.sqlite3"
        minimal = cache / f"{_stamp('minimal', size, today)}.sqlite3"
        for kind, path in (("app", app), ("minimal", minimal)):
            if kind not in kinds:
                continue
            done = path.with_suffix(".done")
            if not done.exists():
                started = time.monotonic()
                _make_sqlite(kind, path, base, plan, size, today)
                done.write_text(f"{time.monotonic() - started:.1f}")
            templates.fill_seconds[f"{kind} sqlite {size}"] = float(done.read_text())
            templates.counts[(kind, size)] = count_rows(path, kind)
            templates.bytes[(kind, size)] = path.stat().st_size
        templates.app[size], templates.minimal[size] = app, minimal
    return templates


def _make_sqlite(kind: str, path: Path, base: Path, plan: Plan, size: int, today: date) -> None:
    path.unlink(missing_ok=True)
    if kind == "app":
        shutil.copyfile(base, path)
    else:
        import floor_min

        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            floor_min.create(conn, list(plan.links), list(plan.kinds))
    if size:
        started = time.monotonic()
        preload.fill_sqlite(str(path), plan, size, today, minimal=kind == "minimal")
        print(f"Preloaded {size} submissions into the {kind} SQLite template in {time.monotonic() - started:.1f} s",
              flush=True)
    _checkpoint(path)


def postgres_templates(templates: Templates, pg: Cluster, sizes: list[int], today: date) -> None:
    """Make (or reuse) template databases of each size in the cluster."""
    for size in sizes:
        name = f"siifra_{size}"
        marker = templates.cache / f"{_stamp('pg', size, today)}.json"
        if not (marker.exists() and pg.exists(name)):
            started = time.monotonic()
            if size == 0:
                pg.drop(name)
                pg.psql(f"CREATE DATABASE {name} OWNER siifra")
                plan = preload.set_up(pg.url(name))
            else:
                plan = _plan(json.loads((templates.cache / f"{_stamp('pg', 0, today)}.json").read_text()))
                pg.copy("siifra_0", name)
                preload.fill_postgres(pg.url(name, driver="", user="postgres"), plan, size, today)
            marker.write_text(json.dumps(asdict(plan)))
            templates.fill_seconds[f"app postgres {size}"] = time.monotonic() - started
            print(f"Made the PostgreSQL template with {size} submissions in {time.monotonic() - started:.1f} s",
                  flush=True)
        templates.pg_plan = _plan(json.loads(marker.read_text()))
        templates.pg[size] = name
        templates.counts[("pg", size)] = count_pg(pg, name)
        templates.bytes[("pg", size)] = int(pg.psql(f"SELECT pg_database_size('{name}')"))
    if not templates.plan.same_rows(templates.pg_plan):
        raise RuntimeError("the SQLite and PostgreSQL templates have different forms or locations")


def _plan(data: dict[str, Any]) -> Plan:
    def deep(value: Any) -> Any:
        return tuple(deep(v) for v in value) if isinstance(value, list) else value

    return Plan(**{key: deep(value) for key, value in data.items()})


def _checkpoint(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def count_rows(path: Path, schema: str = "app") -> dict[str, int]:
    """Return the rows in each anonymous table of an SQLite database of kiosk's ("app") or the minimal schema."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ROWS[schema]}


def count_pg(pg: Cluster, database: str) -> dict[str, int]:
    """Return the rows in each anonymous table of a PostgreSQL database."""
    return {table: int(pg.psql(f"SELECT count(*) FROM {table}", database)) for table in ROWS["app"]}


def api_bodies(work: Path, plan: Plan, name: str, count: int = 16) -> Path:
    """Write varied API bodies that answer every question, spread over the places' survey links."""
    pick = random.Random(2026)
    lines = []
    for index in range(count):
        answers: dict[str, Any] = {}
        for qid, kind, options in plan.questions:
            answers[str(qid)] = {
                "smiley": lambda: pick.randint(1, 5),
                "scale": lambda: pick.randint(1, 5),
                "yes_no": lambda: pick.random() < 0.7,
                "single_choice": lambda: pick.choice(options),
                "multiple_choice": lambda: pick.sample(options, 2),
                "free_text": lambda: pick.choice(TEXTS),
            }[kind]()
        link = plan.places[index % len(plan.places)][2]
        lines.append(json.dumps({"link": link, "answers": answers}, ensure_ascii=False))
    path = work / f"bodies-{name}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def flow_forms(work: Path, plan: Plan, template: Path, name: str, count: int = 16) -> Path:
    """Write the phone form's answers (urlencoded, every question answered), one link code and body a line."""
    with contextlib.closing(sqlite3.connect(template)) as conn:
        positions = dict(conn.execute("SELECT id, position FROM option"))
    pick = random.Random(2027)
    lines = []
    for index in range(count):
        fields: list[tuple[str, str]] = []
        for qid, kind, options in plan.questions:
            if kind == "smiley":
                fields.append((f"q{qid}", str(positions[pick.choice(options)])))
            elif kind == "scale":
                fields.append((f"q{qid}", str(pick.randint(1, 5))))
            elif kind == "yes_no":
                fields.append((f"q{qid}", pick.choice("10")))
            elif kind == "single_choice":
                fields.append((f"q{qid}", str(pick.choice(options))))
            elif kind == "multiple_choice":
                fields.extend((f"q{qid}", str(option)) for option in pick.sample(options, 2))
            else:
                fields.append((f"q{qid}", pick.choice(TEXTS)))
        lines.append(f"{plan.places[index % len(plan.places)][2]}\t{urllib.parse.urlencode(fields)}")
    path = work / f"forms-{name}.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
