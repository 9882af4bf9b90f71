"""Benchmark POST /api/v1/submissions under gunicorn next to a floor measured in the same run.

    python bench/submissions.py [--seconds 15] [--repeats 3] [--markdown]

In one run: migrate a fresh SQLite database in a temporary folder and load the demo data; build bodies
that answer every question of the longer demo form; then, alternating, serve kiosk and the bare WSGI
floor (bench/floor_app.py) with the same gunicorn settings (deploy/gunicorn.conf.py, 2 sync workers),
each on a fresh copy of that database, and drive them with wrk (bench/submissions.lua) from 127.0.0.1.
Each run is checked afterwards: the database must hold exactly one submission, one key and the right
number of answers per 201 response. With --markdown the results go into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "submissions.lua"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
TARGET_RATIO = 0.6
TARGETS = {
    "app": ("kiosk (Flask + SQLAlchemy)", ["kiosk:create_app()"]),
    "floor": ("floor (bare WSGI + sqlite3)", ["--pythonpath", "bench", "floor_app:app"]),
}
# How long wrk keeps its connections busy after the measured posts, so that every post is answered.
MARGIN_SECONDS = 3
# CPU used by other processes (in cores) above which the results carry a warning.
OTHER_CPU_WARNING = 0.25
TEXTS = [
    "Flere turer i skogen, og litt mer kaffe på fredager.",
    "Det er godt å komme hit. De ansatte ser meg.",
    "Kunne vi fått et kurs i matlaging? Og bedre stoler i stua.",
    "Åpne lenger på lørdager, takk.",
    "Hyggelig fellesskap, men det er for trangt når det er lunsj.",
    "More trips, please. Og mer frukt!",
]


@dataclass
class Run:
    """One measured run of one target, as wrk's script reported it."""

    target: str
    rate: float
    p50_ms: float
    p99_ms: float
    created: int
    stored: int
    cpu: dict[str, float] = field(default_factory=dict)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0 when every run's rows matched its responses."""
    args = _arguments(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install it with `apt-get install wrk` (Debian/Ubuntu).")
    with tempfile.TemporaryDirectory(prefix="siifra-bench-", dir=args.tmpdir) as tmp:
        work = Path(tmp)
        template = prepare_database(work)
        bodies, rows_per_body = write_bodies(work, template)
        runs: list[Run] = []
        for repeat in range(args.repeats):
            order = ["app", "floor"] if repeat % 2 == 0 else ["floor", "app"]
            for target in order:
                run = measure(target, work, template, bodies, rows_per_body, args, f"{repeat + 1}")
                print(_run_line(run), flush=True)
                runs.append(run)
        check_same_rows(work)
        machine = describe_machine(work)
    summary = summarise(runs)
    print()
    print(render_text(summary, machine, args))
    if args.markdown:
        write_markdown(render_markdown(summary, machine, args))
        print(f"\nWrote the results into {DOC.relative_to(ROOT)}.")
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15, help="measured seconds per run (15)")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds before each run (3)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per target, alternating (3)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections, one per thread (4)")
    parser.add_argument("--tmpdir", help="where the databases go; must not be tmpfs (default: system temp)")
    parser.add_argument("--markdown", action="store_true", help=f"rewrite the results in {DOC.name}")
    return parser.parse_args(argv)


