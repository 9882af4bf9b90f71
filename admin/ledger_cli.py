"""flask --app kiosk ledger add | list: "Dette har vi gjort" from the command line, for scripted set-ups.

The same checks as the staff page (kiosk/ledger.py), and the same line in the audit log.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from admin.audit import record
from kiosk import ledger
from kiosk.extensions import db
from kiosk.models import LedgerStatus
from kiosk.models.types import pick
from kiosk.periods import local_today

ledger_cli = AppGroup("ledger", help='"Dette har vi gjort": what was heard and what was done about it.')

STATUSES = [s.value.replace("_", "-") for s in LedgerStatus]
# What each check in kiosk/ledger.py means, for someone at a terminal.
PROBLEMS = {
    "heard": "--heard is needed: what was heard, in Bokmål.",
    "done": "--done is needed when the status is gjort: what was done.",
    "reason": "--reason is needed when the status is ikke-mulig: why, in plain words.",
    "locations": "--location must name existing locations; see: flask --app kiosk links",
    "council": "--council must name an existing council; see: flask --app kiosk council list",
    "council_locations": "every --location must be one the council covers.",
    "theme": "--theme must name an existing theme (see /admin/themes).",
    "too_long": "one of the texts is too long.",
}


def _milestone(value: str) -> tuple[date, dict[str, str]]:
    day, _, text = value.strip().partition(" ")
    try:
        return date.fromisoformat(day), {"nb": text.strip()}
    except ValueError:
        raise click.BadParameter(f'write a milestone as "YYYY-MM-DD what happened", not "{value}"') from None


@ledger_cli.command("add")
@click.option("--location", "locations", type=int, multiple=True, required=True, help="A location id (repeatable).")
@click.option("--status", type=click.Choice(STATUSES), default="mottatt", show_default=True)
@click.option("--heard", required=True, help="What was heard (Bokmål).")
@click.option("--done", default="", help="What was done or decided (Bokmål).")
@click.option("--reason", default="", help="Why it is not possible, in plain words (with --status ikke-mulig).")
@click.option("--heard-nn", default="", help="The same in Nynorsk (else Bokmål is shown).")
@click.option("--done-nn", default="")
@click.option("--heard-en", default="", help="The same in English (else Bokmål is shown).")
@click.option("--done-en", default="")
@click.option("--council", "council_id", type=int, default=None, help="The council it belongs to.")
@click.option("--theme", "theme_id", type=int, default=None, help="The theme it answers.")
@click.option("--milestone", "milestones", multiple=True, help='"YYYY-MM-DD what happened" (repeatable).')
def add_command(**options: object) -> None:
    """Record an entry; prints its id."""
    values = ledger.EntryValues(
        heard={"nb": str(options["heard"]), "nn": str(options["heard_nn"]), "en": str(options["heard_en"])},
        done={"nb": str(options["done"]), "nn": str(options["done_nn"]), "en": str(options["done_en"])},
        reason={"nb": str(options["reason"])},
        status=LedgerStatus(str(options["status"]).replace("-", "_")),
        location_ids=list(options["locations"]),  # type: ignore[call-overload]
        council_id=options["council_id"],  # type: ignore[arg-type]
        theme_id=options["theme_id"],  # type: ignore[arg-type]
        milestones=[_milestone(m) for m in options["milestones"]],  # type: ignore[attr-defined]
    )
    now = datetime.now(UTC)
    try:
        entry = ledger.add_entry(db.session, values, today=local_today(current_app.config["TIMEZONE"], now))
    except ledger.LedgerError as error:
        db.session.rollback()
        raise click.ClickException(PROBLEMS.get(error.key, error.key)) from None
    record(db.session, None, "ledger_saved", pick(entry.heard, "nb")[:80], now=now, status=entry.status.value)
    db.session.commit()
    click.echo(f"{entry.id}\t{entry.status.value}\t{pick(entry.heard, 'nb')}")


@ledger_cli.command("list")
@click.option("--location", "location_id", type=int, default=None, help="Only entries that concern this location.")
@click.option("--open", "only_open", is_flag=True, help="Only entries not yet done or found not possible.")
def list_command(location_id: int | None, only_open: bool) -> None:
    """List entries, open ones first: id, status, last change, places, what was heard, what was done."""
    for entry in ledger.entries(db.session, status="open" if only_open else None):
        if location_id is not None and location_id not in {loc.id for loc in entry.locations}:
            continue
        places = ", ".join(loc.name for loc in entry.locations)
        outcome = pick(entry.done, "nb") or pick(entry.reason, "nb") or "-"
        click.echo(
            f"{entry.id}\t{entry.status.value}\t{entry.changed_on.isoformat()}\t{places}\t"
            f"{pick(entry.heard, 'nb')}\t{outcome}"
        )
