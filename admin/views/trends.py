"""Trends for staff: a question's weekly mean at a place over the last year's closed weeks, never live."""

from __future__ import annotations

from flask import current_app, render_template, request
from sqlalchemy import select

from admin.access import now, roles
from admin.blueprint import bp
from kiosk.extensions import db
from kiosk.models import Location, Role
from kiosk.periods import local_today
from kiosk.reporting.trends import closed_weeks, strictest_k, trends


@bp.get("/trends")
@roles(Role.ADMIN, Role.MODERATOR)
def trends_page():
    """Show each question's weekly mean at the chosen place, for the weeks that are over."""
    locations = db.session.scalars(select(Location).order_by(Location.retired_at.is_not(None), Location.name)).all()
    chosen = db.session.get(Location, request.args.get("location", type=int) or 0) or (
        locations[0] if locations else None
    )
    today = local_today(current_app.config["TIMEZONE"], now())
    k = strictest_k(db.session, chosen.id) if chosen else 0
    lines = trends(db.session, chosen.id, today=today, k=k) if chosen else []
    first, last = closed_weeks(today)
    return render_template(
        "admin/trends.html", locations=locations, chosen=chosen, lines=lines, first=first, last=last, k=k
    )
