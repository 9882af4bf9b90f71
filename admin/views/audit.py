"""The audit log (admins only)."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import func, select

from admin.access import roles
from admin.blueprint import bp
from kiosk.extensions import db
from kiosk.models import AuditEvent, Role

PAGE = 50


@bp.get("/audit")
@roles(Role.ADMIN)
def audit():
    """List staff actions, newest first."""
    page = max(1, request.args.get("page", 1, type=int))
    events = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(PAGE).offset((page - 1) * PAGE)
    ).all()
    total = db.session.scalar(select(func.count()).select_from(AuditEvent))
    return render_template("admin/audit.html", events=events, page=page, pages=max(1, -(-total // PAGE)))
