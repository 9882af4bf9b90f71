"""Forms: list, build, preview, publish and retire (admins)."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from admin.access import roles
from admin.blueprint import bp
from kiosk.extensions import db
from kiosk.models import Form, Role


@bp.get("/forms")
@roles(Role.ADMIN)
def forms():
    """List forms with their newest version."""
    items = db.session.scalars(select(Form).order_by(Form.retired_at.is_not(None), Form.name)).all()
    return render_template("admin/forms.html", forms=items)
