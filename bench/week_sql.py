"""Time the bare SQL of one week's per-question distributions at N stored submissions, on SQLite and PostgreSQL.

    python bench/week_sql.py --tmpdir /var/tmp --cache /var/tmp/siifra-bench-cache [--preload 1000000] [--postgres]

The query a weekly digest needs: for the submissions of one ISO week at the locations of one council
(3 of the 8), the count of answers per question × number or option. The week is a range of the
primary key (kiosk.ids.id_range), so both tables are read by key: the week's submissions, and the
answers right next to each. The same query over 52 weeks is timed for comparison. Each is run once on
a cold cache (the database's pages dropped from the OS cache with posix_fadvise, and PostgreSQL
restarted), then 5 times warm; the median of the warm runs is the figure. The query plans are printed.

It uses the templates bench/submissions.py makes (and makes them when --cache has none).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import pgcluster  # noqa: E402
import runs  # noqa: E402
from render import write_markdown  # noqa: E402

from kiosk.ids import id_range  # noqa: E402

QUERY = """
SELECT a.question_id, a.number, a.option_id, count(*) AS answers
  FROM submission AS s
  {join} answer AS a ON a.submission_id = s.id
 WHERE s.id >= {low} AND s.id < {high}
   AND a.submission_id >= {low} AND a.submission_id < {high}
   AND s.location_id IN ({places})
 GROUP BY a.question_id, a.number, a.option_id
 ORDER BY a.question_id, a.number, a.option_id
"""
DOC = HERE.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench:week-sql:start -->", "<!-- bench:week-sql:end -->"
WARM_RUNS = 5
# SQLite (without ANALYZE) starts from the week's answers and looks up each one's submission; CROSS JOIN
# makes it start from the week's submissions and read their answers, which is less work.
JOINS = {"JOIN": "JOIN", "CROSS JOIN": "CROSS JOIN (submissions first)"}


def main(argv: list[str] | None = None) -> int:
    """Time the queries; print the figures and plans (and with --markdown write them into the docs)."""
    args = _arguments(argv)
    today = datetime.now(ZoneInfo("Europe/Oslo")).date()
    monday = today - timedelta(days=today.weekday() + 7)  # the last whole ISO week
    sunday = monday + timedelta(days=6)
    spans = {"1 week": (monday, sunday), "52 weeks": (monday - timedelta(weeks=51), sunday)}
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="siifra-week-", dir=args.tmpdir) as tmp, contextlib.ExitStack() as stack:
        cache = Path(args.cache).resolve()
        cache.mkdir(parents=True, exist_ok=True)
        os.environ["SIIFRA_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        templates = runs.sqlite_templates(cache, [0, args.preload], today)
        places = [place[0] for place in templates.plan.places[:3]]
        path = templates.app[args.preload]
        for join, label in JOINS.items():
            for name, (first, last) in spans.items():
                results.append(_sqlite(path, first, last, places, join)
                               | {"database": f"SQLite, {label}", "span": name, "first": first, "last": last})
        if args.postgres:
            pg = stack.enter_context(pgcluster.cluster(cache / "pg", args.pg_port))
            runs.postgres_templates(templates, pg, [0, args.preload], today)
            for name, (first, last) in spans.items():
                results.append(_postgres(pg, templates.pg[args.preload], first, last, places)
                               | {"database": "PostgreSQL", "span": name, "first": first, "last": last})
        text = render(results, args.preload, places, pg.version() if args.postgres else "")
    print(text)
    if args.markdown:
        write_markdown(text, doc=DOC, start=START, end=END, heading="One week's distributions in bare SQL")
    return 0


def _timed(run: Callable[[], list[Any]], cold: Callable[[], None], cpu: Callable[[], float]) -> dict[str, Any]:
    """Return the cold wall time, and the median wall and CPU time of the warm runs."""
    cold()
    started = time.perf_counter()
    rows = run()
    first = time.perf_counter() - started
    warm, used = [], []
    for _ in range(WARM_RUNS):
        started, busy = time.perf_counter(), cpu()
        again = run()
        warm.append(time.perf_counter() - started)
        used.append(cpu() - busy)
        if again != rows:
            raise RuntimeError("the same query gave different rows")
    return {"cold": first, "warm": statistics.median(warm), "cpu": statistics.median(used), "rows": rows}


def _cpu_of(pid: int) -> Callable[[], float]:
    """Return a clock of the CPU time a process has had (schedstat: nanoseconds on a CPU)."""
    return lambda: int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def _sqlite(path: Path, first: date, last: date, places: list[int], join: str) -> dict[str, Any]:
    low, high = (u.bytes for u in id_range(first, last))
    sql = QUERY.format(join=join, low=":low", high=":high", places=", ".join(str(p) for p in places))
    params = {"low": low, "high": high}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def cold() -> None:
        _drop_cache(path)

    with contextlib.closing(conn):
        timing = _timed(lambda: conn.execute(sql, params).fetchall(), cold, time.process_time)
        plan = "\n".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        where = f"id >= :low AND id < :high AND location_id IN ({', '.join(map(str, places))})"
        submissions = conn.execute(f"SELECT count(*) FROM submission WHERE {where}", params).fetchone()[0]
    return timing | {"plan": plan, "submissions": submissions, "sql": sql}


def _drop_cache(path: Path) -> None:
    """Drop a file's pages from the OS cache (this file only: other work on the machine keeps its own)."""
    for file in (path, *path.parent.glob(path.name + "-*")):
        with open(file, "rb") as handle:
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def _postgres(pg: pgcluster.Cluster, database: str, first: date, last: date, places: list[int]) -> dict[str, Any]:
    import psycopg

    low, high = id_range(first, last)
    sql = QUERY.format(join="JOIN", low="%(low)s", high="%(high)s", places=", ".join(str(p) for p in places))
    params = {"low": low, "high": high}
    connection: list[Any] = []

    def cold() -> None:
        # Restart the server (its shared buffers go) and drop the database's files from the OS cache.
        pg.restart()
        oid = pg.psql(f"SELECT oid FROM pg_database WHERE datname = '{database}'")
        for file in (pg.data / "base" / oid).iterdir():
            _drop_cache(file)
        connection.append(psycopg.connect(pg.url(database, driver="")))

    def run() -> list[Any]:
        return [tuple(row) for row in connection[-1].execute(sql, params).fetchall()]

    timing = _timed(run, cold, lambda: _cpu_of(connection[-1].info.backend_pid)())
    conn = connection[-1]
    plan = "\n".join(row[0] for row in conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params))
    conn.close()
    return timing | {"plan": plan, "submissions": None, "sql": sql}


