"""Time council digests at N stored submissions, next to the bare GROUP BY that gives the same figures.

    python bench/digest.py --tmpdir /var/tmp --cache /var/tmp/siifra-bench-cache [--preload 1000000] [--postgres]

On a copy of the template database (bench/runs.py; builds write), through kiosk's own functions:

1. the first full count of a year of per-period counts (periods_due on a database without any, as on an
   older installation's first night, each part counted and committed as the scheduler's job does), once,
   with the longest part (the longest the write lock is held);
2. the nightly recount (the same again, counts present), median of 3;
3. weekly digests for a council of 3 of the 8 places, built as the scheduler builds them on the Monday after
   (the digest and its rows are deleted between builds, since building again returns the stored one):
   - the council's first, for the week before the last whole week whose text has been moderated, median of 3:
     it carries up to 12 weeks of released text that no digest of it has shown;
   - the next week, median of 5: its own week's text and text released since, on the counts the nightly
     count made (the recount above);
   - the same week after a late answer took one of its days' counted mark away, so that the build counts
     its days again, median of 3;
   and rendering the next week's digest as text, HTML and PDF, median of 5 (of 3 for the PDF);
4. the trends page's trend for one place over 52 weeks (kiosk.reporting.trends.trends), median of 5;
5. retention deleting the oldest week of submissions with their answers, texts and keys
   (kiosk.storage.delete_periods, as retention.run does when a week's time is up), once, to the commit.

The floors, in the same run: bench/week_sql.py's bare SQL over the raw answers for the span and places each
operation reads (1 cold run, then the median of 5 warm), and a bare GROUP BY over answer_tally for one
place's 52 weeks. The next week's builds are set against the bare week run right after each of them (on a
connection of its own), so that both meet the machine in the same state: on this shared machine the bare
week alone ranged from 23 to 40 ms between runs of a few minutes apart. Wall and CPU time are medians; CPU is this process's (SQLite runs inside it), and on
PostgreSQL this process's plus its backend's.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import pgcluster  # noqa: E402
import preload  # noqa: E402
import runs  # noqa: E402
from render import write_markdown  # noqa: E402
import week_sql  # noqa: E402

DOC = HERE.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench:digest:start -->", "<!-- bench:digest:end -->"
BACKDATE_DAYS = 30  # kiosk's MAX_BACKDATE_DAYS
RECOUNTS, FIRST_BUILDS, BUILDS, READS, PDFS = 3, 3, 5, 5, 3
# Themes as staff would define them for the preload's texts (bench/preload.py TEXTS): one text in six falls
# under none of them ("Uten tema"), the others under one to three.
THEMES = [
    ("Turer og kurs", ["tur*", "trips", "kurs*"]),
    ("Mat og drikke", ["kaffe*", "mat*", "lunsj", "frukt"]),
    ("Åpningstider", ["åpne*", "lørdag*", "fredag*"]),
    ("Lokalene", ["stoler", "stua", "trangt"]),
]
BETWEEN = "raw, 1 week, 3 places, run after each of the next week's builds"
TALLY_QUERY = """
SELECT period, question_id, value, sum(count) AS answers
  FROM answer_tally
 WHERE location_id = {place} AND period >= {first} AND period <= {last} AND value >= 0
 GROUP BY period, question_id, value
 ORDER BY period, question_id, value
