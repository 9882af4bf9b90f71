"""Typing in what did not come through a screen: suggestion-box notes, user-meeting topics, peer interviews.

Notes (channel paper or meeting) are typed by admins and moderators; a peer interview ("Bruker spør
bruker", channel interview) may be filled in by any staff member, council members too, since peer
interviewers are often in the council. Nothing here is written to the audit log: a note must say
nothing about who typed it, or when more finely than its week. Both forms check their own CSRF token,
so that a page left open too long is shown again with everything typed in it.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask import current_app, flash, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from admin.access import ALL_STAFF, current_user, now, roles
from admin.blueprint import bp
from kiosk import notes
from kiosk.extensions import csrf, db
from kiosk.i18n import current_language
from kiosk.links import UnknownLink, resolve_link
from kiosk.models import Council, Location, Role, ShortLink
from kiosk.periods import local_today, period_label
from kiosk.public.forms import build_form_class, raw_answers
from kiosk.published import published_view
from kiosk.submissions import EmptySubmission, Given, IdempotencyConflict, Rules, body_hash, submit


def _note_message(key: str) -> str:
    return {
        "channel": _("Velg om det er lapper fra forslagskassa eller saker fra et møte."),
        "week": _("Velg en av ukene i lista."),
        "empty": _("Skriv minst én lapp eller sak."),
        "too_long": _("En av lappene er for lang. Del den i to med en tom linje."),
        "location": _("Velg et sted."),
    }.get(key, _("Lappene kunne ikke lagres."))


def _places() -> list[Location]:
    """Return the places the user may type in for: a council member only their council's."""
    user = current_user()
    if user.role is Role.COUNCIL:
        council = db.session.get(Council, user.council_id) if user.council_id else None
        return notes.locations_for(db.session, [loc.id for loc in council.locations] if council else [])
    return notes.locations_for(db.session)


@bp.get("/notes")
@roles(*ALL_STAFF)
def notes_page():
    """Choose what to type in: notes and meeting topics (admins, moderators), or a peer interview."""
    return _notes_form({}, 200)


@bp.post("/notes")
@roles(Role.ADMIN, Role.MODERATOR)
@csrf.exempt
def notes_save():
    """Store each typed note as its own submission; on a mistake, show everything again as typed."""
    given = {key: request.form.get(key, "") for key in ("channel", "location", "week", "text")}
    if not FlaskForm().validate():
        flash(_("Siden har vært åpen en stund. Teksten er tatt vare på – trykk «Lagre» en gang til."), "error")
        return _notes_form(given, 400)
    location = next((loc for loc in _places() if str(loc.id) == given["location"]), None)
    try:
        week = date.fromisoformat(given["week"])
    except ValueError:
        week = date.min
    try:
        if location is None:
            raise notes.NoteError("location")
        count = notes.type_in(
            db.session,
            location,
            given["channel"],
            week,
            notes.split_notes(given["text"]),
            now=now(),
            config=current_app.config,
        )
    except notes.NoteError as error:
        db.session.rollback()
        flash(_note_message(error.key), "error")
        return _notes_form(given, 422)
    db.session.commit()
    flash(_("%(count)d lagret. De blir moderert som alt annet før brukerrådet ser dem.", count=count), "info")
    # The place, kind and week stay chosen for the next pile; the text box is empty.
    return _notes_form({**given, "text": ""}, 200)


def _week_label(monday: date) -> str:
    """Return a week as "2026-W49 (30. nov. – 6. des.)": people remember the days, not the week's number."""
    sunday = monday + timedelta(days=6)
    return f"{period_label(monday, 'week')} ({format_date(monday, 'd. MMM')} – {format_date(sunday, 'd. MMM')})"


def _notes_form(given: dict[str, str], status: int):
    today = local_today(current_app.config["TIMEZONE"], now())
    weeks = [(monday.isoformat(), _week_label(monday)) for monday in notes.weeks(today)]
    page = render_template(
        "admin/notes.html",
        given=given,
        places=_places(),
        weeks=weeks,
        links=_interview_links(),
        may_type_notes=current_user().role is not Role.COUNCIL,
    )
    return page, status


def _interview_links() -> list[ShortLink]:
    places = [loc.id for loc in _places()]
    query = (
        select(ShortLink)
        .where(ShortLink.retired_at.is_(None), ShortLink.location_id.in_(places))
        .order_by(ShortLink.location_id, ShortLink.form_id)
    )
    return [link for link in db.session.scalars(query) if link.form.published and link.form.retired_at is None]


def _interview_target(code: str):
    """Return the link's target and form when the user may interview at its place (404 otherwise)."""
    try:
        target = resolve_link(db.session, code)
    except UnknownLink:
        return None
    if target.location_id not in {loc.id for loc in _places()}:
        return None
    return target


@bp.get("/interview/<code>")
@roles(*ALL_STAFF)
def interview(code: str):
    """Show the form as the person would see it, for the peer interviewer to fill in with them."""
    target = _interview_target(code)
    if target is None:
        return _not_yours()
    version = published_view(db.session, target.version_id)
    form = build_form_class(version, current_language(), current_app.config["MAX_FREE_TEXT"])(formdata=None)
    return _interview_page(target, version, form, None, 200)


def _not_yours():
    return render_template(
        "admin/message.html",
        heading=_("Fant ikke skjemaet"),
        message=_("Lenken er ikke i bruk lenger, eller stedet er ikke ditt."),
    ), 404


@bp.post("/interview/<code>")
@roles(*ALL_STAFF)
@csrf.exempt
def interview_save(code: str):
    """Store the answers as one submission of channel interview."""
    target = _interview_target(code)
    if target is None:
        return _not_yours()
    version = published_view(db.session, target.version_id)
    form = build_form_class(version, current_language(), current_app.config["MAX_FREE_TEXT"])()
    if not form.validate():
        return _interview_page(
            target, version, form, _("Noe kunne ikke lagres. Se over det som er merket, og trykk «Lagre» igjen."), 400
        )
    raw = raw_answers(form, version)
    key = _key()
    given = Given(raw, "interview", key=key, body_hash=body_hash({"interview": target.code, "answers": raw}))
    try:
        stored = submit(db.session, target, given, now=now(), rules=Rules.from_config(current_app.config))
    except EmptySubmission:
        db.session.rollback()
        return _interview_page(target, version, form, _("Ingenting er fylt ut ennå."), 400)
    except IdempotencyConflict:
        db.session.rollback()
        stored = None
    db.session.commit()
    return render_template(
        "admin/interview_done.html",
        target=target,
        help=bool(stored and stored.help),
        again=url_for("admin.interview", code=target.code),
    )


def _interview_page(target, version, form, notice: str | None, status: int):
    page = render_template(
        "admin/interview.html",
        target=target,
        version=version,
        form=form,
        notice=notice,
        lang=current_language(),
        max_text=current_app.config["MAX_FREE_TEXT"],
    )
    return page, status


def _key() -> uuid.UUID | None:
    try:
        return uuid.UUID(request.form.get("submission_key", ""))
    except ValueError:
        return None
