"""flask --app kiosk text scrub | moderation notify | retention run."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from kiosk.extensions import db
from kiosk.models import Location
from kiosk.moderation.deidentify import scrub
from kiosk.moderation.notices import notify_due
from kiosk.moderation.words import local_words

text_cli = AppGroup("text", help="Free text: try the de-identification.")
moderation_cli = AppGroup("moderation", help="The moderation queue.")
retention_cli = AppGroup("retention", help="Delete what is past its time.")


def _today() -> datetime:
    return datetime.now(UTC)


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
    sent = notify_due(db.session, now=_today(), config=current_app.config)
    db.session.commit()
    click.echo(sent.summary())


@retention_cli.command("run")
def retention_command() -> None:
    """Delete expired idempotency keys, originals past their days, and periods past their months."""
    from kiosk.retention import run_due

    report = run_due(db.session, now=_today(), config=current_app.config)
    db.session.commit()
    click.echo(report.summary())