"""


@dataclass
class Row:
    """One timed operation: its median wall and CPU seconds, how many runs, and the floor it is set against."""

    operation: str
    database: str
    runs: int
    wall: float
    cpu: float
    floor: str = ""  # the key of its floor in the same database; "" for a floor itself or for rendering
    cold: float | None = None  # a floor's first run on a cold cache


@dataclass(frozen=True)
class Spans:
    """The days and places each operation reads."""

    today: date
    places: list[int]  # the council's 3 locations
    everywhere: list[int]  # all 8
    earliest: date  # the first day with submissions
    week: tuple[date, date]  # the last whole ISO week with its text moderated
    weeks: tuple[date, date]  # the trends page's 52 closed weeks
    recent: tuple[date, date]  # what the nightly recount counts again


def main(argv: list[str] | None = None) -> int:
    """Time the operations and their floors; print the table (and with --markdown write it into the docs)."""
    args = _arguments(argv)
    today = datetime.now(ZoneInfo("Europe/Oslo")).date()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="siifra-digest-", dir=args.tmpdir) as tmp, contextlib.ExitStack() as stack:
        cache = Path(args.cache).resolve()
        cache.mkdir(parents=True, exist_ok=True)
        os.environ["SIIFRA_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        templates = runs.sqlite_templates(cache, [args.preload], today, kinds=("app",))
        spans = _spans(templates.plan, today)
        copy = Path(tmp) / "digest.sqlite3"
        shutil.copyfile(templates.app[args.preload], copy)
        rows = measure(f"sqlite:///{copy}", "SQLite", spans)
        rows += sqlite_floors(copy, spans)
        pg_version = ""
        if args.postgres:
            pg = stack.enter_context(pgcluster.cluster(cache / "pg", args.pg_port))
            runs.postgres_templates(templates, pg, [0, args.preload], today)
            pg.copy(templates.pg[args.preload], "siifra_digest")
            url = pg.url("siifra_digest")
            rows += measure(url, "PostgreSQL", spans, postgres=True)
            rows += postgres_floors(pg, "siifra_digest", spans)
            pg.drop("siifra_digest")
            pg_version = pg.version()
    text = render(rows, size=args.preload, spans=spans, pg_version=pg_version, load=load, after=os.getloadavg(),
                  note=args.note)
    print(text)
    if args.markdown:
        write_markdown(text, doc=DOC, start=START, end=END, heading="Council digests at a million submissions")
    return 0


def _spans(plan: Any, today: date) -> Spans:
    from kiosk.digests.periods import week_of
    from kiosk.reporting.trends import closed_weeks

    # The last whole week whose text moderators have been through (the preload leaves PENDING_DAYS waiting).
    moderated = today - timedelta(days=preload.PENDING_DAYS)
    last_week = week_of(week_of(moderated).first_day - timedelta(days=1))
    first = today - timedelta(days=preload.DAYS - 1)  # the preload's first day (every day has submissions)
    return Spans(
        today=today,
        places=[place[0] for place in plan.places[:3]],
        everywhere=[place[0] for place in plan.places],
        earliest=first,
        week=(last_week.first_day, last_week.last_day),
        weeks=closed_weeks(today),
        recent=(max(first, today - timedelta(days=BACKDATE_DAYS + 6)), today),
    )


@contextlib.contextmanager
def _app(url: str, postgres: bool) -> Iterator[Any]:
    """Yield kiosk's app on url, in an app context (on PostgreSQL with one pooled connection: one backend)."""
    from kiosk import create_app, database
    from kiosk.extensions import db
    from kiosk.heap import freeze_startup

    config: dict[str, Any] = {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
    if postgres:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(url, 5000) | {"pool_size": 1, "max_overflow": 0}
    app = create_app(config)
    with app.app_context():
        freeze_startup()  # as the scheduler process does once it has started (kiosk/heap.py)
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _clock(postgres: bool) -> Callable[[], float]:
    """Return a CPU clock: this process's, plus (on PostgreSQL) its one backend's."""
    if not postgres:
        return time.process_time
    from sqlalchemy import text

    from kiosk.extensions import db

    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    db.session.commit()
    backend = week_sql._cpu_of(pid)
    return lambda: time.process_time() + backend()


def _timed(run: Callable[[], Any], times: int, cpu: Callable[[], float]) -> tuple[float, float, Any]:
    """Run times times; return the median wall and CPU seconds, and the last run's result."""
    walls, used, result = [], [], None
    for _ in range(times):
        started, busy = time.perf_counter(), cpu()
        result = run()
        walls.append(time.perf_counter() - started)
        used.append(cpu() - busy)
    return statistics.median(walls), statistics.median(used), result


# The bench process's peak resident memory (this process holds SQLite's page cache, the ORM and the
# rendering) after each stage: flat memory means the peak does not grow with what a stage reads.
PEAKS: list[tuple[str, str, float]] = []


def _peak(database: str, stage: str) -> None:
    PEAKS.append((database, stage, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(url: str, database: str, spans: Spans, *, postgres: bool = False) -> list[Row]:
    """Time the first count, the recount, a weekly digest's build and render, and a trend, through kiosk."""
    with _app(url, postgres):
        cpu = _clock(postgres)
        _peak(database, "before")
        rows = _counts(database, spans, cpu)
        _peak(database, "after the counts")
        rows += _digest(url, database, spans, cpu)
        _peak(database, "after the builds and renders")
        rows += _trend(database, spans, cpu)
        _peak(database, "after the trends")
        rows += _retention(database, spans, cpu)
    return rows


def _counts(database: str, spans: Spans, cpu: Callable[[], float]) -> list[Row]:
    from kiosk.database import begin_write
    from kiosk.extensions import db
    from kiosk.reporting.tallies import PART_DAYS, count_periods, periods_due

    longest = [(0.0, 0.0)]  # the part that held the write lock longest: wall and CPU seconds

    def count() -> tuple[date, date] | None:
        """What the scheduler's count-periods job does: the spans due, each counted and committed apart."""
        due = periods_due(db.session, spans.today, BACKDATE_DAYS)
        db.session.commit()
        for first, last in due:
            started, busy = time.perf_counter(), cpu()
            begin_write(db.session)
            count_periods(db.session, first, last, open_from=spans.today)  # the preload's time bucket is a day
            db.session.commit()
            longest[0] = max(longest[0], (time.perf_counter() - started, cpu() - busy))
        return (due[0][0], due[-1][1]) if due else None

    first_wall, first_cpu, counted = _timed(count, 1, cpu)
    if counted != (spans.earliest, spans.today):
        raise RuntimeError(f"the first count covered {counted}, not the whole year")
    (part_wall, part_cpu), longest[0] = longest[0], (0.0, 0.0)
    wall, used, counted = _timed(count, RECOUNTS, cpu)
    if counted != spans.recent:
        raise RuntimeError(f"the recount covered {counted}, not {spans.recent}")
    _check_counts(db.session, spans)
    return [
        Row("first full count (periods_due, no counts yet)", database, 1, first_wall, first_cpu, "raw, year, 8 places"),
        Row(f"its longest part (up to {PART_DAYS} days, one write transaction)", database, 1, part_wall, part_cpu),
        Row("nightly recount (periods_due)", database, RECOUNTS, wall, used, "raw, recount's days, 8 places"),
    ]


def _digest(url: str, database: str, spans: Spans, cpu: Callable[[], float]) -> list[Row]:
    from sqlalchemy import delete

    from kiosk.councils import CouncilSettings, create_council
    from kiosk.database import begin_write
    from kiosk.digests import render as rendering
    from kiosk.digests.periods import week_of
    from kiosk.extensions import db
    from kiosk.models import Theme
    from kiosk.models.staff import council_location

    session = db.session
    begin_write(session)
    # The template's demo council follows two of these places, and a place belongs to one council.
    session.execute(delete(council_location).where(council_location.c.location_id.in_(spans.places)))
    council = create_council(session, CouncilSettings("Benkerådet", spans.places, k=5), now=datetime.now(UTC))
    for position, (name, keywords) in enumerate(THEMES, start=1):  # as staff would define them
        session.add(Theme(name={"nb": name}, keywords={"nb": keywords}, position=position))
    session.commit()
    week = week_of(spans.week[0])
    first = week.before()
    rows = []
    # A new council's first digest carries up to 12 weeks of released text that no digest of it has shown.
    wall, used, texts = _builds(council, first, FIRST_BUILDS, cpu)
    rows.append(Row(f"weekly digest build, a new council's first ({first.label}: {texts} texts)", database,
                    FIRST_BUILDS, wall, used, "raw, 1 week, 3 places"))
    _builds(council, first, 1, cpu, keep=True)  # the week before's digest stays: the next builds follow it
    # Every week after: the week's text and text released since, on counts the nightly count made. The
    # bare week runs after each build, so that both meet the machine in the same state.
    with _week_floor(url, spans) as floor:
        wall, used, texts = _builds(council, week, BUILDS, cpu, floor=floor)
    rows.append(Row(f"weekly digest build, the next week ({week.label}: {texts} texts; counted last night)",
                    database, BUILDS, wall, used, BETWEEN))
    rows.append(Row(BETWEEN, database, BUILDS, statistics.median(floor.walls), statistics.median(floor.cpus),
                    cold=floor.walls[0]))
    # A late answer has reached one of the week's days since the nightly count: the build counts again.
    wall, used, _ = _builds(council, week, RECOUNTS, cpu, late=True)
    rows.append(Row(f"weekly digest build, {week.label} after a late answer (counts its days again)", database,
                    RECOUNTS, wall, used, "raw, build's recount days, 8 places"))
    _builds(council, week, 1, cpu, keep=True)
    digest = _stored(council, week)
    renders: dict[str, Callable[[], Any]] = {"render_text": lambda: rendering.render_text(digest)}
    for mode in rendering.MODES:  # the staff page, the e-mail and the PDF's HTML
        renders[f"render_html, {mode}"] = lambda mode=mode: rendering.render_html(digest, mode=mode)
    renders["render_pdf"] = lambda: rendering.render_pdf(digest)
    for name, run in renders.items():
        times = PDFS if name == "render_pdf" else READS
        wall, spent, out = _timed(run, times, cpu)
        if not out:
            raise RuntimeError(f"{name} gave nothing")
        rows.append(Row(f"digest {name}", database, times, wall, spent))
    session.rollback()
    return rows


def _texts(digest_id: int) -> int:
    """Return how many texts a digest counted (its digest_text rows)."""
    from sqlalchemy import func, select

    from kiosk.extensions import db
    from kiosk.models import DigestText

    return int(db.session.scalar(select(func.count()).select_from(DigestText).where(DigestText.digest_id == digest_id)))


def _builds(council: Any, period: Any, times: int, cpu: Callable[[], float], *, keep: bool = False,
            late: bool = False, floor: WeekFloor | None = None) -> tuple[float, float, str]:
    """Build council's digest for period times over, as the scheduler would on the Monday after; return the
    median wall and CPU seconds and how many texts the last one counted. Unless keep, each digest is deleted after its build
    (building again returns the stored one); with late, a day of the period loses its counted mark before
    each build, as when a tablet delivers an answer late. Neither is timed."""
    from sqlalchemy import delete

    from kiosk.database import begin_write
    from kiosk.digests.build import build
    from kiosk.extensions import db
    from kiosk.models import CountedPeriod, Digest, DigestDelivery, DigestStatus, DigestText

    session = db.session
    monday = datetime.combine(period.last_day + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=7)
    walls, used, digest, texts = [], [], None, 0
    for _ in range(times):
        if late:
            begin_write(session)
            session.execute(delete(CountedPeriod).where(CountedPeriod.period == period.first_day))
            session.commit()
        started, busy = time.perf_counter(), cpu()
        begin_write(session)
        built = build(session, council, period, now=monday)
        session.commit()
        walls.append(time.perf_counter() - started)
        used.append(cpu() - busy)
        digest = built.digest
        if not built.new or digest is None or digest.status is not DigestStatus.READY:
            raise RuntimeError(f"the digest was not built: {built}")
        texts = _texts(digest.id)
        session.rollback()  # reading the digest began a read transaction
        if not keep:
            begin_write(session)
            for model in (DigestText, DigestDelivery):
                session.execute(delete(model).where(model.digest_id == digest.id))
            session.execute(delete(Digest).where(Digest.id == digest.id))
            session.commit()
        if floor is not None:
            floor.run()
    return statistics.median(walls), statistics.median(used), f"{texts:,}"


@dataclass
class WeekFloor:
    """The bare one-week GROUP BY on a connection of its own, run once after each build it is given to."""

    run_query: Callable[[], list[Any]]
    cpu: Callable[[], float]
    walls: list[float]
    cpus: list[float]

    def run(self) -> None:
        started, busy = time.perf_counter(), self.cpu()
        if not self.run_query():
            raise RuntimeError("the bare week found no answers")
        self.walls.append(time.perf_counter() - started)
        self.cpus.append(self.cpu() - busy)


@contextlib.contextmanager
def _week_floor(url: str, spans: Spans) -> Iterator[WeekFloor]:
    """Yield the floor "raw, 1 week, 3 places" (week_sql's query) to run between builds, on url's database."""
    from sqlalchemy.engine import make_url

    span, places = _floor_spans(spans)["raw, 1 week, 3 places"]
    with _bare_sql(make_url(url), span, places) as (run, cpu):
        yield WeekFloor(run, cpu, [], [])


def _stored(council: Any, period: Any) -> Any:
    from sqlalchemy import select

    from kiosk.extensions import db
    from kiosk.models import Digest

    return db.session.scalars(select(Digest).where(Digest.council_id == council.id, Digest.period == period.label)).one()


def _trend(database: str, spans: Spans, cpu: Callable[[], float]) -> list[Row]:
    from kiosk.extensions import db
    from kiosk.reporting.suppression import DEFAULT_K
    from kiosk.reporting.trends import trends

    wall, used, lines = _timed(lambda: trends(db.session, spans.places[0], today=spans.today, k=DEFAULT_K), READS, cpu)
    db.session.rollback()
    if not lines or not any(p.mean is not None for line in lines for p in line.points):
        raise RuntimeError("the trend has no weeks")
    return [Row("trend, one place, 52 weeks (reporting.trends.trends)", database, READS, wall, used,
                "answer_tally, 52 weeks, 1 place")]


def _retention(database: str, spans: Spans, cpu: Callable[[], float]) -> list[Row]:
    from kiosk.database import begin_write
    from kiosk.extensions import db
    from kiosk.storage import delete_periods

    def delete() -> int:
        begin_write(db.session)
        deleted = delete_periods(db.session, spans.earliest, spans.earliest + timedelta(days=6))
        db.session.commit()  # the keys to the deleted submissions are checked here on PostgreSQL (deferred)
        return deleted

    wall, used, deleted = _timed(delete, 1, cpu)
    if not deleted:
        raise RuntimeError("the oldest week had no submissions to delete")
    return [Row(f"retention, the oldest week ({deleted:,} submissions; storage.delete_periods)", database, 1, wall, used)]


def _check_counts(session: Any, spans: Spans) -> None:
    """Raise unless the counts of the last week at the 3 places are what the bare SQL counts from the answers."""
    from sqlalchemy import func, select

    from kiosk.models import AnswerTally

    counted = Counter({
        (question, value): int(count)
        for question, value, count in session.execute(
            select(AnswerTally.question_id, AnswerTally.value, func.sum(AnswerTally.count))
            .where(AnswerTally.period >= spans.week[0], AnswerTally.period <= spans.week[1],
                   AnswerTally.location_id.in_(spans.places), AnswerTally.value >= 0)
            .group_by(AnswerTally.question_id, AnswerTally.value)
        )
    })
    session.rollback()
    url = session.get_bind().url
    raw: Counter[tuple[int, int]] = Counter()
    for question, number, option, count in _raw_rows(url, spans.week, spans.places):
        raw[(question, option if option is not None else number)] += count
    if +raw != +counted:
        raise RuntimeError("the per-period counts differ from the answers")


def _raw_rows(url: Any, span: tuple[date, date], places: list[int]) -> list[tuple[Any, ...]]:
    with _bare_sql(url, span, places) as (run, _cpu):
        return run()


@contextlib.contextmanager
def _bare_sql(
    url: Any, span: tuple[date, date], places: list[int]
) -> Iterator[tuple[Callable[[], list[tuple[Any, ...]]], Callable[[], float]]]:
    """Yield week_sql's query over span and places on url's database, on a connection of its own, and the
    CPU clock that counts its work (this process's for SQLite, the backend's for PostgreSQL)."""
    from kiosk.ids import id_range

    low, high = id_range(*span)
    where = ", ".join(map(str, places))
    if url.get_backend_name() == "sqlite":
        sql = week_sql.QUERY.format(join="CROSS JOIN", low=":low", high=":high", places=where)
        with contextlib.closing(sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)) as conn:
            yield (lambda: conn.execute(sql, {"low": low.bytes, "high": high.bytes}).fetchall()), time.process_time
        return
    import psycopg

    sql = week_sql.QUERY.format(join="JOIN", low="%(low)s", high="%(high)s", places=where)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        yield (
            lambda: [tuple(row) for row in conn.execute(sql, {"low": low, "high": high}).fetchall()],
            week_sql._cpu_of(conn.info.backend_pid),
        )


def _floor_spans(spans: Spans) -> dict[str, tuple[tuple[date, date], list[int]]]:
    return {
        "raw, year, 8 places": ((spans.earliest, spans.today), spans.everywhere),
        "raw, recount's days, 8 places": (spans.recent, spans.everywhere),
        "raw, 1 week, 3 places": (spans.week, spans.places),
        "raw, build's recount days, 8 places": ((spans.week[0] - timedelta(days=6), spans.week[1]), spans.everywhere),
        "raw, 52 weeks, 3 places": (spans.weeks, spans.places),
    }


def _tally_sql(spans: Spans, first: str, last: str) -> str:
    return TALLY_QUERY.format(place=spans.places[0], first=first, last=last)


def sqlite_floors(path: Path, spans: Spans) -> list[Row]:
    """Time the bare SQL on the SQLite copy: week_sql's query (submissions first) and the tally GROUP BY."""
    rows = []
    for name, ((first, last), places) in _floor_spans(spans).items():
        r = week_sql._sqlite(path, first, last, places, "CROSS JOIN")
        rows.append(Row(name, "SQLite", week_sql.WARM_RUNS, r["warm"], r["cpu"], cold=r["cold"]))
    sql = _tally_sql(spans, ":first", ":last")
    params = {"first": spans.weeks[0].isoformat(), "last": spans.weeks[1].isoformat()}
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        r = week_sql._timed(lambda: conn.execute(sql, params).fetchall(), lambda: week_sql._drop_cache(path),
                            time.process_time)
    if not r["rows"]:
        raise RuntimeError("answer_tally has nothing for the trend's weeks")
    rows.append(Row("answer_tally, 52 weeks, 1 place", "SQLite", week_sql.WARM_RUNS, r["warm"], r["cpu"], cold=r["cold"]))
    return rows


def postgres_floors(pg: pgcluster.Cluster, database: str, spans: Spans) -> list[Row]:
    """Time the bare SQL on the PostgreSQL copy (week_sql restarts the server for each cold run)."""
    import psycopg

    rows = []
    for name, ((first, last), places) in _floor_spans(spans).items():
        r = week_sql._postgres(pg, database, first, last, places)
        rows.append(Row(name, "PostgreSQL", week_sql.WARM_RUNS, r["warm"], r["cpu"], cold=r["cold"]))
    sql = _tally_sql(spans, "%(first)s", "%(last)s")
    params = {"first": spans.weeks[0], "last": spans.weeks[1]}
    with psycopg.connect(pg.url(database, driver="")) as conn:
        backend = week_sql._cpu_of(conn.info.backend_pid)
        r = week_sql._timed(lambda: [tuple(row) for row in conn.execute(sql, params).fetchall()], lambda: None, backend)
    rows.append(Row("answer_tally, 52 weeks, 1 place", "PostgreSQL", week_sql.WARM_RUNS, r["warm"], r["cpu"],
                    cold=r["cold"]))
    return rows


def _ms(seconds: float) -> str:
    if seconds >= 0.0095:
        return f"{seconds * 1000:,.0f} ms"
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.00095 else f"{seconds * 1000:.2f} ms"


def _machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown CPU")
    memory = subprocess.run(["free", "-g"], capture_output=True, text=True, check=False).stdout.split("\n")[1].split()[1]
    return f"{os.cpu_count()} cores (`nproc`), {model}, {memory} GB of memory (`free -g`)"


def render(
    rows: list[Row], *, size: int, spans: Spans, pg_version: str, load: tuple[float, ...], after: tuple[float, ...],
    note: str,
) -> str:
    """Return the figures as Markdown: kiosk's operations with their ratio to their floor, then the floors."""
    floors = {(r.database, r.operation): r for r in rows if r.cold is not None}
    lines = [
        f"Measured on {spans.today.isoformat()} at {size:,} stored submissions over a year at 8 places; the council "
        f"follows locations {spans.places}, the trend is location {spans.places[0]}'s. SQLite {sqlite3.sqlite_version}"
        + (f", PostgreSQL {pg_version}" if pg_version else "") + f". Machine: {_machine()}; load average "
        f"{load[0]:.1f} before and {after[0]:.1f} after" + (f"; {note}" if note else "") + ".",
        "",
        "| operation | database | runs | median wall | median CPU | floor | floor's wall (CPU) | × floor, wall | × floor, CPU |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        if r.cold is not None:
            continue
        floor = floors.get((r.database, r.floor))
        if floor:
            against = f"{_ms(floor.wall)} ({_ms(floor.cpu)}) | **{r.wall / floor.wall:.1f}×** | {r.cpu / floor.cpu:.1f}×"
        else:
            against = "– | – | –"
        lines.append(f"| {r.operation} | {r.database} | {r.runs} | **{_ms(r.wall)}** | {_ms(r.cpu)} | {r.floor or '–'} "
                     f"| {against} |")
    lines += [
        "",
        "Peak resident memory of the bench process (MiB; PostgreSQL's backend not included): "
        + "; ".join(f"{db} {stage} {mib:.0f}" for db, stage, mib in PEAKS) + ".",
        "",
        "The floors, bare SQL through sqlite3 / psycopg (median of 5 warm runs, after one cold):",
        "",
        "| floor | database | cold (first run) | median wall | median CPU |",
        "|---|---|---:|---:|---:|",
    ]
    for r in rows:
        if r.cold is not None:
            lines.append(f"| {r.operation} | {r.database} | {_ms(r.cold)} | **{_ms(r.wall)}** | {_ms(r.cpu)} |")
    lines += [
        "",
        f"Spans: the year is {spans.earliest} – {spans.today}; the recount's days {spans.recent[0]} – {spans.recent[1]} "
        f"(MAX_BACKDATE_DAYS {BACKDATE_DAYS} + 6); the week {spans.week[0]} – {spans.week[1]}; the 52 weeks "
        f"{spans.weeks[0]} – {spans.weeks[1]}. \"raw\" is bench/week_sql.py's query (on SQLite with CROSS JOIN, "
        "submissions first) over those days and places; it groups by question and value only, where kiosk's count "
        "also groups by day and place and writes the rows. The tally floor:",
        "",
        "```sql",
        _tally_sql(spans, ":first", ":last").strip(),
        "```",
        "",
        "The council is new: its first digest carries the released text of up to 12 weeks (CARRY_WEEKS) that no "
        "digest of it has shown, and records whose text it showed. The next week's digest reads that week's text, "
        "and from before it only text released since the first was built; it reads the counts the nightly count "
        "made and marked (counted_period). A late answer takes its day's mark away, and the build then counts its "
        "week and the 6 days before again at every place (the floor \"raw, build's recount days, 8 places\" is the "
        "reading part of that). Builds are timed from the claim to the commit, without the deletes between them. "
        "CPU time is this process's (SQLite runs in it); on PostgreSQL this process's plus its backend's, without "
        "parallel workers. "
        "Wall times depend on the machine's load; on a busy machine the CPU ratio is the steadier one.",
    ]
    return "\n".join(lines)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    week_sql.add_database_arguments(parser)
    parser.add_argument("--note", default="", help="said after the load average, e.g. what else ran on the machine")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
