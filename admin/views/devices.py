"""Tablets: add, pairing code and QR, rename, move, revoke, last day seen (admins)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from admin.access import current_user, now, roles
from admin.audit import record
from admin.blueprint import bp
from admin.builder_forms import DeviceForm, MoveForm, RenameForm
from admin.forms import ActionForm
from admin.twofactor import qr_svg
from kiosk.devices import create_device, format_pairing_code, issue_pairing_code, move, rename, revoke
from kiosk.extensions import db
from kiosk.models import Device, Location, Role
from kiosk.urls import pairing_page_url, pairing_url

# Device.status → what staff read, and the badge's look.
STATUS = {
    "new": (_l("Nytt"), ""),
    "waiting": (_l("Venter på tilkobling"), "warn"),
    "paired": (_l("Koblet til"), "ok"),
    "revoked": (_l("Koblet fra"), "off"),
}


def _location_choices() -> list[SelectChoice]:
    locations = db.session.scalars(select(Location).where(Location.retired_at.is_(None)).order_by(Location.name))
    return [SelectChoice(location.id, location.name) for location in locations]


def _active_location(location_id: int) -> Location:
    location = db.session.get(Location, location_id)
    if location is None or location.retired_at is not None:
        abort(404)
    return location


def _show_code_once(device: Device, code: str):
    """Hand a fresh code to the next page (never in a URL), so that reloading it resends nothing."""
    session.setdefault("pairing_codes", {})[str(device.id)] = code
    session.modified = True
    return redirect(url_for("admin.device_pairing", device_id=device.id))


@bp.get("/devices/<int:device_id>/pairing")
@roles(Role.ADMIN)
def device_pairing(device_id: int):
    """Show a fresh pairing code once: big, as a QR code, with how long it works."""
    device = db.get_or_404(Device, device_id)
    code = session.get("pairing_codes", {}).pop(str(device.id), None)
    session.modified = True
    if code is None:
        flash(_("Koden vises bare én gang. Lag en ny kode hvis du trenger den."), "info")
        return redirect(url_for("admin.device_detail", device_id=device.id))
    return render_template(
        "admin/device_pairing.html",
        device=device,
        code=format_pairing_code(code),
        qr=qr_svg(pairing_url(code)),
        pair_address=pairing_page_url(),
        minutes=current_app.config["KIOSK_PAIRING_MINUTES"],
    )


@bp.get("/devices")
@roles(Role.ADMIN)
def devices():
    """List tablets: name, location, status and the last day each was seen."""
    items = db.session.scalars(
        select(Device).join(Location).order_by(Device.revoked_at.is_not(None), Location.name, Device.name)
    ).all()
    return render_template("admin/devices.html", devices=items, status=STATUS)


@bp.route("/devices/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def device_new():
    """Add a tablet at a location and show its pairing code."""
    form = DeviceForm()
    form.location.choices = _location_choices()
    if form.validate_on_submit():
        location = _active_location(form.location.data)
        minutes = current_app.config["KIOSK_PAIRING_MINUTES"]
        device, code = create_device(db.session, location, form.name.data.strip(), now=now(), minutes=minutes)
        record(
            db.session, current_user(), "device_added", device.name, now=now(), device=device.id, location=location.name
        )
        db.session.commit()
        return _show_code_once(device, code)
    return render_template("admin/device_new.html", form=form)


@bp.get("/devices/<int:device_id>")
@roles(Role.ADMIN)
def device_detail(device_id: int):
    """Show a tablet, with rename, move, new pairing code and revoke."""
    device = db.get_or_404(Device, device_id)
    move_form = MoveForm(location=device.location_id)
    move_form.location.choices = _location_choices()
    return render_template(
        "admin/device_detail.html",
        device=device,
        status=STATUS,
        rename_form=RenameForm(name=device.name),
        move_form=move_form,
        action=ActionForm(),
    )


@bp.post("/devices/<int:device_id>/rename")
@roles(Role.ADMIN)
def device_rename(device_id: int):
    """Give a tablet a new name."""
    device = db.get_or_404(Device, device_id)
    form = RenameForm()
    if not form.validate():
        flash(_("Skriv et navn på nettbrettet, høyst 120 tegn."), "error")
        return redirect(url_for("admin.device_detail", device_id=device.id))
    old = device.name
    rename(db.session, device, form.name.data.strip())
    record(db.session, current_user(), "device_renamed", device.name, now=now(), device=device.id, old_name=old)
    db.session.commit()
    flash(_("Nettbrettet heter nå «%(name)s».", name=device.name), "info")
    return redirect(url_for("admin.device_detail", device_id=device.id))


@bp.post("/devices/<int:device_id>/move")
@roles(Role.ADMIN)
def device_move(device_id: int):
    """Move a tablet to another location; its answers count there from now on."""
    device = db.get_or_404(Device, device_id)
    form = MoveForm()
    form.location.choices = _location_choices()
    if form.validate():
        old = device.location.name
        move(db.session, device, _active_location(form.location.data))
        record(
            db.session,
            current_user(),
            "device_moved",
            device.name,
            now=now(),
            device=device.id,
            old_location=old,
            location=device.location.name,
        )
        db.session.commit()
        flash(_("Nettbrettet står nå på %(place)s.", place=device.location.name), "info")
    return redirect(url_for("admin.device_detail", device_id=device.id))


@bp.post("/devices/<int:device_id>/code")
@roles(Role.ADMIN)
def device_code(device_id: int):
    """Give a tablet a new pairing code (after a reset, a new tablet, or a revoke) and show it."""
    device = db.get_or_404(Device, device_id)
    if not ActionForm().validate():
        return redirect(url_for("admin.device_detail", device_id=device.id))
    code = issue_pairing_code(db.session, device, now=now(), minutes=current_app.config["KIOSK_PAIRING_MINUTES"])
    record(db.session, current_user(), "device_code_issued", device.name, now=now(), device=device.id)
    db.session.commit()
    return _show_code_once(device, code)


@bp.post("/devices/<int:device_id>/revoke")
@roles(Role.ADMIN)
def device_revoke(device_id: int):
    """Revoke a tablet at once: it stops sending and showing the form."""
    device = db.get_or_404(Device, device_id)
    if ActionForm().validate():
        revoke(db.session, device, now=now())
        record(db.session, current_user(), "device_revoked", device.name, now=now(), device=device.id)
        db.session.commit()
        flash(_("Nettbrettet «%(name)s» er koblet fra.", name=device.name), "info")
    return redirect(url_for("admin.device_detail", device_id=device.id))
