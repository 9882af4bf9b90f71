"""Short links and their QR posters (admins)."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from admin.access import roles
from admin.blueprint import bp
from kiosk.extensions import db
from kiosk.models import Role, ShortLink


@bp.get("/links")
@roles(Role.ADMIN)
def links():
    """List short links."""
    items = db.session.scalars(select(ShortLink).order_by(ShortLink.location_id, ShortLink.form_id)).all()
    return render_template("admin/links.html", links=items)
