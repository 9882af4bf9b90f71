"""Measure the public form while strangers flood the staff sign-in with wrong passwords.

    python bench/login_flood.py [--seconds 10] [--repeats 3] [--clients 4] [--markdown] [--root PATH]

In one run: migrate a fresh SQLite database with the demo data and one staff account, and serve the app
under gunicorn with the shipped deploy/gunicorn.conf.py (2 workers). Then, in rounds whose order
rotates, measure GET /s/<code> (the public form) from one connection with wrk (one request at a time,
a new connection each, as nginx makes them), p50 and p99:

- idle: nothing else runs;
- flood, new addresses: CLIENTS connections post wrong passwords with a fresh e-mail address each
  time, so every attempt needs a password hash (bench/login_flood.lua);
- flood, one address: the same, always with the staff account's address, which is soon throttled.

Each flood starts 2 s before the form is measured and runs until it is done. The figures are printed
with the machine; with --markdown they replace the results in docs/benchmarks.md. --root measures
another checkout of the app (for a before/after comparison) with this script.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from submissions import (  # noqa: E402  (the same set-up and machine report as the submissions benchmark)
    _children,
    _environment,
    _free_port,
    _process_cpu,
    _wait_for_workers,
    describe_machine,
    prepare_database,
)

DOC = BENCH.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench:login-flood:start -->", "<!-- bench:login-flood:end -->"
MODES = {"idle": "idle", "new": "flood, a new address each time", "one": "flood, one real address"}
TARGET = 2.0  # the form's p50 under a flood may be at most this many times its p50 idle
LEAD_SECONDS = 2
STAFF_EMAIL, STAFF_PASSWORD = "leder@kommune.no", "lange setninger er gode passord 2026"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
# CPU used by everything but the workers (wrk included), in cores, above which the results carry a warning.
OTHER_CPU_WARNING = 0.5


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and with --markdown, write) the figures."""
    args = _arguments(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install it with `apt-get install wrk` (Debian/Ubuntu).")
    root = Path(args.root).resolve() if args.root else BENCH.parent
    with tempfile.TemporaryDirectory(prefix="siifra-flood-", dir=args.tmpdir) as tmp:
        work = Path(tmp)
        database, code = prepare(work, root)
        rounds = []
        with serve(work, root, database) as (port, workers):
            cookie, token = csrf(port)
            for repeat in range(args.repeats):
                modes = list(MODES)
                modes = modes[repeat % 3 :] + modes[: repeat % 3]
                for mode in modes:
                    result = measure(port, code, mode, cookie, token, workers, args)
                    print(_line(result), flush=True)
                    rounds.append(result)
                    time.sleep(2)  # let the last attempts of a flood drain
        machine = describe_machine(work)
    summary = summarise(rounds)
    print()
    print(render_text(summary, machine, args, root))
    if args.markdown:
        write_markdown(render_markdown(summary, machine, args, root))
        print(f"\nWrote the results into {DOC.relative_to(BENCH.parent)}.")
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per round (10)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of idle and both floods (3)")
    parser.add_argument("--clients", type=int, default=4, help="connections posting wrong passwords (4)")
    parser.add_argument("--tmpdir", help="where the database goes (default: system temp)")
    parser.add_argument("--root", help="the checkout to serve (default: the one holding this script)")
    parser.add_argument("--markdown", action="store_true", help=f"rewrite the results in {DOC.name}")
    return parser.parse_args(argv)


def _flask(work: Path, root: Path, database: Path, *command: str) -> None:
    env = _environment(work, DATABASE_URL=f"sqlite:///{database}")
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "kiosk", *command], cwd=root, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask --app kiosk {' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def prepare(work: Path, root: Path) -> tuple[Path, str]:
    """Return a migrated database with the demo data and one staff account, and a demo link's code."""
    if root == BENCH.parent:
        database = prepare_database(work)
    else:
        (work / "instance").mkdir()
        (work / "instance" / "secret_key").write_text(os.urandom(32).hex())
        database = work / "template.sqlite3"
        _flask(work, root, database, "db", "upgrade")
        _flask(work, root, database, "demo")
    _flask(work, root, database, "user", "create", "--email", STAFF_EMAIL, "--name", "Liv Leder", "--password", STAFF_PASSWORD)
    with contextlib.closing(sqlite3.connect(database)) as conn:
        code = conn.execute("SELECT code FROM short_link ORDER BY code LIMIT 1").fetchone()[0]
    return database, code


@contextlib.contextmanager
def serve(work: Path, root: Path, database: Path) -> Iterator[tuple[int, list[int]]]:
    """Run gunicorn with the checkout's deploy/gunicorn.conf.py; yield its port and worker pids."""
    port = _free_port()
    env = _environment(work, SIIFRA_BIND=f"127.0.0.1:{port}", DATABASE_URL=f"sqlite:///{database}")
    log_path = work / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--access-logfile", "/dev/null",
               "kiosk:create_app()"]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=log, start_new_session=True)
        try:
            yield port, _wait_for_workers(server, port, log_path)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def csrf(port: int) -> tuple[str, str]:
    """Return the session cookie and CSRF token of one visit to the sign-in page."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login", timeout=10) as response:
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.read().decode()).group(1)
    return cookie, token


def measure(port: int, code: str, mode: str, cookie: str, token: str, workers: list[int], args: argparse.Namespace) -> dict:
    """Measure the form for args.seconds, with the flood of this mode (if any) running around it."""
    flood = None
    if mode != "idle":
        duration = int(args.seconds + 2 * LEAD_SECONDS + 0.999)
        flood = subprocess.Popen(
            ["wrk", f"-t{args.clients}", f"-c{args.clients}", f"-d{duration}s", "--timeout", "30s",
             "-s", str(BENCH / "login_flood.lua"), f"http://127.0.0.1:{port}", "--", cookie, token, mode, STAFF_EMAIL],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        time.sleep(LEAD_SECONDS)
    cpu_before, busy_before, started = sum(_process_cpu(pid) for pid in workers), _busy_seconds(), time.monotonic()
    form = subprocess.run(
        ["wrk", "-t1", "-c1", f"-d{int(args.seconds)}s", "--latency", "--timeout", "30s", "-H", "Connection: close",
         f"http://127.0.0.1:{port}/s/{code}"],
        capture_output=True, text=True,
    )
    elapsed = time.monotonic() - started
    cpu = (sum(_process_cpu(pid) for pid in workers) - cpu_before) / elapsed
    other = max(0.0, (_busy_seconds() - busy_before) / elapsed - cpu)
    result = {"mode": mode, **_form_figures(form.stdout), "worker_cores": cpu, "other_cores": other}
    if flood is not None:
        out, err = flood.communicate()
        line = next((line for line in out.splitlines() if line.startswith("BENCH_FLOOD ")), None)
        if flood.returncode != 0 or line is None:
            raise RuntimeError(f"the flood's wrk failed ({flood.returncode}):\n{out}\n{err}")
        figures = json.loads(line.removeprefix("BENCH_FLOOD "))
        result["statuses"] = {k: v / figures["seconds"] for k, v in sorted(figures["statuses"].items())}
    return result


def _busy_seconds() -> float:
    """Return the CPU seconds the whole machine has spent busy (not idle, not waiting for disk)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _form_figures(out: str) -> dict:
    """Return p50, p99 and the request count from wrk --latency's report, refusing any error."""
    if "Non-2xx or 3xx responses" in out or "Socket errors" in out:
        raise RuntimeError(f"the form did not always answer 200:\n{out}")

    def percentile(p: str) -> float:
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * UNITS[unit]

    requests = int(re.search(r"^\s+(\d+) requests in", out, re.M).group(1))
    return {"p50_ms": percentile("50"), "p99_ms": percentile("99"), "requests": requests}


