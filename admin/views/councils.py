"""User councils: admins manage them; a council member sees only their own."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select

from admin.access import ALL_STAFF, current_user, now, require_council_access, roles
from admin.audit import record
from admin.blueprint import bp
from admin.forms import CouncilForm
from kiosk.extensions import db
from kiosk.models import Council, Location, Role
from kiosk.models.types import db_time


def _active_locations() -> list[Location]:
    return list(db.session.scalars(select(Location).where(Location.retired_at.is_(None)).order_by(Location.name)))


def _chosen_locations() -> list[Location]:
    """Return the locations ticked in the posted form (ids that name no location are ignored)."""
    ids = {int(v) for v in request.form.getlist("locations") if v.isascii() and v.isdigit() and len(v) < 10}
    return list(db.session.scalars(select(Location).where(Location.id.in_(ids)).order_by(Location.name))) if ids else []


@bp.get("/councils")
@roles(Role.ADMIN, Role.MODERATOR, Role.COUNCIL)
def councils():
    """List councils; a council member goes straight to their own."""
    user = current_user()
    if user.role is Role.COUNCIL:
        return redirect(url_for("admin.council", council_id=user.council_id))
    items = db.session.scalars(select(Council).order_by(Council.name)).all()
    return render_template("admin/councils.html", councils=items, form=CouncilForm(), locations=_active_locations())


@bp.get("/councils/<int:council_id>")
@roles(*ALL_STAFF)
def council(council_id: int):
    """Show one council and the locations it follows."""
    require_council_access(council_id)
    item = db.get_or_404(Council, council_id)
    return render_template("admin/council.html", council=item, locations=_active_locations(), form=CouncilForm(obj=item))


@bp.post("/councils")
@roles(Role.ADMIN)
def create_council():
    """Create a council."""
    form = CouncilForm()
    if not form.validate():
        return redirect(url_for("admin.councils"))
    item = Council(
        name=form.name.data.strip(), created_at=db_time(now()), locations=_chosen_locations(), four_eyes=bool(form.four_eyes.data)
    )
    db.session.add(item)
    db.session.flush()
    record(db.session, current_user(), "council_created", item.name, now=now(), locations=[loc.id for loc in item.locations])
    db.session.commit()
    return redirect(url_for("admin.council", council_id=item.id))


@bp.post("/councils/<int:council_id>")
@roles(Role.ADMIN)
def update_council(council_id: int):
    """Rename a council and choose the locations it follows."""
    item = db.get_or_404(Council, council_id)
    form = CouncilForm()
    if not form.validate():
        abort(400)
    item.name = form.name.data.strip()
    item.four_eyes = bool(form.four_eyes.data)
    item.locations = _chosen_locations()
    record(db.session, current_user(), "council_updated", item.name, now=now(), locations=[loc.id for loc in item.locations])
    db.session.commit()
    return redirect(url_for("admin.council", council_id=item.id))
