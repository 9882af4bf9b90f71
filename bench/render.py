"""bench/submissions.py's results as text for the terminal and as the results block of docs/benchmarks.md."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from report import LABELS, OTHER_CPU_WARNING, targets

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"


def _rows(summary: dict[str, Any]) -> list[list[str]]:
    rows = []
    for (target, database, size), g in summary["groups"].items():
        unit = "flows/s" if target == "flow" else "/s"
        db = f" + {g['db_ms']:.2f} db" if g["db_ms"] else ""
        rows.append([
            LABELS[target], database, f"{size:,}", f"**{g['rate']:.0f}** {unit}", f"{g['p50']:.1f} ms", f"{g['p99']:.1f} ms",
            f"{g['cpu_ms']:.2f} ms{db}", ", ".join(f"{rate:.0f}" for rate in g["rates"]), f"{g['other']:.2f}",
        ])
    return rows


def _ratio_lines(summary: dict[str, Any]) -> list[str]:
    lines = []
    for key, ratio in summary["ratios"].items():
        if key.startswith("scale"):
            _, target, database = key.split()
            lines.append(f"{LABELS[target]} on {database}, at the full size / empty: throughput {ratio['rate']:.2f}×, "
                         f"p99 {ratio['p99']:.2f}×, worker CPU per request {ratio['cpu']:.2f}×")
        else:
            floor, size = key.split()
            rounds = ", ".join(f"{value:.2f}" for value in ratio["rounds"])
            lines.append(f"kiosk / {LABELS[floor]} at {int(size):,} stored: **{ratio['median']:.2f}×** (each round: {rounds})")
    return lines


def _size_lines(summary: dict[str, Any]) -> list[str]:
    lines = []
    names = {"app": "kiosk on SQLite", "minimal": "the minimal floor on SQLite", "pg": "kiosk on PostgreSQL"}
    for kind, s in summary["sizes"].items():
        tables = ", ".join(f"{name} {size / 2**20:.0f} MiB" for name, size in s.get("tables", {}).items())
        lines.append(
            f"{names[kind]}: {s['bytes'] / 2**30:.2f} GiB at {s['submissions']:,} submissions "
            f"({s['answers']:.2f} answers each): **{s['per_submission']:.0f} bytes per submission**"
            + (f" ({tables})" if tables else "")
        )
    for size, seconds in summary["copy"].items():
        if size:
            lines.append(f"copying the SQLite template of {size:,} submissions for a run took {seconds:.1f} s (median)")
    for what, seconds in summary["fill"].items():
        if not what.endswith(" 0"):
            lines.append(f"preloading {what}: {seconds:.0f} s")
    return lines


def render_text(summary: dict[str, Any], machine: dict[str, str], args: argparse.Namespace) -> str:
    """Return the results for the terminal."""
    loads = summary["loads"]
    lines = [f"Medians of {args.repeats} rounds of {args.seconds:g} s, {args.connections} connections; "
             f"load average {min(loads):.1f}–{max(loads):.1f} on {machine['cpu']}:"]
    for row in _rows(summary):
        lines.append("  " + " | ".join(cell.replace("**", "") for cell in row))
    lines += ["  " + line.replace("**", "") for line in _ratio_lines(summary) + _size_lines(summary)]
    lines.append("Targets:")
    lines += [f"  {target}: {measured} — {verdict.replace('**', '')}" for target, measured, verdict in targets(summary)]
    busy = max(g["other"] for g in summary["groups"].values())
    if busy > OTHER_CPU_WARNING:
        lines.append(f"warning: other processes used up to {busy:.2f} cores during the runs; the figures are noisy")
    return "\n".join(lines)


def render_markdown(summary: dict[str, Any], machine: dict[str, str], args: argparse.Namespace) -> str:
    """Return the results block of docs/benchmarks.md."""
    loads = summary["loads"]
    busy = max(g["other"] for g in summary["groups"].values())
    table = [
        "| target | database | stored before | rate (median) | p50 | p99 | worker CPU per request | each round | other cores |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|",
        *("| " + " | ".join(row) + " |" for row in _rows(summary)),
    ]
    return "\n".join([
        f"Measured on {machine['date']}, code at {machine['code']}.",
        "",
        f"- CPU: {machine['cpu']}; memory: {machine['memory']}",
        f"- Disk: {machine['disk']}; {machine['os']}",
        f"- {machine['versions']}",
        f"- {args.repeats} rounds, each target once a round (order reversed every other round), "
        f"{args.seconds:g} s after a {args.warmup:g} s warm-up, on a fresh copy of the template; {args.connections} connections",
        f"- Load average {min(loads):.1f}–{max(loads):.1f} during the runs (2 cores); other processes used up to "
        f"{busy:.2f} cores while measuring"
        + (" — **other work shared the machine, the figures are noisy**" if busy > OTHER_CPU_WARNING else ""),
        "",
        *table,
        "",
        *(f"- {line}" for line in _ratio_lines(summary) + _size_lines(summary)),
        "",
        "| target (issue 8) | measured | |",
        "|---|---|---|",
        *(f"| {t} | {m} | {v} |" for t, m, v in targets(summary)),
        "",
        "Every run was checked: the database gained one submission, one idempotency key and 7 answers per "
        "201 (per redirect, for flows); kiosk and the same-schema floor wrote rows of the same shape with the "
        "same body hashes and ids that start with the day, and the preload's rows look like kiosk's.",
    ])


def write_markdown(
    section: str, *, doc: Path = DOC, start: str = START, end: str = END, heading: str = "Results"
) -> None:
    """Replace a results block (between its start and end markers) of docs/benchmarks.md, or append one."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    block = f"{start}\n{section}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")
