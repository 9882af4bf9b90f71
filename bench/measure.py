"""One measured run for bench/submissions.py, and the checks that every stored row was promised."""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

import serving
from pgcluster import Cluster
from runs import APPS, ROWS, Run, Templates, count_pg, count_rows

HERE = Path(__file__).resolve().parent
SCRIPTS = {"api": HERE / "submissions.lua", "flow": HERE / "flow.lua"}


def measure(
    target: str, database: str, size: int, templates: Templates, pg: Cluster | None,
    data: Path, args: argparse.Namespace, number: int,
) -> Run:
    """Serve target on a fresh copy of the template of size, warm it up, measure it and check the rows.

    target is "app", "floor" or "minimal" for the API, or "flow" for the phone's whole visit to kiosk.
    """
    work = templates.work
    tag = f"{target}-{database}-{size}-{number}"
    kind = "flow" if target == "flow" else "api"
    if database == "sqlite":
        template = templates.minimal[size] if target == "minimal" else templates.app[size]
        path = work / f"{tag}.sqlite3"
        started = time.monotonic()
        shutil.copyfile(template, path)
        templates.copy_seconds.setdefault(size, []).append(time.monotonic() - started)
        env = serving.environment(work, DATABASE_URL=f"sqlite:///{path}", SIIFRA_FLOOR_DATABASE=str(path))
        before = templates.counts[("minimal" if target == "minimal" else "app", size)]
    else:
        assert pg is not None
        name = f"run_{target}_{size}"
        pg.copy(templates.pg[size], name)
        env = serving.environment(work, DATABASE_URL=pg.url(name))
        before = templates.counts[("pg", size)]
    url_path = "/api/v1/submissions" if kind == "api" else ""
    log = work / f"{tag}.log"
    try:
        with serving.serve(APPS["app" if kind == "flow" else target], env, log) as (url, workers):
            warm = serving.drive(url + url_path, SCRIPTS[kind], [str(data)], args.warmup, args.connections)
            backends = serving.children(pg.postmaster) if database == "postgres" and pg else []
            result = serving.drive(url + url_path, SCRIPTS[kind], [str(data)], args.seconds, args.connections,
                                   workers, backends)
    except RuntimeError as error:
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        raise RuntimeError(f"{tag}: {error}\nEnd of gunicorn's log:\n" + "\n".join(lines[-25:])) from None
    stored = sum(r["posted" if kind == "flow" else "created"] for r in (warm, result))
    schema = "minimal" if target == "minimal" else "app"
    after = count_rows(path, schema) if database == "sqlite" else count_pg(pg, name)  # type: ignore[union-attr]
    added = {table: after[table] - before[table] for table in ROWS[schema]}
    expected = {table: stored * rows for table, rows in ROWS[schema].items()}
    if added != expected:
        raise RuntimeError(f"{tag}: stored {added}, expected {expected} from the responses")
    if database == "postgres":
        pg.drop(name)  # type: ignore[union-attr]
    elif size or number > 1 or kind == "flow":
        path.unlink()  # the first empty run of each target is kept for check_same_rows
    log.unlink()
    return Run(target, database, size, result["created"] / result["seconds"], result["p50_ms"], result["p99_ms"],
               stored, result["cpu"], number)


# What each row must look like. The id's first 4 bytes are the day (days since 1970), its 13th hex
# digit the UUID version (8) and its 17th the variant (8, 9, A or B); hashes come from the same bodies.
SHAPES = {
    "submission": "typeof(id), length(id), substr(hex(id), 13, 1), substr(hex(id), 17, 1) IN ('8', '9', 'A', 'B'), "
    "form_version_id, location_id, channel, typeof(period), length(period), period_unit, typeof(device_id), burst",
    "answer": "length(submission_id), position, question_id, typeof(number), typeof(option_id)",
    "free_text": "length(id), substr(id, 1, 4) = substr(submission_id, 1, 4), length(submission_id), question_id, "
    "typeof(text), redactions, typeof(sealed), substr(sealed, 1, 4), status, hide_reason, urgent, alerted, quote, "
    "typeof(moderated_on)",
    "idempotency_key": "length(key), length(body_hash), length(submission_id), typeof(created_on), length(created_on)",
}
HASHES = "SELECT body_hash FROM idempotency_key"
TEXTS = "SELECT DISTINCT text FROM free_text"


def check_same_rows(work: Path, templates: Templates, today: date) -> None:
    """Check that kiosk, the floor and the preload wrote rows of the same shape, with the ids of today.

    kiosk and the same-schema floor must write the same shapes, body hashes and texts (kiosk's
    de-identification finds nothing in the benchmark's texts, and the floor does not look); what the
    preload wrote for a phone (channel "qr", no tablet) must look like what kiosk wrote.
    """
    from kiosk.ids import id_range

    low, high = (u.bytes for u in id_range(today, today))
    shapes = {}
    for target in ("app", "floor"):
        with contextlib.closing(sqlite3.connect(work / f"{target}-sqlite-0-1.sqlite3")) as conn:
            outside = conn.execute("SELECT count(*) FROM submission WHERE id < ? OR id >= ?", (low, high)).fetchone()[0]
            if outside:
                raise RuntimeError(f"{target} wrote {outside} submissions whose ids do not start with today")
            shapes[target] = {t: set(conn.execute(f"SELECT DISTINCT {c} FROM {t}")) for t, c in SHAPES.items()}
            shapes[target]["hashes"] = set(conn.execute(HASHES))
            shapes[target]["texts"] = set(conn.execute(TEXTS))
    for table, rows in shapes["app"].items():
        if rows != shapes["floor"][table]:
            raise RuntimeError(f"kiosk and the floor wrote different {table} rows: {sorted(rows ^ shapes['floor'][table])[:4]}")
    size = max(templates.app)
    if size:
        _check_preloaded(templates.app[size], shapes["app"], today)


def _check_preloaded(template: Path, written: dict[str, set], today: date) -> None:
    from kiosk.ids import id_range

    low, high = (u.bytes for u in id_range(today - timedelta(days=27), today))
    phone = "channel = 'qr'"
    where = {
        "submission": f"id >= :low AND id < :high AND {phone}",
        "answer": f"submission_id IN (SELECT id FROM submission WHERE id >= :low AND id < :high AND {phone})",
        "idempotency_key": f"submission_id IN (SELECT id FROM submission WHERE id >= :low AND id < :high AND {phone})",
        "free_text": f"submission_id IN (SELECT id FROM submission WHERE id >= :low AND id < :high AND {phone})",
    }
    with contextlib.closing(sqlite3.connect(template)) as conn:
        for table, columns in SHAPES.items():
            preloaded = set(conn.execute(f"SELECT DISTINCT {columns} FROM {table} WHERE {where[table]}",
                                         {"low": low, "high": high}))
            missing = written[table] - preloaded
            if missing:
                raise RuntimeError(f"the preload wrote no {table} rows like kiosk's {sorted(missing)[:3]}")