def render(results: list[dict[str, Any]], size: int, places: list[int], pg_version: str) -> str:
    """Return the figures, then the SQL and the plans, as Markdown."""
    lines = [
        f"Measured on {date.today().isoformat()} at {size:,} stored submissions, locations {places} (3 of 8); "
        f"SQLite {sqlite3.sqlite_version}" + (f", PostgreSQL {pg_version}" if pg_version else "")
        + f"; load average {os.getloadavg()[0]:.1f} on 2 cores.",
        "",
        "| database | span | submissions of the 3 places | cold (first run) | warm (median of 5) | CPU (median of 5) | rows |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        count = f"{r['submissions']:,}" if r["submissions"] is not None else "(same)"
        lines.append(f"| {r['database']} | {r['span']} ({r['first']} – {r['last']}) | {count} | {r['cold'] * 1000:.0f} ms "
                     f"| **{r['warm'] * 1000:.0f} ms** | {r['cpu'] * 1000:.0f} ms | {len(r['rows'])} |")
    lines += ["", "Wall times depend on the machine's load; CPU time is this process's for SQLite and the backend's for "
              "PostgreSQL (without its parallel workers, whose CPU is not counted).",
              "", "The SQL (SQLite's form, with JOIN or CROSS JOIN; PostgreSQL's has JOIN and takes the same uuids):",
              "", "```sql", results[0]["sql"].strip(), "```"]
    for r in results:
        lines += ["", f"{r['database']}, {r['span']}:", "", "```", r["plan"], "```"]
    return "\n".join(lines)


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of a benchmark that reads the preloaded templates on SQLite and PostgreSQL."""
    parser.add_argument("--preload", type=int, default=1_000_000, help="stored submissions (1000000)")
    parser.add_argument("--cache", required=True, help="where bench/runs.py keeps (or will keep) its templates")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--pg-port", type=int, default=54361)
    parser.add_argument("--tmpdir", help="a temporary folder on a real disk")
    parser.add_argument("--markdown", action="store_true", help="write the results into docs/benchmarks.md")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
