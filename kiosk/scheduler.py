"""The scheduler: one process, `flask --app kiosk scheduler`, that builds and sends digests and does the upkeep.

It is an APScheduler 3 BlockingScheduler in a process of its own; nothing in create_app starts it, so
web workers never run jobs. Jobs coalesce (a backlog of runs is one run), never overlap themselves,
and may start hours late (the 1-second default would silently skip a run after a pause or a restart).
They run one after another on one worker thread, so they never wait on each other's SQLite write lock.
Each runs in an app context with its own session, commits, and logs one line; one that fails is logged
and runs again at its next time, and the others go on.

One scheduler at a time: a lease row in the database (kiosk/lease.py), renewed every minute and before
every job. A second scheduler, started by mistake or on another app server, finds the lease taken, runs
nothing, and takes over within five minutes of the first one's end. The digest and e-mail records keep
their own claims too (a unique (council, period) row, a conditional UPDATE per e-mail), so a double run
would still make one digest and one e-mail per member; the lease also covers what has no claim of its
own, the moderators' notes. Whenever this process takes the lease, at start or on taking over, it runs
every job at once, in order: digests due while no scheduler ran are built and sent then (build_due
builds every period that closed since the council's latest digest).

`flask --app kiosk scheduler --once` takes the lease, runs every job once and exits (for cron or a
systemd timer, and for tests); when another scheduler holds the lease it runs nothing and says so.
The command line's own commands (digest, moderation notify, retention run, cleanup) call the same
functions as the jobs.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.orm import Session

from kiosk import lease
from kiosk.extensions import db
from kiosk.heap import freeze_startup
from kiosk.periods import local_today, period_start

log = logging.getLogger(__name__)
MISFIRE_GRACE = timedelta(hours=6)
LEASE_EVERY = timedelta(minutes=1)
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": int(MISFIRE_GRACE.total_seconds())}


def build_digests(session: Session, *, now: datetime, config: Mapping[str, Any]) -> str:
    """Build every digest that is due, catching up on periods that closed while no scheduler ran."""
    from kiosk.digests.build import build_due

    built = build_due(session, now=now)
    return f"Built {len(built)} digests{': ' if built else '.'}{', '.join(d.period for d in built)}"


def send_digests(session: Session, *, now: datetime, config: Mapping[str, Any]) -> str:
    """Send the digest e-mails that are due, first tries and retries alike."""
    from kiosk.digests.delivery import deliver_due

    return f"Sent {deliver_due(session, now=now, config=config)} digest e-mails."


def notify_moderators(session: Session, *, now: datetime, config: Mapping[str, Any]) -> str:
    """Tell moderators what waits: urgent items at once, the rest once a day (counts only)."""
    from kiosk.moderation.notices import notify_due

    return notify_due(session, now=now, config=config).summary()


def expire_keys(session: Session, *, now: datetime, config: Mapping[str, Any]) -> str:
    """Delete expired idempotency keys."""
    from kiosk.retention import expire_keys as expire

    return f"Removed {expire(session, now=now, config=config)} expired idempotency keys."


def settle_periods(session: Session, *, now: datetime, config: Mapping[str, Any]) -> str:
    """Rewrite the rows of recently closed periods in id order, forgetting arrival order (PostgreSQL only)."""
    from kiosk.storage import settle_closed

    today = local_today(config["TIMEZONE"], now)
    moved = settle_closed(
        session, today=today, unit=config["TIME_BUCKET"], backdate_days=int(config["MAX_BACKDATE_DAYS"])
    )
    return f"Rewrote {moved} submissions of closed periods in id order."


def count_periods(session: Session, *, now: datetime, config: Mapping[str, Any]) -> str:
    """Count again the periods late answers may still reach, and any never counted: trends and digests read these.

    Each part is its own write transaction, so that web workers never wait long for the write lock.
    """
    from kiosk.database import begin_write
    from kiosk.reporting.tallies import count_periods as count
    from kiosk.reporting.tallies import periods_due

    today = local_today(config["TIMEZONE"], now)
    spans = periods_due(session, today, int(config["MAX_BACKDATE_DAYS"]))
    session.commit()  # the read above ends here; each part below takes the write lock up front
    if not spans:
        return "No answers to count."
    open_from = period_start(today, config["TIME_BUCKET"])
    for first, last in spans:
        begin_write(session)
        count(session, first, last, open_from=open_from)
        session.commit()
    days = sum((last - first).days + 1 for first, last in spans)
    return (
        f"Counted the periods from {spans[0][0].isoformat()} to {spans[-1][1].isoformat()} "
        f"({days} days, in {len(spans)} parts)."
    )


def run_retention(session: Session, *, now: datetime, config: Mapping[str, Any]) -> str:
    """Delete what is past its time under the retention policy."""
    from kiosk.retention import run_due

    return run_due(session, now=now, config=config).summary()


@dataclass(frozen=True)
class Job:
    """A job: its name, what it does (returning the line to log), and when it runs."""

    id: str
    run: Callable[..., str]
    trigger: BaseTrigger


def jobs(timezone: str) -> list[Job]:
    """Return the jobs in the order a catch-up or --once runs them: build before sending."""
    return [
        Job("build-digests", build_digests, IntervalTrigger(minutes=2, timezone=timezone)),
        Job("send-digests", send_digests, IntervalTrigger(minutes=1, timezone=timezone)),
        Job("notify-moderators", notify_moderators, IntervalTrigger(minutes=5, timezone=timezone)),
        Job("expire-keys", expire_keys, IntervalTrigger(hours=1, timezone=timezone)),
        # At night, after the backup (deploy/systemd/siifra-backup.timer, 03:15).
        Job("settle-periods", settle_periods, CronTrigger(hour=3, minute=30, timezone=timezone)),
        Job("count-periods", count_periods, CronTrigger(hour=3, minute=45, timezone=timezone)),
        Job("retention", run_retention, CronTrigger(hour=4, minute=0, timezone=timezone)),
    ]


class Runner:
    """Runs jobs for one app under this process's lease."""

    def __init__(self, app: Flask, holder: str | None = None) -> None:
        self.app = app
        self.holder = holder or lease.new_holder()
        self.held: bool | None = None

    def take_lease(self) -> lease.Holding:
        """Take or renew the lease, logging when this process gets it or finds another holding it."""
        with self.app.app_context():
            holding = lease.take(db.session, self.holder, now=datetime.now(UTC))
        if holding.held and self.held is not True:
            log.info("Scheduler %s holds the lease and runs the jobs.", self.holder)
        elif not holding.held and self.held is not False:
            log.info(
                "Another scheduler (%s) holds the lease until %s UTC; this one (%s) runs nothing and waits.",
                holding.holder,
                holding.expires_at.isoformat(sep=" ", timespec="seconds") if holding.expires_at else "-",
                self.holder,
            )
        self.held = holding.held
        return holding

    def release_lease(self) -> None:
        """Give the lease back so that another scheduler can start at once."""
        with self.app.app_context():
            if lease.release(db.session, self.holder, now=datetime.now(UTC)):
                log.info("Scheduler %s gave the lease back.", self.holder)
        self.held = False

    def run(self, job: Job) -> bool:
        """Run one job in an app context of its own if this process holds the lease; False if it did not run."""
        with self.app.app_context():
            now = datetime.now(UTC)
            try:
                if not lease.take(db.session, self.holder, now=now).held:
                    log.debug("%s: another scheduler holds the lease; not run.", job.id)
                    return False
                line = job.run(db.session, now=now, config=self.app.config)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("%s failed; the other jobs go on, and this one runs again at its next time.", job.id)
                return False
        log.info("%s: %s", job.id, line)
        return True