def _line(result: dict) -> str:
    flood = ", ".join(f"{status}: {rate:.1f}/s" for status, rate in result.get("statuses", {}).items())
    return (
        f"{MODES[result['mode']]:32} form p50 {result['p50_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms  "
        f"({result['requests']} GETs; CPU cores: workers {result['worker_cores']:.2f}, rest {result['other_cores']:.2f})"
        + (f"  sign-in answers: {flood}" if flood else "")
    )


def summarise(rounds: list[dict]) -> dict:
    """Return the median figures of each mode, and each flood's p50 as a multiple of idle's."""
    summary = {}
    for mode in MODES:
        mine = [r for r in rounds if r["mode"] == mode]
        statuses = sorted({status for r in mine for status in r.get("statuses", {})})
        summary[mode] = {
            "p50_ms": statistics.median(r["p50_ms"] for r in mine),
            "p99_ms": statistics.median(r["p99_ms"] for r in mine),
            "p50s": [r["p50_ms"] for r in mine],
            "cores": statistics.median(r["worker_cores"] for r in mine),
            "other": statistics.median(r["other_cores"] for r in mine),
            "statuses": {s: statistics.median(r["statuses"].get(s, 0) for r in mine) for s in statuses},
        }
    for mode in ("new", "one"):
        summary[mode]["ratio"] = summary[mode]["p50_ms"] / summary["idle"]["p50_ms"]
    return summary


