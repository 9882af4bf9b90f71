"""flask --app kiosk text scrub | moderation notify | retention run."""
from __future__ import annotations

import sys
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import AppGroup

from kiosk.extensions import db
from kiosk.models import Location
from kiosk.moderation.deidentify import scrub
from kiosk.moderation.notices import notify
from kiosk.moderation.words import local_words
from kiosk.periods import local_today

text_cli = AppGroup("text", help="Free text: try the de-identification.")
moderation_cli = AppGroup("moderation", help="The moderation queue.")
retention_cli = AppGroup("retention", help="Delete what is past its time.")


def _today() -> datetime:
    return datetime.now(timezone.utc)


@text_cli.command("scrub")
@click.option("--location", "location_id", type=int, help="Also redact this location's local words.")
def scrub_command(location_id: int | None) -> None:
    """Read text on standard input and print it de-identified, one line per line."""
    words: list[str] = []
    if location_id is not None:
        if db.session.get(Location, location_id) is None:
            raise click.ClickException(f"No location {location_id}.")
        words = local_words(db.session, location_id)
    for line in sys.stdin:
        click.echo(scrub(line.rstrip("\n"), words).text)


@moderation_cli.command("notify")
def notify_command() -> None:
    """E-mail moderators what is due: urgent items at once, waiting items once a day (counts only)."""
    today = local_today(current_app.config["TIMEZONE"], _today())
    sent = notify(db.session, today=today, config=current_app.config)
    db.session.commit()
    click.echo(f"Urgent notes: {sent.urgent}, reminders: {sent.reminders}.")


@retention_cli.command("run")
def retention_command() -> None:
    """Delete expired idempotency keys, originals past their days, and periods past their months."""
    from kiosk.retention import policy, run

    today = local_today(current_app.config["TIMEZONE"], _today())
    rules = policy(db.session, current_app.config)
    report = run(db.session, today=today, rules=rules)
    db.session.commit()
    click.echo(
        f"Removed {report.keys} expired idempotency keys, {report.originals} originals, and "
        f"{report.submissions} submissions from periods before {report.cutoff.isoformat()} "
        f"(kept: {rules.months} months; originals at most {rules.original_days} days)."
    )