def _environment(work: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIIFRA_") and k != "DATABASE_URL"}
    env.update(SIIFRA_INSTANCE_PATH=str(work / "instance"), SIIFRA_WORKERS="2", PYTHONDONTWRITEBYTECODE="1")
    env.update(extra)
    return env


def prepare_database(work: Path) -> Path:
    """Migrate a fresh SQLite database, load the demo data and return its path."""
    (work / "instance").mkdir()
    (work / "instance" / "secret_key").write_text(secrets.token_hex(32))
    template = work / "template.sqlite3"
    env = _environment(work, DATABASE_URL=f"sqlite:///{template}")
    for command in (["db", "upgrade"], ["demo"]):
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "kiosk", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask --app kiosk {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    with contextlib.closing(sqlite3.connect(template)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return template


def longest_form(work: Path, template: Path) -> dict[str, Any]:
    """Return GET /api/v1/links/<code> for the demo link whose form has the most questions."""
    with contextlib.closing(sqlite3.connect(template)) as conn:
        codes = [code for (code,) in conn.execute("SELECT code FROM short_link ORDER BY code")]
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(_environment(work, DATABASE_URL=f"sqlite:///{template}"))
    sys.path.insert(0, str(ROOT))  # the kiosk next to this script, even if another one is installed
    try:
        from kiosk import create_app

        client = create_app().test_client()
        forms = [client.get(f"/api/v1/links/{code}").get_json() for code in codes]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return max(forms, key=lambda form: len(form["form"]["questions"]))


def write_bodies(work: Path, template: Path, count: int = 16) -> tuple[Path, int]:
    """Write varied bodies answering every question, one JSON per line; return the file and rows per body.

    Every body makes the same number of answer rows (two options in the multiple choice, a text that
    is never empty), so the rows in the database can be counted against the 201 responses.
    """
    form = longest_form(work, template)
    pick = random.Random(2026)
    lines = []
    for _ in range(count):
        answers: dict[str, Any] = {}
        for q in form["form"]["questions"]:
            kind = q["kind"]
            if kind == "smiley":
                answers[q["id"]] = pick.choice(q["options"])["value"]
            elif kind == "scale":
                answers[q["id"]] = pick.randint(q["scale"]["min"], q["scale"]["max"])
            elif kind == "yes_no":
                answers[q["id"]] = pick.random() < 0.7
            elif kind == "single_choice":
                answers[q["id"]] = pick.choice(q["options"])["id"]
            elif kind == "multiple_choice":
                answers[q["id"]] = [option["id"] for option in pick.sample(q["options"], 2)]
            else:
                answers[q["id"]] = pick.choice(TEXTS)
        lines.append(json.dumps({"link": form["link"], "answers": answers}, ensure_ascii=False))
    kinds = sorted(q["kind"] for q in form["form"]["questions"])
    print(f"Form {form['form']['id']} at link {form['link']}: {len(kinds)} questions ({', '.join(kinds)})")
    path = work / "bodies.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, len(kinds) + 1


def measure(
    target: str,
    work: Path,
    template: Path,
    bodies: Path,
    rows_per_body: int,
    args: argparse.Namespace,
    tag: str,
) -> Run:
    """Serve target on a fresh copy of the database, warm it up, measure it and check the rows."""
    database = work / f"{target}-{tag}.sqlite3"
    with contextlib.closing(sqlite3.connect(template)) as source, contextlib.closing(
        sqlite3.connect(database)
    ) as copy:
        source.backup(copy)
    try:
        with serve(target, work, database, tag) as (url, workers):
            warm = drive(url, bodies, args.warmup, args.connections)
            result = drive(url, bodies, args.seconds, args.connections, workers)
    except RuntimeError as error:
        log = (work / f"{target}-{tag}.log").read_text(errors="replace").splitlines()
        raise RuntimeError(
            f"{target}, round {tag}: {error}\nEnd of gunicorn's log:\n" + "\n".join(log[-25:])
        ) from None
    created = warm["created"] + result["created"]
    stored = verify(database, created, rows_per_body)
    return Run(
        target,
        result["created"] / result["seconds"],
        result["p50_ms"],
        result["p99_ms"],
        created,
        stored,
        result["cpu"],
    )


@contextlib.contextmanager
def serve(target: str, work: Path, database: Path, tag: str) -> Iterator[tuple[str, list[int]]]:
    """Run gunicorn with deploy/gunicorn.conf.py for target; yield its URL and worker pids."""
    port = _free_port()
    env = _environment(
        work,
        SIIFRA_BIND=f"127.0.0.1:{port}",
        DATABASE_URL=f"sqlite:///{database}",
        SIIFRA_FLOOR_DATABASE=str(database),
    )
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", *TARGETS[target][1]]
    with open(work / f"{target}-{tag}.log", "wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        try:
            workers = _wait_for_workers(server, port, work / f"{target}-{tag}.log")
            yield f"http://127.0.0.1:{port}/api/v1/submissions", workers
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_workers(server: subprocess.Popen, port: int, log: Path, timeout: float = 60) -> list[int]:
    """Wait until both workers have loaded the app and sit idle; return their pids.

    Gunicorn listens before its workers have imported the app, and a post sent to a worker that is
    still importing would count against the warm-up, so: an answered GET, then two idle workers.
    """
    deadline = time.monotonic() + timeout
    seen: dict[int, float] = {}
    quiet_since = None
    answered = False
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}; see the log:\n{log.read_text()}")
        workers = _children(server.pid)
        answered = answered or (len(workers) >= 2 and _answers(port))
        if answered:
            cpu = {pid: _process_cpu(pid) for pid in workers}
            quiet_since = (quiet_since or time.monotonic()) if cpu == seen else None
            seen = cpu
            if quiet_since is not None and time.monotonic() - quiet_since >= 0.5:
                return workers
        time.sleep(0.1)
    raise RuntimeError(
        f"gunicorn's workers were not ready within {timeout} s; see the log:\n{log.read_text()}"
    )


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /api/v1/bench-idle HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        return sock.recv(16).startswith(b"HTTP/1.1 ")
    return False


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def drive(url: str, bodies: Path, seconds: float, connections: int, workers: list[int] | None = None) -> dict:
    """Post for seconds with wrk; return what the script counted, and CPU use while posting."""
    command = [
        "wrk",
        f"-t{connections}",
        f"-c{connections}",
        f"-d{int(seconds + MARGIN_SECONDS + 0.999)}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        url,
        "--",
        str(bodies),
        str(seconds),
        secrets.token_hex(4),
    ]
    wrk = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    cpu = None
    if workers is not None:
        time.sleep(min(1.0, seconds / 4))  # skip wrk's start
        before = _cpu_sample(workers, wrk.pid)
        time.sleep(max(0.0, seconds - 2 * min(1.0, seconds / 4)))
        cpu = _cpu_use(before, _cpu_sample(workers, wrk.pid))
    out, err = wrk.communicate()
    lines = [line for line in out.splitlines() if line.startswith("BENCH_RESULT ")]
    if wrk.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({wrk.returncode}):\n{out}\n{err}")
    result = json.loads(lines[0].removeprefix("BENCH_RESULT "))
    if result["other"] or result["sent"] != result["answered"] or any(result["errors"].values()):
        raise RuntimeError(f"not every post got a 201: {result}\n{err}")
    result["cpu"] = cpu or {}
    return result


def _cpu_sample(workers: list[int], wrk: int) -> dict[str, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    total = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return {
        "time": time.monotonic(),
        "workers": sum(_process_cpu(pid) for pid in workers),
        "wrk": _process_cpu(wrk),
        "busy": (sum(total) - total[3] - total[4]) / ticks,
    }


def _cpu_use(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    elapsed = after["time"] - before["time"]
    use = {key: (after[key] - before[key]) / elapsed for key in ("workers", "wrk", "busy")}
    use["other"] = max(0.0, use["busy"] - use["workers"] - use["wrk"])
    return use


def verify(database: Path, created: int, rows_per_body: int) -> int:
    """Check that the database holds exactly what the 201 responses promised; return the submissions."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("submission", "answer", "idempotency_key")
        }
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    expected = {"submission": created, "answer": created * rows_per_body, "idempotency_key": created}
    if counts != expected or broken:
        raise RuntimeError(
            f"{database.name}: stored {counts}, expected {expected} from the 201s; {broken[:3]}"
        )
    return counts["submission"]


SHAPES = {
    "submission": "typeof(id), length(id), form_version_id, location_id, channel, typeof(period), "
    "length(period), period_unit, typeof(device_id), burst",
    "answer": "length(id), length(submission_id), question_id, "
    "typeof(number), typeof(option_id), typeof(text)",
    "idempotency_key": "length(key), body_hash, length(submission_id), "
    "typeof(created_on), length(created_on)",
}


def check_same_rows(work: Path) -> None:
    """Check that kiosk and the floor wrote rows of the same shape, with the same body hashes."""
    shapes = {}
    for target in TARGETS:
        with contextlib.closing(sqlite3.connect(work / f"{target}-1.sqlite3")) as conn:
            shapes[target] = {
                table: set(conn.execute(f"SELECT DISTINCT {columns} FROM {table}"))
                for table, columns in SHAPES.items()
            }
    for table in SHAPES:
        if shapes["app"][table] != shapes["floor"][table]:
            difference = shapes["app"][table] ^ shapes["floor"][table]
            raise RuntimeError(f"kiosk and the floor wrote different {table} rows: {sorted(difference)[:4]}")


def summarise(runs: list[Run]) -> dict[str, Any]:
    """Return the median rate and latencies of each target, and the ratio of the medians."""
    summary: dict[str, Any] = {}
    for target in TARGETS:
        mine = [run for run in runs if run.target == target]
        summary[target] = {
            "rate": statistics.median(run.rate for run in mine),
            "p50_ms": statistics.median(run.p50_ms for run in mine),
            "p99_ms": statistics.median(run.p99_ms for run in mine),
            "rates": [run.rate for run in mine],
            "stored": sum(run.stored for run in mine),
            "cpu": {
                key: statistics.median(run.cpu[key] for run in mine) for key in ("workers", "wrk", "other")
            },
        }
    summary["ratio"] = summary["app"]["rate"] / summary["floor"]["rate"]
    # Each round measured both targets back to back: their ratio is less exposed to a machine whose
    # load changes between rounds.
    rounds = [runs[i : i + 2] for i in range(0, len(runs), 2)]
    summary["round_ratios"] = [
        next(r.rate for r in pair if r.target == "app") / next(r.rate for r in pair if r.target == "floor")
        for pair in rounds
    ]
    return summary


def describe_machine(work: Path) -> dict[str, str]:
    """Return what the figures depend on: CPU, memory, disk, versions."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "?"
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    df = (
        subprocess.run(["df", "-T", str(work)], capture_output=True, text=True)
        .stdout.splitlines()[-1]
        .split()
    )
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("[")[0].strip()
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "kiosk"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    versions = {name: importlib.metadata.version(name) for name in ("gunicorn", "flask", "sqlalchemy")}
    return {
        "cpu": f"{os.cpu_count()} × {model}",
        "memory": f"{memory:.0f} GiB",
        "disk": f"{df[1]} on {df[0]}"
        + (" (tmpfs: fsync is free, use --tmpdir on a disk)" if df[1] == "tmpfs" else ""),
        "os": f"{platform.system()} {platform.release()}",
        "versions": f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        + ", ".join(f"{name} {version}" for name, version in versions.items())
        + f", {wrk}",
        "code": f"{head.strip()}" + (" with uncommitted changes in kiosk/" if dirty.strip() else ""),
        "date": date.today().isoformat(),
    }


def _run_line(run: Run) -> str:
    cpu = run.cpu
    return (
        f"{run.target:5}  {run.rate:7.1f} req/s  p50 {run.p50_ms:6.1f} ms  p99 {run.p99_ms:7.1f} ms  "
        f"{run.stored} stored = {run.created} × 201  "
        f"(CPU cores: workers {cpu['workers']:.2f}, wrk {cpu['wrk']:.2f}, other {cpu['other']:.2f})"
    )


def _verdict(ratio: float) -> str:
    return (
        f"{ratio:.2f}× the floor: "
        f"{'meets' if ratio >= TARGET_RATIO else 'below'} the {TARGET_RATIO}× target"
    )


def render_text(summary: dict[str, Any], machine: dict[str, str], args: argparse.Namespace) -> str:
    """Return the results for the terminal."""
    lines = [f"Medians of {args.repeats} runs of {args.seconds:g} s, {args.connections} connections:"]
    for target, (label, _) in TARGETS.items():
        s = summary[target]
        lines.append(
            f"  {label:30} {s['rate']:7.1f} req/s  p50 {s['p50_ms']:6.1f} ms  p99 {s['p99_ms']:7.1f} ms"
        )
    lines.append(f"  ratio: {_verdict(summary['ratio'])}")
    lines.append(f"  ratio within each round: {', '.join(f'{r:.2f}' for r in summary['round_ratios'])}")
    lines.append(f"  machine: {machine['cpu']}, {machine['memory']}, {machine['disk']}")
    busy = max(summary[target]["cpu"]["other"] for target in TARGETS)
    if busy > OTHER_CPU_WARNING:
        lines.append(
            f"  warning: other processes used {busy:.2f} cores during the runs; the figures are noisy"
        )
    return "\n".join(lines)


def render_markdown(summary: dict[str, Any], machine: dict[str, str], args: argparse.Namespace) -> str:
    """Return the results section of docs/benchmarks.md."""
    rows = []
    for target, (label, _) in TARGETS.items():
        s = summary[target]
        runs = ", ".join(f"{rate:.0f}" for rate in s["rates"])
        cpu = s["cpu"]
        rows.append(
            f"| {label} | **{s['rate']:.0f}** | {s['p50_ms']:.1f} ms | {s['p99_ms']:.1f} ms | {runs} "
            f"| {cpu['workers']:.2f} / {cpu['wrk']:.2f} / {cpu['other']:.2f} |"
        )
    return "\n".join(
        [
            f"Measured on {machine['date']}, code at {machine['code']}.",
            "",
            f"- CPU: {machine['cpu']}; memory: {machine['memory']}",
            f"- Disk: {machine['disk']}; {machine['os']}",
            f"- {machine['versions']}",
            f"- {args.repeats} runs per target, alternating, "
            f"each {args.seconds:g} s after a {args.warmup:g} s warm-up, "
            f"on a fresh copy of the database; {args.connections} connections",
            "",
            "| target | submissions/s (median) | p50 | p99 | each run (req/s) "
            "| CPU cores: workers / wrk / other |",
            "|---|---:|---:|---:|---|---|",
            *rows,
            "",
            f"**Ratio: {_verdict(summary['ratio'])}.** "
            "Within each round (kiosk and the floor back to back): "
            + ", ".join(f"{r:.2f}" for r in summary["round_ratios"])
            + ".",
            "",
            "Every run was checked: stored submissions = 201 responses "
            f"({summary['app']['stored']} for kiosk, "
            f"{summary['floor']['stored']} for the floor, warm-ups included), with one key and "
            "the same number of answers each, and kiosk and the floor wrote rows of the same shape.",
        ]
    )


def write_markdown(section: str) -> None:
    """Replace the results section of docs/benchmarks.md, or append one."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = f"{START}\n{section}\n{END}"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Results\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as error:
        sys.exit(f"Benchmark failed: {error}")
