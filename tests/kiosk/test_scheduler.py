"""The scheduler: one process, under a lease; catches up on start; a failing job stops no other; never in web workers.

Periods are relative to the real clock: the scheduler processes read it, as they do in service.
"""
from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import func, select

from kiosk import scheduler
from kiosk.digests.periods import Period, week_of
from kiosk.models import (
    Council, DeliveryStatus, Digest, DigestDelivery, DigestStatus, IdempotencyKey, Location, Role, SchedulerLease, User,
)
from kiosk.models.types import db_time
from tests.conftest import _make_app
from tests.kiosk.helpers import questions_by_kind

ROOT = Path(__file__).resolve().parents[2]
OSLO = ZoneInfo("Europe/Oslo")


def closed_weeks(count: int) -> list[Period]:
    """Return the last count ISO weeks that have closed, oldest first."""
    this_week = week_of(datetime.now(OSLO).date())
    return [week_of(this_week.first_day - timedelta(days=7 * n)) for n in range(count, 0, -1)]


@pytest.fixture
def council(session, make_link, client):
    """A weekly council (due Monday 00:00) that started two weeks ago, with six ratings in each week and two members."""
    weeks = closed_weeks(2)
    link = make_link(location_name="Fyrlykta")
    item = Council(name="Brukerrådet sentrum", created_at=datetime.combine(weeks[0].first_day, datetime.min.time()), k=5,
                   language="nb", cadence="weekly", send="mon 00:00", locations=[session.get(Location, link.location_id)])
    session.add(item)
    session.flush()
    for name in ("Kari", "Ola"):
        session.add(User(email=f"{name.lower()}@example.no", name=name, role=Role.COUNCIL, council_id=item.id,
                         password_hash="-", created_at=db_time(datetime.now(UTC))))
    session.commit()
    item.link = link
    item.weeks = weeks
    item.form = client.get(f"/api/v1/links/{link.code}").get_json()
    return item


@pytest.fixture
def rated(council, make_submission):
    """Six ratings in each of the council's two closed weeks."""
    q = questions_by_kind(council.form)
    for week in council.weeks:
        moment = datetime.combine(week.first_day + timedelta(days=2), datetime.min.time(), tzinfo=UTC) + timedelta(hours=11)
        for n in range(6):
            make_submission(council.link, {q["smiley"]["id"]: 4, q["yes_no"]["id"]: True}, now=moment)
    return council


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def digests(session) -> list[Digest]:
    session.rollback()
    return list(session.scalars(select(Digest).order_by(Digest.first_day)))


def deliveries(session) -> list[DigestDelivery]:
    session.rollback()
    return list(session.scalars(select(DigestDelivery).order_by(DigestDelivery.id)))


def test_once_catches_up_on_every_closed_week_and_emails_each_member(app, runner, session, rated, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    result = runner.invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    built = digests(session)
    assert [d.period for d in built] == [w.label for w in rated.weeks]
    assert all(d.status is DigestStatus.READY and d.snapshot["total"] == 6 for d in built)
    assert {d.status for d in deliveries(session)} == {DeliveryStatus.SENT}
    received = sorted((m["To"], m["Subject"]) for m in smtp_server.messages)
    assert received == sorted(
        (f"{name}@example.no", f"Si ifra: sammendrag for Brukerrådet sentrum, {w.label}") for name in ("kari", "ola") for w in rated.weeks
    )
    # Run again: nothing new is built or sent, and the lease is free for the next run.
    assert runner.invoke(args=["scheduler", "--once"]).exit_code == 0
    assert len(digests(session)) == 2 and len(smtp_server.messages) == 4
    assert session.get(SchedulerLease, "scheduler", populate_existing=True).holder is None


def _environment(app, tmp_path: Path, mail_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "SIIFRA_INSTANCE_PATH": str(tmp_path / "scheduler-instance"),
        "SIIFRA_SECRET_KEY": app.config["SECRET_KEY"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SIIFRA_MAIL_SERVER": "127.0.0.1",
        "SIIFRA_MAIL_PORT": str(mail_port),
        "SIIFRA_BASE_URL": app.config["BASE_URL"],
    }


def _scheduler(env: dict[str, str], *extra: str, log: Path | None = None) -> subprocess.Popen:
    output = open(log, "w") if log else subprocess.PIPE  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "kiosk", "scheduler", *extra], cwd=ROOT, env=env,
                            stdout=output, stderr=subprocess.STDOUT, text=True)


