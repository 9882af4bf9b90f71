"""Benchmark POST /api/v1/submissions under gunicorn next to two floors, empty and at N stored submissions.

    python bench/submissions.py --tmpdir /var/tmp [--preload 1000000] [--postgres] [--flows] [--markdown]

In one run: set up a database as kiosk does (migrations, demo data, 8 locations with a tablet and a
link each), and with --preload N a copy filled with N submissions over the last 52 weeks
(bench/preload.py); the same for the minimal floor's own schema. Then, in rounds (the order reversed
every other round), serve each target with the same gunicorn settings (deploy/gunicorn.conf.py,
2 sync workers) on a fresh copy of each template and drive it with wrk from 127.0.0.1:

- app: kiosk (Flask + SQLAlchemy); floor: the same request as bare WSGI + sqlite3 on kiosk's schema
  (bench/floor_app.py); minimal: the same request on a minimal schema of its own (bench/floor_min.py);
- with --postgres, kiosk on a throwaway PostgreSQL cluster as well (the floors are SQLite only);
- with --flows, a phone's whole visit to kiosk: the form, the POST with its CSRF token, the thank-you.

Every run is checked afterwards: the database gained exactly one submission, one key and 7 answers per
201 (or redirect, for flows). kiosk, the floor and the preload must write rows of the same shape.
With --markdown the results go into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the kiosk next to this script, even if another one is installed

import pgcluster  # noqa: E402
import render  # noqa: E402
import report  # noqa: E402
import runs  # noqa: E402
import serving  # noqa: E402
from measure import check_same_rows, measure  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0 when every run's rows matched its responses."""
    args = _arguments(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install it with `apt-get install wrk` (Debian/Ubuntu).")
    today = datetime.now(ZoneInfo("Europe/Oslo")).date()
    sizes = [0] + ([args.preload] if args.preload else [])
    loads = [serving.load_average()]
    with tempfile.TemporaryDirectory(prefix="siifra-bench-", dir=args.tmpdir) as tmp, contextlib.ExitStack() as stack:
        work = Path(tmp)
        cache = Path(args.cache).resolve() if args.cache else work
        cache.mkdir(parents=True, exist_ok=True)
        (work / "instance").mkdir()
        (work / "instance" / "secret_key").write_text(secrets.token_hex(32))
        os.environ["SIIFRA_INSTANCE_PATH"] = str(work / "instance")
        templates = runs.sqlite_templates(cache, sizes, today)
        templates.work = work
        pg = None
        if args.postgres:
            pg = stack.enter_context(pgcluster.cluster(cache / "pg", args.pg_port))
            runs.postgres_templates(templates, pg, sizes, today)
        data = {
            ("api", "sqlite"): runs.api_bodies(work, templates.plan, "sqlite"),
            ("flow", "sqlite"): runs.flow_forms(work, templates.plan, templates.app[0], "sqlite"),
        }
        if templates.pg_plan:
            data[("api", "postgres")] = runs.api_bodies(work, templates.pg_plan, "postgres")
            data[("flow", "postgres")] = runs.flow_forms(work, templates.pg_plan, templates.app[0], "postgres")
        combos = _combos(args, sizes)
        measured = []
        for number in range(1, args.repeats + 1):
            for target, database, size in combos if number % 2 else reversed(combos):
                kind = "flow" if target == "flow" else "api"
                run = measure(target, database, size, templates, pg, data[(kind, database)], args, number)
                loads.append(serving.load_average())
                print(report.run_line(run), flush=True)
                measured.append(run)
        if "app" in args.targets and "floor" in args.targets:
            check_same_rows(work, templates, today)
        machine = report.describe_machine(work, pg)
    summary = report.summarise(measured, templates, loads)
    print()
    print(render.render_text(summary, machine, args))
    if args.markdown:
        render.write_markdown(render.render_markdown(summary, machine, args))
        print("\nWrote the results into docs/benchmarks.md.")
    return 0


def _combos(args: argparse.Namespace, sizes: list[int]) -> list[tuple[str, str, int]]:
    combos = [(target, "sqlite", size) for size in sizes for target in args.targets]
    if args.postgres:
        combos += [("app", "postgres", size) for size in sizes]
    if args.flows:
        combos += [("flow", "sqlite", size) for size in sizes]
        if args.postgres:
            combos += [("flow", "postgres", size) for size in sizes]
    return combos


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15, help="measured seconds per run (15)")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds before each run (3)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds; each measures every target once (3)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections, one per thread (4)")
    parser.add_argument("--preload", type=int, default=0, metavar="N",
                        help="also measure at N stored submissions over the last 52 weeks")
    parser.add_argument("--targets", type=lambda s: s.split(","), default=["app", "floor", "minimal"],
                        help="API targets on SQLite, comma-separated (app,floor,minimal)")
    parser.add_argument("--postgres", action="store_true", help="also kiosk on a throwaway PostgreSQL cluster")
    parser.add_argument("--pg-port", type=int, default=54361, help="the cluster's port on 127.0.0.1 (54361)")
    parser.add_argument("--flows", action="store_true", help="also the phone's whole visit: form, POST, thank-you")
    parser.add_argument("--cache", help="keep the templates here and reuse them (they are made once a day)")
    parser.add_argument("--tmpdir", help="where the databases go; must not be tmpfs (default: system temp)")
    parser.add_argument("--markdown", action="store_true", help="rewrite the results in docs/benchmarks.md")
    return parser.parse_args(argv)


if __name__ == "__main__":
    started = time.monotonic()
    try:
        code = main()
    except RuntimeError as error:
        sys.exit(f"Benchmark failed: {error}")
    print(f"(took {(time.monotonic() - started) / 60:.1f} minutes)")
    sys.exit(code)
