"""The public form behind a poster's short link: /s/<code>."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from kiosk.extensions import db
from kiosk.formspec import InvalidAnswer
from kiosk.i18n import LANGUAGE_NAMES, current_language, restrict_to
from kiosk.ledger import latest_for_location, public_json
from kiosk.links import LinkTarget, UnknownLink, resolve_link
from kiosk.public.forms import PublicForm, build_form_class, raw_answers
from kiosk.published import VersionView, published_view
from kiosk.submissions import EmptySubmission, Given, IdempotencyConflict, Rules, body_hash, submit

bp = Blueprint("public", __name__)

# "Dette har vi gjort": a taste on the thank-you page, and the place's own page behind the poster's code.
THANKS_ENTRIES = 3
PAGE_ENTRIES = 30


def _load(code: str) -> tuple[LinkTarget, VersionView]:
    try:
        target = resolve_link(db.session, code)
    except UnknownLink:
        abort(404)
    version = published_view(db.session, target.version_id)
    restrict_to(version.languages)
    return target, version


def _render(target: LinkTarget, version: VersionView, form: PublicForm, notice: str | None = None, status: int = 200):
    return (
        render_template(
            "kiosk/form.html",
            target=target,
            version=version,
            form=form,
            notice=notice,
            lang=current_language(),
            languages=version.languages,
            max_text=current_app.config["MAX_FREE_TEXT"],
        ),
        status,
    )


@bp.get("/")
@bp.get("/s/")
def enter_code():
    """Let a person type the code from a poster; a known code leads to its form."""
    typed = request.args.get("code", "")[:40]
    if typed:
        try:
            target = resolve_link(db.session, typed)
        except UnknownLink:
            return render_template(
                "kiosk/enter_code.html", typed=typed, unknown=True, lang=current_language(), languages=LANGUAGE_NAMES
            ), 404
        return redirect(url_for(".show_form", code=target.code, lang=request.args.get("lang")))
    return render_template(
        "kiosk/enter_code.html", typed="", unknown=False, lang=current_language(), languages=LANGUAGE_NAMES
    )


@bp.get("/s/<code>")
def show_form(code: str):
    """Show the form behind a short link."""
    target, version = _load(code)
    if code != target.code:
        return redirect(url_for(".show_form", code=target.code, lang=request.args.get("lang")))
    form_class = build_form_class(version, current_language(), current_app.config["MAX_FREE_TEXT"])
    return _render(target, version, form_class(formdata=None))


@bp.post("/s/<code>")
def submit_form(code: str):
    """Store the answers from the form, or show it again with what was given and a kind note."""
    target, version = _load(code)
    lang = current_language()
    form = build_form_class(version, lang, current_app.config["MAX_FREE_TEXT"])()
    if form.is_bot:
        return redirect(url_for(".thanks", code=target.code, lang=lang))
    if not form.validate():
        if "csrf_token" in form.errors and len(form.errors) == 1:
            notice = _("Siden har vært åpen en stund. Svarene dine er tatt vare på – trykk «Send» en gang til.")
        else:
            notice = _("Noe i svaret kunne ikke lagres. Se over det som er merket, og trykk «Send» igjen.")
        return _render(target, version, form, notice, 400)
    raw = raw_answers(form, version)
    given = Given(raw, "qr", key=_form_key(), body_hash=body_hash({"link": target.code, "answers": raw}))
    try:
        stored = submit(db.session, target, given, now=datetime.now(UTC), rules=Rules.from_config(current_app.config))
    except InvalidAnswer:
        db.session.rollback()
        notice = _("Noe i svaret kunne ikke lagres. Se over det som er merket, og trykk «Send» igjen.")
        return _render(target, version, form, notice, 400)
    except EmptySubmission:
        db.session.rollback()
        notice = _("Du har ikke svart på noe ennå. Velg et svar eller skriv noe, og trykk «Send». Alt er frivillig.")
        return _render(target, version, form, notice, 400)
    except IdempotencyConflict:
        db.session.rollback()
        return redirect(url_for(".thanks", code=target.code, lang=lang, again=1))
    db.session.commit()
    if stored.help:
        # Only in the signed cookie the form already uses, for the next page: never in a URL, log or table.
        session["help"] = True
    return redirect(url_for(".thanks", code=target.code, lang=lang))


def _form_key() -> uuid.UUID | None:
    try:
        return uuid.UUID(request.form.get("submission_key", ""))
    except ValueError:
        return None


@bp.get("/s/<code>/takk")
def thanks(code: str):
    """Thank the person and say plainly what happens to the answers."""
    target, version = _load(code)
    return render_template(
        "kiosk/thanks.html",
        target=target,
        version=version,
        lang=current_language(),
        again=request.args.get("again") == "1",
        help=session.pop("help", False),
        languages=version.languages,
        ledger=_ledger(target, THANKS_ENTRIES),
    )


@bp.get("/s/<code>/gjort")
def ledger(code: str):
    """Show what the service did about what people said at the link's place, in plain words."""
    target, version = _load(code)
    if code != target.code:
        return redirect(url_for(".ledger", code=target.code, lang=request.args.get("lang")))
    return render_template(
        "kiosk/ledger.html",
        target=target,
        lang=current_language(),
        languages=version.languages,
        ledger=_ledger(target, PAGE_ENTRIES),
    )


def _ledger(target: LinkTarget, limit: int) -> list[dict]:
    lang = current_language()
    return [public_json(entry, lang) for entry in latest_for_location(db.session, target.location_id, limit=limit)]
