"""flask --app kiosk council create | list | add-member: user councils from the command line, for scripted set-ups."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from admin.accounts import AccountError, invite
from admin.audit import record
from admin.login import find_user
from admin.mail import send_invitation
from admin.messages import password_messages
from kiosk.councils import CouncilError, CouncilSettings, create_council, digest_k
from kiosk.extensions import db
from kiosk.models import Council, Role, User
from kiosk.urls import external_url

council_cli = AppGroup("council", help="User councils and their members.")


def _now() -> datetime:
    return datetime.now(UTC)


@council_cli.command("create")
@click.option("--name", required=True)
@click.option("--locations", default="", help="Location ids, comma-separated, e.g. 1,2.")
@click.option("--cadence", default="weekly", show_default=True, help='"weekly", "monthly" or a cron expression.')
@click.option(
    "--send", default="mon 08:00", show_default=True, help='When digests go out: "mon 08:00", or "1 08:00" monthly.'
)
@click.option("--language", type=click.Choice(["nb", "nn", "en"]), default="nb", show_default=True)
@click.option(
    "--k", type=int, default=5, show_default=True, help="The smallest group a number is shown for (3 or more)."
)
@click.option("--four-eyes", is_flag=True, help="Two moderators must release each free-text answer.")
def create_command(
    *, name: str, locations: str, cadence: str, send: str, language: str, k: int, four_eyes: bool
) -> None:
    """Create a user council."""
    try:
        ids = [int(part) for part in locations.split(",") if part.strip()]
    except ValueError:
        raise click.ClickException("--locations takes location ids, comma-separated, e.g. 1,2") from None
    settings = CouncilSettings(name, ids, cadence, send, language, k, four_eyes)
    try:
        council = create_council(db.session, settings, now=_now())
    except CouncilError as error:
        if error.key == "place_taken":
            raise click.ClickException(
                f"place_taken: {error.place} belongs to {error.detail}; a place belongs to one council, or one "
                "digest could be subtracted from another"
            ) from None
        raise click.ClickException(
            f"{error.key}: {error.detail or 'see flask --app kiosk council create --help'}"
        ) from None
    record(db.session, None, "council_created", council.name, now=_now(), locations=ids)
    db.session.commit()
    click.echo(f"{council.id}\t{council.name}")


@council_cli.command("list")
def list_command() -> None:
    """List councils: id, name, cadence, send time, language, k (and the k its digests use, when larger), places."""
    for council in db.session.scalars(select(Council).order_by(Council.id)):
        places = ", ".join(loc.name for loc in council.locations) or "-"
        k = f"k={council.k}"
        if (used := digest_k(db.session, council)) != council.k:
            k += f" (digests use k={used}, as a council sharing its places does)"
        click.echo(
            f"{council.id}\t{council.name}\t{council.cadence}\t{council.send}\t{council.language}\t{k}\t{places}"
        )


@council_cli.command("add-member")
@click.argument("council_id", type=int)
@click.argument("email")
@click.option("--name", default="", help="The member's name (for an invitation).")
def add_member_command(council_id: int, email: str, name: str) -> None:
    """Add a member: an existing council member's account moves here; anyone else gets an invitation."""
    council = db.session.get(Council, council_id)
    if council is None:
        raise click.ClickException(f"No council {council_id}; see: flask --app kiosk council list")
    user: User | None = find_user(db.session, email)
    if user is not None:
        if user.role is not Role.COUNCIL:
            raise click.ClickException(f"{email} is a {user.role.value}; change the role on /admin/users first.")
        user.council = council
        record(
            db.session, None, "user_role_changed", user.email, now=_now(), role=user.role.value, council=council.name
        )
        db.session.commit()
        click.echo(f"{user.email} is now a member of {council.name}.")
        return
    admin = db.session.scalars(select(User).where(User.role == Role.ADMIN).order_by(User.id)).first()
    if admin is None:
        raise click.ClickException("Make the first admin first: flask --app kiosk user create")
    try:
        invitation, token = invite(
            db.session,
            email=email,
            name=name or email,
            role=Role.COUNCIL,
            council=council,
            invited_by=admin,
            now=_now(),
            hours=current_app.config["INVITATION_HOURS"],
        )
    except AccountError as error:
        raise click.ClickException(" ".join(password_messages(error))) from None
    record(db.session, None, "user_invited", invitation.email, now=_now(), role=Role.COUNCIL.value)
    db.session.commit()
    with current_app.test_request_context():
        link = external_url("admin.invitation", token=token)
        sent = send_invitation(invitation, link)
    click.echo(f"Invited {invitation.email} to {council.name}{' (e-mailed)' if sent else ''}: {link}")
