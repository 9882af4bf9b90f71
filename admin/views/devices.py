"""Tablets: add, pairing code and QR, rename, move, revoke, last day seen (admins)."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from admin.access import roles
from admin.blueprint import bp
from kiosk.extensions import db
from kiosk.models import Device, Role


@bp.get("/devices")
@roles(Role.ADMIN)
def devices():
    """List tablets."""
    items = db.session.scalars(select(Device).order_by(Device.id)).all()
    return render_template("admin/devices.html", devices=items)
