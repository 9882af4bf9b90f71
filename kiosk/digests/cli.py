"""flask --app kiosk digest list | show | build | pdf: council digests from the command line.

`digest build` calls the same build() as the scheduler and the staff page: building a council's period
again changes nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from kiosk.digests import exports, render
from kiosk.digests.build import build
from kiosk.digests.periods import parse_period
from kiosk.extensions import db
from kiosk.models import Council, Digest, DigestStatus
from kiosk.periods import local_today

digest_cli = AppGroup("digest", help="Council digests: list, show, build, print.")


def _now() -> datetime:
    return datetime.now(UTC)


def _ready(digest_id: int) -> Digest:
    digest = db.session.get(Digest, digest_id)
    if digest is None or digest.status is not DigestStatus.READY:
        raise click.ClickException(f"No built digest {digest_id}; see: flask --app kiosk digest list")
    return digest


@digest_cli.command("list")
@click.option("--council", "council_id", type=int, help="Only this council's digests.")
def list_command(council_id: int | None) -> None:
    """List digests, newest first: id, council, period, status, answers."""
    query = select(Digest).order_by(Digest.first_day.desc(), Digest.id.desc())
    if council_id is not None:
        query = query.where(Digest.council_id == council_id)
    for digest in db.session.scalars(query):
        total = (digest.snapshot or {}).get("total")
        answers = "-" if total is None else str(total)
        click.echo(f"{digest.id}\t{digest.council.name}\t{digest.period}\t{digest.status.value}\t{answers}")


@digest_cli.command("show")
@click.argument("digest_id", type=int)
@click.option("--format", "form", type=click.Choice(["text", "html", "json"]), default="text", show_default=True)
def show_command(digest_id: int, form: str) -> None:
    """Print a digest as text, as HTML (the e-mail's, which needs nothing else) or as JSON (as shown)."""
    digest = _ready(digest_id)
    if form == "json":
        click.echo(json.dumps(exports.digest_json(digest), ensure_ascii=False, indent=2))
    elif form == "html":
        click.echo(render.render_html(digest, mode="email"))
    else:
        click.echo(render.render_text(digest))


@digest_cli.command("build")
@click.argument("council_id", type=int)
@click.argument("period_label", metavar="PERIOD")
def build_command(council_id: int, period_label: str) -> None:
    """Build a council's digest for a period that is over, written 2026-W48 (a week) or 2026-11 (a month)."""
    council = db.session.get(Council, council_id)
    if council is None:
        raise click.ClickException(f"No council {council_id}; see: flask --app kiosk council list")
    try:
        period = parse_period(period_label)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    now = _now()
    if period.last_day >= local_today(current_app.config["TIMEZONE"], now):
        raise click.ClickException(
            f"{period.label} is not over until {period.last_day.isoformat()} has passed: "
            "a digest is built only for a period that is over."
        )
    result = build(db.session, council, period, now=now)
    db.session.commit()
    digest = result.digest
    if digest is None:
        click.echo(f"{council.name} {period.label}: another process is building it now.")
    elif digest.status is DigestStatus.WAITING:
        click.echo(f"{council.name} {period.label}: too few answers, carried into the next digest.")
    elif not result.new:
        click.echo(f"{digest.id}\t{council.name} {digest.period}: already built; nothing changed.")
    else:
        queued = len(digest.deliveries)
        click.echo(
            f"{digest.id}\t{council.name} {digest.period}: built, {(digest.snapshot or {}).get('total')} answers, "
            f"{queued} e-mail{'s' if queued != 1 else ''} queued."
        )


@digest_cli.command("pdf")
@click.argument("digest_id", type=int)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write."
)
def pdf_command(digest_id: int, output: Path) -> None:
    """Write a digest as a print-ready A4 PDF."""
    digest = _ready(digest_id)
    data = render.render_pdf(digest)
    output.write_bytes(data)
    click.echo(f"Wrote {output} ({len(data)} bytes).")
