"""The public form behind a poster's short link: /s/<code>."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from kiosk.database import begin_write, read_only
from kiosk.extensions import db
from kiosk.formspec import InvalidAnswer
from kiosk.i18n import LANGUAGE_NAMES, current_language, restrict_to
from kiosk.ledger import latest_for_location, latest_headlines, public_json
from kiosk.links import LinkTarget, UnknownLink, resolve_link
from kiosk.public.forms import PublicForm, ReceiptOfferForm, build_form_class, raw_answers
from kiosk.public.prerender import blank_questions
from kiosk.published import VersionView, published_view
from kiosk.receipts import NoFreeText, ReceiptTaken, display, issue, texts_of
from kiosk.submissions import EmptySubmission, Given, IdempotencyConflict, Rules, Stored, body_hash, submit

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


def _render(
    target: LinkTarget,
    version: VersionView,
    form: PublicForm | None,
    notice: str | None = None,
    status: int = 200,
    *,
    questions: Markup | None = None,
):
    return (
        render_template(
            "kiosk/form.html",
            target=target,
            version=version,
            form=form,
            questions=questions,
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
    read_only(db.session)
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
    read_only(db.session)
    target, version = _load(code)
    if code != target.code:
        return redirect(url_for(".show_form", code=target.code, lang=request.args.get("lang")))
    questions = blank_questions(version, current_language(), current_app.config["MAX_FREE_TEXT"])
    return _render(target, version, None, questions=questions)


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
    _offer_receipt(stored)
    return redirect(url_for(".thanks", code=target.code, lang=lang))


def _form_key() -> uuid.UUID | None:
    try:
        return uuid.UUID(request.form.get("submission_key", ""))
    except ValueError:
        return None


@bp.get("/s/<code>/takk")
def thanks(code: str):
    """Thank the person and say plainly what happens to the answers."""
    read_only(db.session)
    target, version = _load(code)
    return _thanks(target, version, help=session.pop("help", False), again=request.args.get("again") == "1")


def _thanks(
    target: LinkTarget, version: VersionView, *, help: bool = False, again: bool = False, receipt: str | None = None
):
    return render_template(
        "kiosk/thanks.html",
        target=target,
        version=version,
        lang=current_language(),
        again=again,
        help=help,
        languages=version.languages,
        ledger=latest_headlines(db.session, target.location_id, limit=THANKS_ENTRIES, lang=current_language()),
        receipt_offer=RECEIPT_TEXTS in session,
        receipt=receipt,
    )


@bp.get("/s/<code>/gjort")
def ledger(code: str):
    """Show what the service did about what people said at the link's place, in plain words."""
    read_only(db.session)
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


# --- Receipt codes: offered on the thank-you page after free text ------------------------------------

# The just-stored submission's free-text ids, in the signed session cookie (never a URL, log or table),
# until a code is made or the person leaves the thank-you page.
RECEIPT_TEXTS = "receipt_texts"
_RECEIPT_PAGES = {"public.thanks", "public.make_receipt", "static"}


def _offer_receipt(stored: Stored) -> None:
    # A replay stored nothing now: its texts are the first post's.
    texts = texts_of(db.session, stored.id) if stored.replayed else stored.texts
    if texts:
        session[RECEIPT_TEXTS] = [t.hex for t in texts]
    else:
        session.pop(RECEIPT_TEXTS, None)


@bp.before_app_request
def _forget_receipt_offer() -> None:
    if RECEIPT_TEXTS in session and request.endpoint not in _RECEIPT_PAGES:
        session.pop(RECEIPT_TEXTS)


@bp.post("/s/<code>/takk")
def make_receipt(code: str):
    """Make a receipt code for the free text just given, and show it once."""
    target, version = _load(code)
    form = ReceiptOfferForm()
    if not form.validate() or RECEIPT_TEXTS not in session:
        # A stale page, or the code was made already (a reload of this post): the plain thank-you.
        return _thanks(target, version)
    ids = [uuid.UUID(hex=t) for t in session.pop(RECEIPT_TEXTS)]
    # Only read so far; the write lock covers the insert alone (as in kiosk/submissions.py).
    db.session.rollback()
    begin_write(db.session)
    try:
        made = issue(db.session, ids)
    except (NoFreeText, ReceiptTaken):
        db.session.rollback()
        return _thanks(target, version)
    db.session.commit()
    return _thanks(target, version, receipt=display(made))
