"""Short links and their QR posters: A4 and A3 PDF in each language, and the code alone (admins)."""

from __future__ import annotations

from types import ModuleType

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from admin.access import current_user, now, roles
from admin.audit import record
from admin.blueprint import bp
from admin.builder_forms import LinkForm
from admin.forms import ActionForm
from admin.twofactor import qr_svg as inline_qr_svg
from kiosk.extensions import db
from kiosk.i18n import LANGUAGE_NAMES
from kiosk.ledger import latest_for_location, public_json
from kiosk.models import Form, Location, Role, ShortLink
from kiosk.models.types import pick
from kiosk.operations import create_link, retire_link
from kiosk.periods import local_today
from kiosk.urls import link_url

SIZES = ("A4", "A3")
# Why a link leads nowhere, in the order the public side checks; "active" when it works.
STATES = {
    "active": (_l("Virker"), "ok"),
    "retired": (_l("Tatt ut av bruk"), "off"),
    "form_retired": (_l("Virker ikke: skjemaet er tatt ut av bruk"), "warn"),
    "location_retired": (_l("Virker ikke: stedet er tatt ut av bruk"), "warn"),
    "unpublished": (_l("Virker ikke: skjemaet er ikke publisert"), "warn"),
}


def link_state(link: ShortLink) -> str:
    """Return whether a link works, or why not (a key of STATES)."""
    if link.retired_at is not None:
        return "retired"
    if link.form.retired_at is not None:
        return "form_retired"
    if link.location.retired_at is not None:
        return "location_retired"
    return "active" if link.form.published is not None else "unpublished"


def _link(code: str) -> ShortLink:
    return db.get_or_404(ShortLink, code.upper())


def _choices(form: LinkForm) -> LinkForm:
    forms = db.session.scalars(select(Form).where(Form.retired_at.is_(None)).order_by(Form.name))
    locations = db.session.scalars(select(Location).where(Location.retired_at.is_(None)).order_by(Location.name))
    form.form.choices = [SelectChoice(f.id, f.name) for f in forms if f.published is not None]
    form.location.choices = [SelectChoice(loc.id, loc.name) for loc in locations]
    return form


def _posters() -> ModuleType:
    """Return the poster module."""
    # Imported on first use: WeasyPrint takes most of a second to load, and few requests need it.
    from admin import posters

    return posters


