"""Locations: day centres, activity houses, housing units, with tablet settings and opening hours."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from admin.access import current_user, now, roles
from admin.audit import record
from admin.blueprint import bp
from admin.forms import ActionForm
from admin.location_forms import DAYS, LocationForm, hours_from_form, hours_to_form
from kiosk.extensions import db
from kiosk.models import Form, Location, LocationKind, Role
from kiosk.models.types import db_time
from kiosk.operations import create_location


def _form_choices() -> list[tuple[int, str]]:
    forms = db.session.scalars(select(Form).where(Form.retired_at.is_(None)).order_by(Form.name))
    return [SelectChoice(0, _("Det første publiserte skjemaet med kort lenke til stedet"))] + [
        SelectChoice(f.id, f.name) for f in forms if f.published is not None
    ]


@bp.get("/locations")
@roles(Role.ADMIN)
def locations():
    """List locations."""
    items = db.session.scalars(select(Location).order_by(Location.retired_at.is_not(None), Location.name)).all()
    return render_template("admin/locations.html", locations=items, action=ActionForm())


@bp.route("/locations/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def new_location():
    """Create a location."""
    form = LocationForm()
    form.kiosk_form.choices = _form_choices()
    if form.validate_on_submit():
        location = create_location(
            db.session, form.name.data.strip(), LocationKind(form.kind.data), now=now(), timezone=form.timezone.data
        )
        _apply(form, location)
        record(db.session, current_user(), "location_created", location.name, now=now())
        db.session.commit()
        flash(_("Stedet er lagret."), "info")
        return redirect(url_for("admin.locations"))
    return render_template("admin/location_form.html", form=form, location=None, days=DAYS)


@bp.route("/locations/<int:location_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_location(location_id: int):
    """Edit a location's name, kind, time zone, tablet settings and opening hours."""
    location = db.get_or_404(Location, location_id)
    form = LocationForm(obj=location, kind=location.kind.value, kiosk_form=location.kiosk_form_id or 0)
    form.kiosk_form.choices = _form_choices()
    if not form.is_submitted():
        hours_to_form(form, location.opening_hours)
    if form.validate_on_submit():
        location.name = form.name.data.strip()
        location.kind = LocationKind(form.kind.data)
        location.timezone = form.timezone.data
        _apply(form, location)
        record(db.session, current_user(), "location_updated", location.name, now=now())
        db.session.commit()
        flash(_("Stedet er lagret."), "info")
        return redirect(url_for("admin.locations"))
    return render_template("admin/location_form.html", form=form, location=location, days=DAYS)


def _apply(form: LocationForm, location: Location) -> None:
    location.idle_reset_seconds = form.idle_reset_seconds.data
    location.sleep_outside_hours = form.sleep_outside_hours.data
    location.kiosk_form_id = form.kiosk_form.data or None
    location.opening_hours = hours_from_form(form)
    db.session.flush()


@bp.post("/locations/<int:location_id>/retire")
@roles(Role.ADMIN)
def retire_location(location_id: int):
    """Take a location out of use (its links stop working), or bring it back."""
    location = db.get_or_404(Location, location_id)
    if ActionForm().validate():
        location.retired_at = None if location.retired_at else db_time(now())
        record(
            db.session,
            current_user(),
            "location_retired" if location.retired_at else "location_restored",
            location.name,
            now=now(),
        )
        db.session.commit()
    return redirect(url_for("admin.locations"))
