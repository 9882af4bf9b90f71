"""flask --app kiosk device add | list | code | revoke: tablets from the command line."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import click
import qrcode
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from kiosk.devices import create_device, format_pairing_code, issue_pairing_code, revoke
from kiosk.extensions import db
from kiosk.models import Device, Location
from kiosk.urls import pairing_url

device_cli = AppGroup("device", help="Add, list and revoke kiosk tablets.")


def _show_code(device: Device, code: str) -> None:
    minutes = current_app.config["KIOSK_PAIRING_MINUTES"]
    click.echo(f'Tablet {device.id} "{device.name}" at {device.location.name}')
    click.echo(f"Pairing code: {format_pairing_code(code)}  (valid for {minutes} minutes, works once)")
    click.echo(f"On the tablet open {pairing_url(code)}")
    click.echo("or scan this QR code with the tablet's camera:")
    qr = qrcode.QRCode(border=1)
    qr.add_data(pairing_url(code))
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    click.echo(out.getvalue())


def _find_location(name_or_id: str) -> Location:
    query = select(Location).where(Location.retired_at.is_(None))
    if name_or_id.isdigit():
        location = db.session.scalars(query.where(Location.id == int(name_or_id))).first()
    else:
        location = db.session.scalars(query.where(Location.name == name_or_id)).first()
    if location is None:
        names = ", ".join(f"{loc.id}: {loc.name}" for loc in db.session.scalars(select(Location)))
        raise click.ClickException(f"No active location {name_or_id!r}. Known locations: {names or 'none'}")
    return location


@device_cli.command("add")
@click.option("--location", "location_name", required=True, help="Location name or id.")
@click.option("--name", default="Nytt nettbrett", show_default=True, help="A name staff will recognise.")
def add_command(location_name: str, name: str) -> None:
    """Create a tablet for a location and print its one-time pairing code."""
    location = _find_location(location_name)
    device, code = create_device(
        db.session, location, name, now=datetime.now(UTC), minutes=current_app.config["KIOSK_PAIRING_MINUTES"]
    )
    db.session.commit()
    _show_code(device, code)


@device_cli.command("code")
@click.argument("device_id", type=int)
def code_command(device_id: int) -> None:
    """Print a new pairing code for a tablet (pairing again replaces its token)."""
    device = db.session.get(Device, device_id)
    if device is None:
        raise click.ClickException(f"No tablet {device_id}; see: flask --app kiosk device list")
    code = issue_pairing_code(
        db.session, device, now=datetime.now(UTC), minutes=current_app.config["KIOSK_PAIRING_MINUTES"]
    )
    db.session.commit()
    _show_code(device, code)


@device_cli.command("list")
def list_command() -> None:
    """List tablets: id, status, location, last day seen, name."""
    for device in db.session.scalars(select(Device).order_by(Device.id)):
        seen = device.last_seen_on.isoformat() if device.last_seen_on else "never"
        click.echo(f"{device.id}\t{device.status}\t{device.location.name}\t{seen}\t{device.name}")


@device_cli.command("revoke")
@click.argument("device_id", type=int)
def revoke_command(device_id: int) -> None:
    """Revoke a tablet at once; it shows "not set up" until paired again."""
    device = db.session.get(Device, device_id)
    if device is None:
        raise click.ClickException(f"No tablet {device_id}; see: flask --app kiosk device list")
    revoke(db.session, device, now=datetime.now(UTC))
    db.session.commit()
    click.echo(f'Tablet {device.id} "{device.name}" is revoked.')
