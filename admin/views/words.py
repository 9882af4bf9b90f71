"""Local words: what is always redacted in free text from a location (moderators and admins)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from admin.access import current_user, now, roles
from admin.audit import record
from admin.blueprint import bp
from admin.forms import ActionForm, LocalWordForm
from kiosk.extensions import db
from kiosk.models import LocalWord, Location, Role
from kiosk.moderation.words import BadWord, add_word, local_words, remove_word

MODERATORS = (Role.ADMIN, Role.MODERATOR)


@bp.get("/words")
@roles(*MODERATORS)
def local_word_locations():
    """List locations with how many local words each has."""
    counts = dict(db.session.execute(select(LocalWord.location_id, func.count()).group_by(LocalWord.location_id)).all())
    locations = db.session.scalars(select(Location).where(Location.retired_at.is_(None)).order_by(Location.name)).all()
    return render_template("admin/words_locations.html", locations=locations, counts=counts)


@bp.route("/words/<int:location_id>", methods=["GET", "POST"])
@roles(*MODERATORS)
def local_words_page(location_id: int):
    """Show a location's words and add one."""
    location = db.get_or_404(Location, location_id)
    form = LocalWordForm()
    if form.validate_on_submit():
        try:
            add_word(db.session, location.id, form.word.data)
        except BadWord as error:
            flash(_word_message(error.key), "error")
        else:
            # The log says a word was added, never which: the list itself is what it protects.
            record(db.session, current_user(), "local_word_added", location.name, now=now())
            db.session.commit()
            flash(_("Ordet sladdes fra nå av i nye svar fra %(place)s.", place=location.name), "info")
            return redirect(url_for("admin.local_words_page", location_id=location.id))
    entries = db.session.scalars(select(LocalWord).where(LocalWord.location_id == location.id).order_by(LocalWord.word)).all()
    return render_template("admin/words.html", location=location, entries=entries, form=form, action=ActionForm(),
                           count=len(local_words(db.session, location.id)))


@bp.post("/words/<int:location_id>/<int:word_id>/remove")
@roles(*MODERATORS)
def local_word_remove(location_id: int, word_id: int):
    """Take a word off a location's list."""
    entry = db.get_or_404(LocalWord, word_id)
    if entry.location_id != location_id:
        abort(404)
    if ActionForm().validate():
        remove_word(db.session, entry)
        record(db.session, current_user(), "local_word_removed", db.session.get_one(Location, location_id).name, now=now())
        db.session.commit()
    return redirect(url_for("admin.local_words_page", location_id=location_id))


def _word_message(key: str) -> str:
    return {
        "empty": _("Skriv et ord eller et navn."),
        "too_long": _("Ordet er for langt (høyst 120 tegn)."),
        "exists": _("Ordet står allerede på listen."),
    }.get(key, _("Ordet kunne ikke legges til."))
