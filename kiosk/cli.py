"""Command-line commands: flask --app kiosk demo | links | cleanup | scheduler, and the groups of each part (digest, text, ...)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import Form, Location, ShortLink
from kiosk.urls import link_url


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(demo_command)
    app.cli.add_command(links_command)
    app.cli.add_command(cleanup_command)
    app.cli.add_command(scheduler_command)
    from kiosk.digests.cli import digest_cli
    from kiosk.moderation.cli import moderation_cli, retention_cli, text_cli
    from kiosk.tablet.cli import device_cli

    for group in (device_cli, text_cli, moderation_cli, retention_cli, digest_cli):
        app.cli.add_command(group)


@click.command("demo")
@click.option(
    "--history/--no-history",
    default=True,
    help="Also answers over the last six weeks, moderated, and the council's digests of them (only where nothing "
    "has been answered yet).",
)
@with_appcontext
def demo_command(history: bool) -> None:
    """Load demo locations, forms and short links, and a few weeks of answers with the council's digests."""
    from kiosk.database import commit_and_begin_write
    from kiosk.demo import load_demo
    from kiosk.demo_history import WEEKS, has_history, load_history
    from kiosk.digests.build import build_due
    from kiosk.submissions import Rules

    now = datetime.now(UTC)
    locations = load_demo(db.session, now=now)
    db.session.commit()
    click.echo(f"Demo data ready: {len(locations)} locations. See them with: flask --app kiosk links")
    if not history or has_history(db.session):
        db.session.rollback()
        return
    commit_and_begin_write(db.session)
    config = current_app.config
    made = load_history(db.session, now=now, rules=Rules.from_config(config), timezone=config["TIMEZONE"])
    db.session.commit()
    built = build_due(db.session, now=now)
    db.session.commit()
    click.echo(f"{made} answers over the last {WEEKS} weeks, and {len(built)} digests for the user council.")


@click.command("links")
@with_appcontext
def links_command() -> None:
    """Print one line per active short link: URL, location, form."""
    rows = db.session.execute(
        select(ShortLink.code, Location.name, Form.name)
        .join(Location, Location.id == ShortLink.location_id)
        .join(Form, Form.id == ShortLink.form_id)
        .where(ShortLink.retired_at.is_(None), Form.retired_at.is_(None), Location.retired_at.is_(None))
        .order_by(Location.name, Form.name)
    )
    for code, location, form in rows:
        click.echo(f"{link_url(code)}  {location}  {form}")


@click.command("cleanup")
@with_appcontext
def cleanup_command() -> None:
    """Delete expired idempotency keys (the scheduler runs this every hour)."""
    from kiosk.retention import expire_keys

    removed = expire_keys(db.session, now=datetime.now(UTC), config=current_app.config)
    db.session.commit()
    click.echo(f"Removed {removed} expired idempotency keys.")


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron or a systemd timer).")
@with_appcontext
def scheduler_command(once: bool) -> None:
    """Run the scheduler: digests, their e-mails, moderators' notes, retention. Start exactly one."""
    from kiosk import scheduler

    logging.getLogger("kiosk").setLevel(logging.INFO)
    # APScheduler logs every start and end of every job; the scheduler's own line per job says what it did.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not once:
        scheduler.serve(app)
    elif not scheduler.run_once(app):
        click.echo("Another scheduler holds the lease and runs the jobs; nothing was run.")
