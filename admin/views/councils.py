"""User councils: admins manage them (places, members, how digests come); a council member sees only their own."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from admin.access import ALL_STAFF, current_user, now, require_council_access, roles
from admin.audit import record
from admin.blueprint import bp
from admin.forms import CouncilForm, InviteForm
from kiosk.councils import (
    CouncilError,
    CouncilSettings,
    councils_following,
    create_council,
    out_of_step,
    sharing_places,
    stricter_councils,
    update_council,
)
from kiosk.extensions import db
from kiosk.models import Council, Digest, Location, Role, User


def _active_locations() -> list[Location]:
    return list(db.session.scalars(select(Location).where(Location.retired_at.is_(None)).order_by(Location.name)))


def _taken(locations: list[Location], council: Council | None = None) -> dict[int, list[str]]:
    """Return, for each place another council follows, those councils' names (shown beside the place)."""
    taken: dict[int, list[str]] = {}
    for location, other in councils_following(db.session, [loc.id for loc in locations], excluding=council):
        taken.setdefault(location.id, []).append(other.name)
    return taken


def _chosen_location_ids() -> list[int]:
    """Return the location ids ticked in the posted form (anything else is ignored)."""
    return sorted({int(v) for v in request.form.getlist("locations") if v.isascii() and v.isdigit() and len(v) < 10})


def _settings(form: CouncilForm) -> CouncilSettings:
    cadence, send = form.schedule()
    return CouncilSettings(
        name=form.name.data or "",
        location_ids=_chosen_location_ids(),
        cadence=cadence,
        send=send,
        language=form.language.data,
        k=form.k.data or 0,
        four_eyes=bool(form.four_eyes.data),
    )


def _message(error: CouncilError) -> str:
    if error.key == "place_taken":
        return _(
            "%(place)s hører allerede til %(other)s. Et sted kan bare høre til ett brukerråd: to sammendrag som "
            "teller de samme svarene sammen med ulike steder, kan trekkes fra hverandre og vise tall for færre enn "
            "k personer. Ta stedet ut av %(other)s først, eller velg andre steder.",
            place=error.place,
            other=error.detail,
        )
    if error.key == "cadence_shared":
        return _(
            "Brukerrådet deler steder med %(other)s, som får sammendrag på en annen plan. Brukerråd som deler "
            "steder, må få sammendrag for de samme periodene: ellers kan ett sammendrag trekkes fra et annet og "
            "vise tall for færre enn k personer. Velg samme plan, eller andre steder.",
            other=error.detail,
        )
    texts = {
        "name": _("Skriv et navn på brukerrådet."),
        "name_taken": _("Det finnes allerede et brukerråd med dette navnet."),
        "cadence": _("Planen for sammendrag er ikke gyldig. Sjekk dag, klokkeslett eller cron-uttrykket."),
        "language": _("Velg bokmål, nynorsk eller engelsk."),
        "k": _("Minste gruppe må være 3 eller mer."),
        "locations": _("Et av stedene finnes ikke lenger. Last siden på nytt."),
    }
    return texts.get(error.key, _("Brukerrådet kunne ikke lagres."))


def _council_page(item: Council, form: CouncilForm, chosen: list[Location], status: int = 200):
    members = db.session.scalars(select(User).where(User.council_id == item.id).order_by(User.name)).all()
    digests = db.session.scalars(
        select(Digest).where(Digest.council_id == item.id).order_by(Digest.first_day.desc())
    ).all()
    invite = InviteForm(role=Role.COUNCIL.value, council=item.id)
    locations = _active_locations()
    page = render_template(
        "admin/council.html",
        council=item,
        locations=locations,
        taken=_taken(locations, item),
        form=form,
        chosen=chosen,
        members=members,
        digests=digests,
        invite=invite,
        stricter=stricter_councils(db.session, item),
        out_of_step=out_of_step(db.session, item),
        sharing=sharing_places(db.session, item),
    )
    return page, status


def _councils_page(form: CouncilForm, chosen: list[Location], status: int = 200):
    items = db.session.scalars(select(Council).order_by(Council.name)).all()
    locations = _active_locations()
    page = render_template(
        "admin/councils.html",
        councils=items,
        form=form,
        locations=locations,
        taken=_taken(locations),
        chosen=chosen,
    )
    return page, status


def _posted_locations() -> list[Location]:
    """Return the ticked places that exist, to show them ticked again when the form comes back."""
    ids = _chosen_location_ids()
    return list(db.session.scalars(select(Location).where(Location.id.in_(ids)))) if ids else []


@bp.get("/councils")
@roles(Role.ADMIN, Role.MODERATOR, Role.COUNCIL)
def councils():
    """List councils; a council member goes straight to their own."""
    user = current_user()
    if user.role is Role.COUNCIL:
        return redirect(url_for("admin.council", council_id=user.council_id))
    return _councils_page(CouncilForm(formdata=None), [])


@bp.get("/councils/<int:council_id>")
@roles(*ALL_STAFF)
def council(council_id: int):
    """Show one council: its places, members, digests, and (for admins) its settings."""
    require_council_access(council_id)
    item = db.get_or_404(Council, council_id)
    form = CouncilForm(formdata=None, obj=item)
    form.fill(item.cadence, item.send)
    return _council_page(item, form, list(item.locations))


@bp.post("/councils", endpoint="create_council")
@roles(Role.ADMIN)
def create_council_view():
    """Create a council with its places and how its digests come; a mistake shows the form again as typed."""
    form = CouncilForm()
    if not form.validate():
        flash(_("Sjekk feltene som er merket."), "error")
        return _councils_page(form, _posted_locations(), 422)
    try:
        item = create_council(db.session, _settings(form), now=now())
    except CouncilError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return _councils_page(form, _posted_locations(), 422)
    record(
        db.session,
        current_user(),
        "council_created",
        item.name,
        now=now(),
        locations=[loc.id for loc in item.locations],
    )
    db.session.commit()
    return redirect(url_for("admin.council", council_id=item.id))


@bp.post("/councils/<int:council_id>", endpoint="update_council")
@roles(Role.ADMIN)
def update_council_view(council_id: int):
    """Change a council's name, places and digest settings; a mistake shows the form again as typed."""
    item = db.get_or_404(Council, council_id)
    form = CouncilForm()
    if not form.validate():
        flash(_("Sjekk feltene som er merket."), "error")
        return _council_page(item, form, _posted_locations(), 422)
    try:
        update_council(db.session, item, _settings(form))
    except CouncilError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return _council_page(db.get_or_404(Council, council_id), form, _posted_locations(), 422)
    record(
        db.session,
        current_user(),
        "council_updated",
        item.name,
        now=now(),
        locations=[loc.id for loc in item.locations],
        cadence=item.cadence,
        send=item.send,
        k=item.k,
    )
    db.session.commit()
    flash(_("Brukerrådet er lagret."), "info")
    return redirect(url_for("admin.council", council_id=item.id))