def run_once(app: Flask) -> bool:
    """Run every job once under the lease and give it back; False when another scheduler holds it."""
    runner = Runner(app)
    if not runner.take_lease().held:
        return False
    try:
        for job in jobs(app.config["TIMEZONE"]):
            runner.run(job)
    finally:
        runner.release_lease()
    return True


def make_scheduler(runner: Runner) -> BlockingScheduler:
    """Return the scheduler with every job and the lease's renewal, which runs first, at start."""
    timezone = runner.app.config["TIMEZONE"]
    scheduler = BlockingScheduler(
        executors={"default": ThreadPoolExecutor(1), "lease": ThreadPoolExecutor(1)},
        job_defaults=JOB_DEFAULTS,
        timezone=timezone,
    )
    for job in jobs(timezone):
        scheduler.add_job(runner.run, job.trigger, args=[job], id=job.id, name=job.id)
    scheduler.add_job(
        _keep_lease,
        IntervalTrigger(seconds=LEASE_EVERY.total_seconds(), timezone=timezone),
        args=[runner, scheduler],
        id="lease",
        name="lease",
        executor="lease",
        next_run_time=datetime.now(UTC),
    )
    return scheduler


def _keep_lease(runner: Runner, scheduler: BlockingScheduler) -> None:
    """Renew the lease; on taking it (at start, or from a scheduler that stopped), run every job now."""
    had = runner.held
    try:
        held = runner.take_lease().held
    except Exception:
        log.exception("Could not renew the scheduler lease; trying again in a minute.")
        return
    if held and not had:
        now = datetime.now(UTC)
        # A microsecond apart, so the one worker thread runs them in jobs()' order: build before sending.
        for offset, job in enumerate(jobs(runner.app.config["TIMEZONE"])):
            scheduler.modify_job(job.id, next_run_time=now + timedelta(microseconds=offset))


def serve(app: Flask) -> None:
    """Run the scheduler until SIGTERM or Ctrl-C, then let a running job finish and give the lease back."""
    runner = Runner(app)
    scheduler = make_scheduler(runner)
    freeze_startup()  # it runs for weeks: full collections skip what start-up made (kiosk/heap.py)
    signal.signal(signal.SIGTERM, _stop)
    log.info("Scheduler %s starting (time zone %s).", runner.holder, app.config["TIMEZONE"])
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        runner.release_lease()
        log.info("Scheduler %s stopped.", runner.holder)


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)
