"""Summaries of bench/submissions.py's runs: medians, ratios, sizes, the targets, and docs/benchmarks.md."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sqlite3
import statistics
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from runs import Run, Templates

ROOT = Path(__file__).resolve().parent.parent
LABELS = {
    "app": "kiosk (Flask + SQLAlchemy)",
    "floor": "same-schema floor (bare WSGI + sqlite3)",
    "minimal": "minimal floor (bare WSGI, own schema)",
    "flow": "phone flow: form, POST, thank-you (kiosk)",
}
OTHER_CPU_WARNING = 0.25  # cores used by other processes above which the results carry a warning


def summarise(measured: list[Run], templates: Templates, loads: list[float]) -> dict[str, Any]:
    """Return medians per (target, database, size), the ratios the targets are read from, and sizes."""
    groups: dict[tuple[str, str, int], dict[str, Any]] = {}
    for key in dict.fromkeys((r.target, r.database, r.size) for r in measured):
        mine = [r for r in measured if (r.target, r.database, r.size) == key]
        groups[key] = {
            "rate": statistics.median(r.rate for r in mine),
            "p50": statistics.median(r.p50_ms for r in mine),
            "p99": statistics.median(r.p99_ms for r in mine),
            "rates": [r.rate for r in mine],
            "cpu_ms": statistics.median(1000 * r.cpu["workers"] / r.rate for r in mine),
            "db_ms": statistics.median(1000 * r.cpu["db"] / r.rate for r in mine),
            "other": statistics.median(r.cpu["other"] for r in mine),
            "stored": sum(r.created for r in mine),
        }
    return {"groups": groups, "ratios": _ratios(measured, groups), "sizes": _sizes(templates), "loads": loads,
            "copy": {size: statistics.median(s) for size, s in templates.copy_seconds.items()},
            "fill": templates.fill_seconds}


def _ratios(measured: list[Run], groups: dict[tuple[str, str, int], dict[str, Any]]) -> dict[str, Any]:
    ratios: dict[str, Any] = {}
    sizes = sorted({size for _, _, size in groups})
    for size in sizes:
        for floor in ("floor", "minimal"):
            app, other = groups.get(("app", "sqlite", size)), groups.get((floor, "sqlite", size))
            if app and other:
                rounds = sorted({r.round for r in measured})
                ratios[f"{floor} {size}"] = {
                    "median": app["rate"] / other["rate"],
                    "rounds": [_rate(measured, "app", size, n) / _rate(measured, floor, size, n) for n in rounds],
                }
    for target in ("app", "flow"):
        for database in ("sqlite", "postgres"):
            empty, full = groups.get((target, database, 0)), groups.get((target, database, sizes[-1]))
            if empty and full and sizes[-1]:
                ratios[f"scale {target} {database}"] = {
                    "rate": full["rate"] / empty["rate"], "p99": full["p99"] / empty["p99"],
                    "cpu": full["cpu_ms"] / empty["cpu_ms"],
                }
    return ratios


def _rate(measured: list[Run], target: str, size: int, number: int) -> float:
    return next(r.rate for r in measured if (r.target, r.database, r.size, r.round) == (target, "sqlite", size, number))


def _sizes(templates: Templates) -> dict[str, dict[str, float]]:
    result = {}
    for kind in ("app", "minimal", "pg"):
        sizes = sorted(size for k, size in templates.bytes if k == kind)
        if len(sizes) < 2:
            continue
        full = sizes[-1]
        counts = templates.counts[(kind, full)]
        added = templates.bytes[(kind, full)] - templates.bytes[(kind, 0)]
        preloaded = counts["submission"] - templates.counts[(kind, 0)]["submission"]
        result[kind] = {
            "submissions": counts["submission"],
            "answers": (counts["answer"] + counts.get("free_text", 0)) / counts["submission"],
            "bytes": templates.bytes[(kind, full)], "per_submission": added / preloaded,
        }
        if kind == "app":
            result[kind]["tables"] = _table_bytes(templates.app[full])
    return result


def _table_bytes(path: Path) -> dict[str, int]:
    """Return the bytes of each anonymous table (SQLite's dbstat), or nothing when it is missing."""
    try:
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.Error:
        return {}
    return {name: size for name, size in rows if name in ("submission", "answer", "idempotency_key", "free_text")}


def run_line(run: Run) -> str:
    """Return one line for a finished run."""
    cpu = run.cpu
    return (
        f"{run.target:7} {run.database:8} {run.size:>8}  #{run.round}  {run.rate:7.1f}/s  p50 {run.p50_ms:6.1f} ms  "
        f"p99 {run.p99_ms:7.1f} ms  CPU {1000 * cpu['workers'] / run.rate:5.2f} ms (db {1000 * cpu['db'] / run.rate:5.2f})"
        f"  {run.created} stored  cores: workers {cpu['workers']:.2f} db {cpu['db']:.2f} wrk {cpu['wrk']:.2f} "
        f"other {cpu['other']:.2f}"
    )


def describe_machine(work: Path, pg: Any) -> dict[str, str]:
    """Return what the figures depend on: CPU, memory, disk, versions."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "?")
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    df = subprocess.run(["df", "-T", str(work)], capture_output=True, text=True).stdout.splitlines()[-1].split()
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("[")[0].strip()
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "kiosk"], capture_output=True, text=True).stdout.strip()
    versions = {name: importlib.metadata.version(name) for name in ("gunicorn", "flask", "sqlalchemy", "psycopg")}
    return {
        "cpu": f"{os.cpu_count()} × {model}",
        "memory": f"{memory:.0f} GiB",
        "disk": f"{df[1]} on {df[0]}" + (" (tmpfs: fsync is free, use --tmpdir on a disk)" if df[1] == "tmpfs" else ""),
        "os": f"{platform.system()} {platform.release()}",
        "versions": f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
        + (f", PostgreSQL {pg.version()}" if pg else "") + ", "
        + ", ".join(f"{name} {version}" for name, version in versions.items()) + f", {wrk}",
        "code": (head or "(not a git checkout)") + (" with uncommitted changes in kiosk/" if dirty else ""),
        "date": date.today().isoformat(),
    }


def targets(summary: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Return (target, measured, verdict) for each target of issue 8 that this run measured."""
    g, r, sizes = summary["groups"], summary["ratios"], summary["sizes"]
    full = max(size for _, _, size in g)
    rows = []
    for database in ("sqlite", "postgres"):
        scale = r.get(f"scale app {database}")
        if scale:
            rows.append((f"{database}: throughput at {full:,} ≥ 0.8× empty", f"{scale['rate']:.2f}× (worker CPU per request "
                         f"{scale['cpu']:.2f}×)", _met(scale["rate"] >= 0.8)))
            rows.append((f"{database}: p99 at {full:,} ≤ 2× empty", f"{scale['p99']:.2f}×", _met(scale["p99"] <= 2)))
    for size in sorted({s for _, _, s in g}):
        ratio = r.get(f"minimal {size}")
        if ratio:
            rows.append((f"sqlite: throughput ≥ 0.5× the minimal floor ({size:,} stored)", f"{ratio['median']:.2f}×",
                         _met(ratio["median"] >= 0.5)))
    for (target, database, size), group in g.items():
        if target == "flow":
            cpu = group["cpu_ms"] + group["db_ms"]
            rows.append((f"{database}: phone flow ≤ 10 ms server CPU ({size:,} stored)",
                         f"{cpu:.1f} ms"
                         + (f" ({group['cpu_ms']:.1f} app + {group['db_ms']:.1f} PostgreSQL)" if group["db_ms"] else ""),
                         _met(cpu <= 10)))
    for kind, label in (("app", "sqlite"), ("pg", "postgres")):
        if kind in sizes:
            s = sizes[kind]
            rows.append((f"{label}: ≤ 500 bytes per submission", f"{s['per_submission']:.0f} B ({s['answers']:.2f} answers each)",
                         _met(s["per_submission"] <= 500)))
    return rows


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"
