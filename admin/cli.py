"""flask --app kiosk user create: the first admin, made on the server."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask
from flask.cli import AppGroup

from admin.accounts import AccountError, create_user
from admin.audit import record
from admin.messages import password_messages
from kiosk.extensions import db
from kiosk.models import Role

user_cli = AppGroup("user", help="Staff accounts.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    from admin.council_cli import council_cli
    from admin.ledger_cli import ledger_cli

    app.cli.add_command(user_cli)
    app.cli.add_command(council_cli)
    app.cli.add_command(ledger_cli)


@user_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default="admin", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Prompted when left out.")
def create_command(email: str, name: str, role: str, password: str) -> None:
    """Create a staff account; admins and moderators set up two-factor sign-in at first login."""
    if role == Role.COUNCIL.value:
        raise click.ClickException("Council members belong to a council: invite them from the admin pages.")
    try:
        user = create_user(
            db.session, email=email, name=name, password=password, role=Role(role), now=datetime.now(UTC)
        )
    except AccountError as error:
        raise click.ClickException(" ".join(password_messages(error))) from None
    record(db.session, None, "user_created_cli", user.email, now=datetime.now(UTC), role=role)
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}. Sign in at /admin/login.")
