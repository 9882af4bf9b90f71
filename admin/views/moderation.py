"""The moderation queue and one item: release, hide, redact more, look behind one redaction, quotes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from admin.access import current_user, now, roles
from admin.audit import record
from admin.blueprint import bp
from admin.forms import ActionForm
from admin.moderation_forms import BulkForm, HideForm, QueueFilterForm, RedactForm, message_for, segments
from kiosk.extensions import db
from kiosk.models import FreeText, HideReason, Location, Role
from kiosk.moderation import queue as moderation
from kiosk.periods import local_today

MODERATORS = (Role.ADMIN, Role.MODERATOR)


def _today() -> date:
    return local_today(current_app.config["TIMEZONE"], now())


def _show_open() -> bool:
    return bool(current_app.config["MODERATION_SHOWS_OPEN_PERIODS"])


def _item(item_id: str) -> FreeText:
    item = moderation.find_item(db.session, item_id)
    if item is None:
        abort(404)
    return item


def _audit(action: str, item: FreeText, **details: object) -> None:
    # The item's id and what was done; never the text, never what a redaction hid.
    record(db.session, current_user(), action, str(item.id), now=now(), **details)


def _places_of() -> Callable[[FreeText], Location]:
    """Return a lookup of each listed item's location, the locations read once."""
    places = moderation.locations_by_id(db.session)
    return lambda item: places[item.location_id]


@bp.get("/moderation")
@roles(*MODERATORS)
def moderation_queue():
    """List the free text that waits: urgent first, then by period, in a random order fixed per item."""
    filters_form = QueueFilterForm(request.args, meta={"csrf": False})
    filters_form.fill_choices(db.session)
    items = moderation.waiting_items(db.session, today=_today(), filters=filters_form.filters(), show_open=_show_open())
    return render_template(
        "admin/moderation_queue.html",
        items=items,
        filters=filters_form,
        bulk=BulkForm(),
        segments=segments,
        location_of=_places_of(),
    )


@bp.post("/moderation/bulk")
@roles(*MODERATORS)
def moderation_bulk():
    """Release, or hide with one reason, every item ticked in the queue."""
    form = BulkForm()
    if not form.validate():
        flash(_("Velg svar og hva som skal skje med dem."), "error")
        return redirect(url_for("admin.moderation_queue"))
    done = 0
    for item_id in request.form.getlist("items")[:500]:
        item = moderation.find_item(db.session, item_id)
        if item is None or item.status not in moderation.WAITING:
            continue
        try:
            if form.action.data == "release":
                status = moderation.release(db.session, item, current_user(), today=_today())
                _audit("text_released" if status.value == "released" else "text_second_look", item)
            else:
                moderation.hide(db.session, item, HideReason(form.reason.data), today=_today())
                _audit("text_hidden", item, reason=form.reason.data)
        except moderation.ModerationError as error:
            flash(message_for(error.key), "error")
            continue
        done += 1
    db.session.commit()
    flash(_("%(count)d svar er behandlet.", count=done), "info")
    return redirect(url_for("admin.moderation_queue"))


@bp.get("/moderation/<item_id>")
@roles(*MODERATORS)
def moderation_item(item_id: str):
    """Show one item: the text with its redactions marked, the guidance, and what can be done."""
    item = _item(item_id)
    return render_template(
        "admin/moderation_item.html",
        item=item,
        segments=segments(item),
        action=ActionForm(),
        hide_form=HideForm(),
        redact_form=RedactForm(),
        location=moderation.location_of(db.session, item),
        second_look=moderation.needs_second_look(db.session, item),
        seen=None,
    )


@bp.post("/moderation/<item_id>/release")
@roles(*MODERATORS)
def moderation_release(item_id: str):
    """Release the item as it stands (or give it its first of two releases)."""
    item = _item(item_id)
    if ActionForm().validate():
        try:
            status = moderation.release(db.session, item, current_user(), today=_today())
        except moderation.ModerationError as error:
            flash(message_for(error.key), "error")
            return redirect(url_for("admin.moderation_item", item_id=item_id))
        _audit("text_released" if status.value == "released" else "text_second_look", item)
        db.session.commit()
        flash(
            _("Svaret er sluppet fram.") if status.value == "released" else _("Svaret venter nå på en moderator til."),
            "info",
        )
    return redirect(url_for("admin.moderation_queue"))