def _attachment(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/links")
@roles(Role.ADMIN)
def links():
    """List short links by location and form, with a form to make a new one."""
    items = db.session.scalars(
        select(ShortLink)
        .join(Location, Location.id == ShortLink.location_id)
        .join(Form, Form.id == ShortLink.form_id)
        .order_by(Location.name, Form.name)
    ).all()
    return render_template(
        "admin/links.html", links=items, form=_choices(LinkForm()), state=link_state, states=STATES, link_url=link_url
    )


@bp.post("/links")
@roles(Role.ADMIN)
def link_new():
    """Make the short link for a published form at a location (or bring back the old one)."""
    form = _choices(LinkForm())
    if not form.validate():
        flash(_("Velg et publisert skjema og et sted."), "error")
        return redirect(url_for("admin.links"))
    chosen, location = db.session.get_one(Form, form.form.data), db.session.get_one(Location, form.location.data)
    link = create_link(db.session, chosen, location, now=now())
    record(db.session, current_user(), "link_created", link.code, now=now(), form=chosen.name, location=location.name)
    db.session.commit()
    flash(_("Lenken er klar. Last ned plakaten og heng den opp."), "info")
    return redirect(url_for("admin.link_detail", code=link.code))


@bp.get("/links/<code>")
@roles(Role.ADMIN)
def link_detail(code: str):
    """Show a link, its QR code and the poster downloads."""
    link = _link(code)
    return render_template(
        "admin/link_detail.html",
        link=link,
        url=link_url(link.code),
        qr=inline_qr_svg(link_url(link.code)),
        state=link_state(link),
        states=STATES,
        sizes=SIZES,
        languages=LANGUAGE_NAMES,
    )


@bp.post("/links/<code>/retire")
@roles(Role.ADMIN)
def link_retire(code: str):
    """Take a link out of use (its posters lead to a kind "not in use" page), or bring it back."""
    link = _link(code)
    if ActionForm().validate():
        if link.retired_at is None:
            retire_link(db.session, link, now=now())
        else:
            create_link(db.session, link.form, link.location, now=now())
        action = "link_retired" if link.retired_at else "link_restored"
        record(
            db.session, current_user(), action, link.code, now=now(), form=link.form.name, location=link.location.name
        )
        db.session.commit()
    back = request.args.get("back") == "detail"
    return redirect(url_for("admin.link_detail", code=link.code) if back else url_for("admin.links"))


@bp.get("/links/<code>/poster.pdf")
@roles(Role.ADMIN)
def link_poster(code: str):
    """Download the A4 or A3 poster of a link in one language, as PDF."""
    link = _link(code)
    size, lang = request.args.get("size", "A4").upper(), request.args.get("lang", "nb")
    if size not in SIZES or lang not in LANGUAGE_NAMES or link.form.published is None:
        abort(404)
    posters = _posters()
    kinds = [q.kind.value for q in link.form.published.questions]
    texts = posters.poster_texts(lang, posters.estimated_seconds(kinds))
    try:
        pdf = posters.poster_pdf(
            url=link_url(link.code),
            code=link.code,
            location_name=link.location.name,
            title=pick(link.form.published.title, lang),
            invitation=texts["invitation"],
            promise=texts["promise"],
            lang=lang,
            size=size,
        )
    except ValueError:
        flash(
            _("Tekstene får ikke plass på én side. Gjør tittelen på skjemaet eller navnet på stedet kortere."), "error"
        )
        return redirect(url_for("admin.link_detail", code=link.code))
    return _attachment(pdf, "application/pdf", f"siifra-{link.code}-{size.lower()}-{lang}.pdf")


@bp.get("/links/<code>/ledger-poster.pdf")
@roles(Role.ADMIN)
def link_ledger_poster(code: str):
    """Download the A4 "Dette har vi gjort" poster of the link's place in one language, as PDF."""
    link = _link(code)
    lang = request.args.get("lang", "nb")
    if lang not in LANGUAGE_NAMES:
        abort(404)
    from admin import ledger_poster  # WeasyPrint, loaded on first use as for the other posters

    entries = latest_for_location(db.session, link.location_id, limit=ledger_poster.MOST)
    try:
        pdf = ledger_poster.ledger_poster_pdf(
            url=link_url(link.code),
            code=link.code,
            location_name=link.location.name,
            entries=[public_json(entry, lang) for entry in entries],
            lang=lang,
            today=local_today(link.location.timezone, now()),
        )
    except ValueError:
        flash(_("Tekstene får ikke plass på én side. Gjør navnet på stedet kortere."), "error")
        return redirect(url_for("admin.link_detail", code=link.code))
    return _attachment(pdf, "application/pdf", f"siifra-{link.code}-gjort-{lang}.pdf")


@bp.get("/links/<code>/qr.svg")
@roles(Role.ADMIN)
def link_qr_svg(code: str):
    """Download the link's QR code alone, as SVG (for print shops and designers)."""
    link = _link(code)
    return _attachment(_posters().qr_svg(link_url(link.code)), "image/svg+xml", f"siifra-{link.code}-qr.svg")


@bp.get("/links/<code>/qr.png")
@roles(Role.ADMIN)
def link_qr_png(code: str):
    """Download the link's QR code alone, as a high-resolution PNG."""
    link = _link(code)
    return _attachment(_posters().qr_png(link_url(link.code)), "image/png", f"siifra-{link.code}-qr.png")