def test_two_scheduler_processes_make_one_digest_and_one_email_per_member(app, session, rated, smtp_server, tmp_path):
    env = _environment(app, tmp_path, smtp_server.port)
    first, second = _scheduler(env, "--once"), _scheduler(env, "--once")
    outputs = [process.communicate(timeout=60)[0] for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert len(digests(session)) == 2, outputs
    assert len(smtp_server.messages) == 4
    assert sorted(m["To"] for m in smtp_server.messages) == ["kari@example.no"] * 2 + ["ola@example.no"] * 2
    assert len({(m["To"], m["Subject"]) for m in smtp_server.messages}) == 4
    assert sum("build-digests: Built 2 digests" in out for out in outputs) == 1, outputs


def _wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_running_schedulers_catch_up_at_start_and_only_one_runs_jobs(app, session, rated, smtp_server, tmp_path):
    env = _environment(app, tmp_path, smtp_server.port)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    processes = [_scheduler(env, log=path) for path in logs]
    try:
        _wait_for(lambda: len(smtp_server.messages) == 4 and any("Another scheduler" in p.read_text() for p in logs))
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        assert [process.wait(30) for process in processes] == [0, 0]
    texts = [path.read_text() for path in logs]
    running = [text for text in texts if "build-digests: Built 2 digests" in text]
    (waiting,) = [text for text in texts if "Another scheduler" in text]
    assert len(running) == 1 and "send-digests: Sent 4 digest e-mails." in running[0] and "gave the lease back" in running[0]
    assert "build-digests" not in waiting and "send-digests" not in waiting
    assert len(digests(session)) == 2 and len(smtp_server.messages) == 4


def test_a_mail_server_that_is_down_leaves_emails_queued_and_the_other_jobs_run(
    app, runner, session, rated, make_submission, make_text, caplog
):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    session.add(User(email="moderator@example.no", name="Mona", role=Role.MODERATOR, password_hash="-",
                     created_at=db_time(datetime.now(UTC))))
    session.commit()
    make_text(rated.link, "Jeg vil ikke leve lenger", now=datetime.now(UTC))  # urgent: the moderators' note fails too
    q = questions_by_kind(rated.form)
    old = make_submission(rated.link, {q["smiley"]["id"]: 3}, now=datetime.now(UTC) - timedelta(days=20))
    caplog.set_level(logging.INFO, logger="kiosk")
    before = datetime.now(UTC)
    assert runner.invoke(args=["scheduler", "--once"]).exit_code == 0
    assert [d.status for d in digests(session)] == [DigestStatus.READY] * 2
    queued = deliveries(session)
    assert len(queued) == 4
    for delivery in queued:
        assert delivery.status is DeliveryStatus.QUEUED and delivery.attempts == 1 and "Connection" in delivery.last_error
        assert delivery.next_attempt_at >= db_time(before + timedelta(minutes=1))  # the first backoff
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.scheduler"]
    assert any(line.startswith("notify-moderators failed") for line in lines)
    assert any(line.startswith("expire-keys: Removed ") for line in lines)
    assert any(line.startswith("count-periods: Counted the periods") for line in lines)
    assert any(line.startswith("settle-periods: Rewrote") for line in lines)
    assert any(line.startswith("retention: Removed") for line in lines)
    assert session.scalar(select(func.count()).select_from(IdempotencyKey).where(IdempotencyKey.submission_id == old)) == 0


def test_the_scheduler_coalesces_never_overlaps_and_runs_hours_late(app):
    runner = scheduler.Runner(app)
    real = scheduler.make_scheduler(runner)
    started = threading.Thread(target=real.start, kwargs={"paused": True}, daemon=True)
    started.start()
    _wait_for(lambda: real.running, timeout=5)
    try:
        jobs = {job.id: job for job in real.get_jobs()}
        assert set(jobs) == {
            "lease", "build-digests", "send-digests", "notify-moderators", "expire-keys", "settle-periods", "count-periods",
            "retention",
        }
        for job in jobs.values():
            assert job.coalesce is True and job.max_instances == 1
            assert job.misfire_grace_time >= 6 * 3600
        assert str(real.timezone) == "Europe/Oslo" == app.config["TIMEZONE"]
        assert str(jobs["retention"].trigger.timezone) == "Europe/Oslo"
        assert jobs["send-digests"].trigger.interval <= timedelta(minutes=2)
    finally:
        real.shutdown(wait=False)
        started.join(5)


def test_a_second_holder_cannot_take_a_lease_until_it_lapses(app):
    from kiosk import lease
    from kiosk.extensions import db

    now = datetime.now(UTC)
    with app.app_context():
        assert lease.take(db.session, "one", now=now).held
        other = lease.take(db.session, "two", now=now + timedelta(minutes=1))
        assert not other.held and other.holder == "one"
        assert lease.take(db.session, "one", now=now + timedelta(minutes=2)).held  # renewed
        assert lease.take(db.session, "two", now=now + lease.TTL + timedelta(minutes=3)).held  # lapsed: taken over
        assert not lease.release(db.session, "one", now=now) and lease.release(db.session, "two", now=now)


def test_web_workers_never_start_a_scheduler(database_url, tmp_path):
    def schedulers() -> set[int]:
        return {id(o) for o in gc.get_objects() if isinstance(o, BaseScheduler)}

    threads, before = {thread.name for thread in threading.enumerate()}, schedulers()
    web = _make_app(database_url, tmp_path / "web")
    assert web.test_client().get("/kiosk/").status_code in (200, 302)
    assert {thread.name for thread in threading.enumerate()} == threads
    assert schedulers() <= before