def _verdict(ratio: float) -> str:
    return f"{ratio:.2f}× idle ({'within' if ratio <= TARGET else 'beyond'} the {TARGET:g}× target)"


def render_text(summary: dict, machine: dict, args: argparse.Namespace, root: Path) -> str:
    """Return the results for the terminal."""
    lines = [f"Medians of {args.repeats} rounds of {args.seconds:g} s, {args.clients} flooding connections, code in {root}:"]
    for mode, label in MODES.items():
        s = summary[mode]
        lines.append(f"  {label:32} form p50 {s['p50_ms']:6.1f} ms  p99 {s['p99_ms']:7.1f} ms")
        if "ratio" in s:
            answers = ", ".join(f"{status}: {rate:.1f}/s" for status, rate in s["statuses"].items())
            lines.append(f"  {'':32} p50 {_verdict(s['ratio'])}; sign-in answered {answers}")
    lines.append(f"  machine: {machine['cpu']}, {machine['memory']}, {machine['os']}; {machine['versions']}")
    busy = max(summary[mode]["other"] for mode in MODES)
    if busy > OTHER_CPU_WARNING:
        lines.append(f"  warning: the rest of the machine (wrk and other processes) used {busy:.2f} cores; the figures are noisy")
    return "\n".join(lines)


def render_markdown(summary: dict, machine: dict, args: argparse.Namespace, root: Path) -> str:
    """Return the results section of docs/benchmarks.md."""
    rows = []
    for mode, label in MODES.items():
        s = summary[mode]
        answers = ", ".join(f"{status}: {rate:.1f}/s" for status, rate in s["statuses"].items()) or "—"
        ratio = f"**{s['ratio']:.2f}×**" if "ratio" in s else "1×"
        rounds = ", ".join(f"{p:.1f}" for p in s["p50s"])
        rows.append(
            f"| {label} | {s['p50_ms']:.1f} ms | {s['p99_ms']:.1f} ms | {ratio} | {rounds} | {answers} "
            f"| {s['cores']:.2f} / {s['other']:.2f} |"
        )
    return "\n".join(
        [
            f"Measured on {machine['date']}, code at {machine['code']}.",
            "",
            f"- CPU: {machine['cpu']}; memory: {machine['memory']}; {machine['os']}",
            f"- {machine['versions']}",
            f"- {args.repeats} rounds of {args.seconds:g} s per case, order rotating; {args.clients} flooding connections"
            + (f"; run at nice {os.nice(0)}" if os.nice(0) else ""),
            "",
            "| case | form p50 | form p99 | p50 vs idle | p50 each round (ms) | sign-in answers | CPU cores: workers / rest |",
            "|---|---:|---:|---:|---|---|---:|",
            *rows,
            "",
            f"Target: the form's p50 under a flood within {TARGET:g}× its p50 idle.",
        ]
    )


def write_markdown(section: str) -> None:
    """Replace the login-flood results in docs/benchmarks.md."""
    text = DOC.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise RuntimeError(f"{DOC.name} has no {START} … {END} block to fill in")
    before, rest = text.split(START, 1)
    DOC.write_text(before + f"{START}\n{section}\n{END}" + rest.split(END, 1)[1], encoding="utf-8")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as error:
        sys.exit(f"Benchmark failed: {error}")