@bp.post("/moderation/<item_id>/hide")
@roles(*MODERATORS)
def moderation_hide(item_id: str):
    """Hide the item for good, with a reason."""
    item = _item(item_id)
    form = HideForm()
    if form.validate():
        try:
            moderation.hide(db.session, item, HideReason(form.reason.data), today=_today())
        except moderation.ModerationError as error:
            flash(message_for(error.key), "error")
            return redirect(url_for("admin.moderation_item", item_id=item_id))
        _audit("text_hidden", item, reason=form.reason.data)
        db.session.commit()
        flash(_("Svaret er skjult."), "info")
    return redirect(url_for("admin.moderation_queue"))


@bp.post("/moderation/<item_id>/redact")
@roles(*MODERATORS)
def moderation_redact(item_id: str):
    """Redact more: every occurrence of a word or phrase in the item."""
    item = _item(item_id)
    form = RedactForm()
    if form.validate():
        try:
            added = moderation.add_redaction(db.session, item, form.phrase.data, form.kind.data)
        except moderation.ModerationError as error:
            flash(message_for(error.key), "error")
        else:
            if added:
                _audit("text_redacted", item, kind=form.kind.data, count=added)
                db.session.commit()
                flash(_("Sladdet %(count)d steder.", count=added), "info")
            else:
                flash(_("Fant ikke ordet i teksten. Skriv det slik det står."), "error")
    return redirect(url_for("admin.moderation_item", item_id=item_id))


@bp.post("/moderation/<item_id>/reveal/<int:index>")
@roles(*MODERATORS)
def moderation_reveal(item_id: str, index: int):
    """Show what one redaction hides, to this moderator only; it is written to the log that it was seen."""
    item = _item(item_id)
    if not ActionForm().validate():
        return redirect(url_for("admin.moderation_item", item_id=item_id))
    try:
        original = moderation.original_part(item, index)
    except moderation.ModerationError as error:
        flash(message_for(error.key), "error")
        return redirect(url_for("admin.moderation_item", item_id=item_id))
    _audit("text_original_seen", item, redaction=index, kind=item.redactions[index]["kind"])
    db.session.commit()
    return render_template(
        "admin/moderation_item.html",
        item=item,
        segments=segments(item),
        action=ActionForm(),
        hide_form=HideForm(),
        redact_form=RedactForm(),
        location=moderation.location_of(db.session, item),
        second_look=moderation.needs_second_look(db.session, item),
        seen=(index, original),
    )


@bp.post("/moderation/<item_id>/undo/<int:index>")
@roles(*MODERATORS)
def moderation_undo(item_id: str, index: int):
    """Put back what one redaction hid: it was not a name, number or address after all."""
    item = _item(item_id)
    if ActionForm().validate():
        try:
            moderation.undo_redaction(db.session, item, index)
        except moderation.ModerationError as error:
            flash(message_for(error.key), "error")
        else:
            _audit("text_redaction_undone", item, redaction=index)
            db.session.commit()
            flash(_("Sladdingen er fjernet."), "info")
    return redirect(url_for("admin.moderation_item", item_id=item_id))


@bp.post("/moderation/<item_id>/quote")
@roles(*MODERATORS)
def moderation_quote(item_id: str):
    """Mark a released item as a representative quote for the council's digest, or unmark it."""
    item = _item(item_id)
    if ActionForm().validate():
        try:
            moderation.set_quote(db.session, item, not item.quote)
        except moderation.ModerationError as error:
            flash(message_for(error.key), "error")
        else:
            _audit("text_quote_set", item, quote=item.quote)
            db.session.commit()
    if request.args.get("back") == "released":
        return redirect(url_for("admin.moderation_released"))
    return redirect(url_for("admin.moderation_item", item_id=item_id))


@bp.get("/moderation/released")
@roles(*MODERATORS)
def moderation_released():
    """List released text of one period (the newest closed one by default), to pick quotes for the digest."""
    filters_form = QueueFilterForm(request.args, meta={"csrf": False})
    filters_form.fill_choices(db.session)
    items = moderation.released_items(db.session, filters=filters_form.filters())
    return render_template(
        "admin/moderation_released.html",
        items=items,
        filters=filters_form,
        segments=segments,
        action=ActionForm(),
        location_of=_places_of(),
    )
