"""The ledger, "Dette har vi gjort": admins write entries for any place, council members for their own council.

Every staff member may read the list (a council member sees what concerns their council); moderators
read only. What an entry may say is checked in kiosk/ledger.py, the same as on the command line.
The entry form checks its own CSRF token (FlaskForm), so that a page left open too long is shown
again with everything typed in it, instead of the blueprint's "page expired" message. Its search among
the digest's texts posts the same form and shows it again as typed, saving nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, select
from wtforms.fields.choices import SelectChoice

from admin.access import ALL_STAFF, current_user, now, roles
from admin.audit import record
from admin.blueprint import bp
from admin.forms import ActionForm
from admin.ledger_forms import LANG_NAMES, LANGS, PARTS, EntryForm
from kiosk import ledger
from kiosk.extensions import csrf, db
from kiosk.models import (
    Council,
    Digest,
    DigestStatus,
    FreeText,
    LedgerEntry,
    LedgerStatus,
    Location,
    Role,
    TextStatus,
    Theme,
)
from kiosk.models.reporting import DigestText
from kiosk.models.types import pick
from kiosk.periods import local_today


def _error(key: str) -> str:
    messages = {
        "heard": _("Skriv hva dere hørte, i hvert fall på bokmål."),
        "done": _("Skriv hva som ble gjort, i hvert fall på bokmål."),
        "reason": _("Skriv med enkle ord hvorfor det ikke er mulig, i hvert fall på bokmål."),
        "locations": _("Velg minst ett sted."),
        "council_locations": _("Velg bare steder som brukerrådet følger."),
        "too_long": _("En av tekstene er for lang."),
    }
    return messages.get(key, _("Oppføringen kunne ikke lagres. Sjekk feltene og prøv igjen."))


def _own_council() -> int | None:
    """Return the council a council member writes for; None for admins and moderators."""
    user = current_user()
    return user.council_id if user.role is Role.COUNCIL else None


def _may_edit(entry: LedgerEntry | None) -> bool:
    user = current_user()
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.COUNCIL and (entry is None or entry.council_id == user.council_id)


def _visible(entry_id: int) -> LedgerEntry:
    """Return an entry the user may read; a council member gets 404 for what does not concern their council."""
    entry = db.get_or_404(LedgerEntry, entry_id)
    own = _own_council()
    if own is not None and entry.council_id != own:
        council = db.session.get(Council, own)
        places = {loc.id for loc in council.locations} if council else set()
        if not places & {loc.id for loc in entry.locations}:
            abort(404)
    return entry


@bp.get("/ledger")
@roles(*ALL_STAFF)
def ledger_list():
    """List entries, open ones first; filter by status."""
    status = request.args.get("status", "")
    if status not in ("", "open", "closed", *(s.value for s in LedgerStatus)):
        status = ""
    own = _own_council()
    rows = ledger.entries(db.session, status=status or None)
    if own is not None:
        council = db.session.get(Council, own)
        places = {loc.id for loc in council.locations} if council else set()
        rows = [e for e in rows if e.council_id == own or places & {loc.id for loc in e.locations}]
    return render_template(
        "admin/ledger.html", entries=rows, status=status, statuses=ledger.STATUS_NAMES, may_write=_may_edit(None)
    )


@bp.get("/ledger/new")
@roles(Role.ADMIN, Role.COUNCIL)
def ledger_new():
    """Show an empty entry; from a digest, the digest (and a text from it) are chosen already."""
    form = EntryForm(formdata=None)
    _choices(form)
    form.council.data = _own_council() or _arg_int("council")
    form.digest.data = _arg_int("digest")
    if form.digest.data and not form.council.data:
        digest = db.session.get(Digest, form.digest.data)
        form.council.data = digest.council_id if digest else 0
    chosen_texts = [t for t in request.args.getlist("text") if _hex(t)]
    return _page(form, None, chosen_places=_council_places(form.council.data), chosen_texts=chosen_texts)


@bp.post("/ledger/new")
@roles(Role.ADMIN, Role.COUNCIL)
@csrf.exempt
def ledger_create():
    """Record a new entry."""
    return _save(None)


@bp.get("/ledger/<int:entry_id>")
@roles(*ALL_STAFF)
def ledger_entry(entry_id: int):
    """Show an entry: as a form to those who may change it, as text to the others."""
    entry = _visible(entry_id)
    form = EntryForm(formdata=None)
    _choices(form)
    form.fill(entry)
    return _page(form, entry, chosen_places=list(entry.locations), chosen_texts=[t.id.hex for t in entry.texts])


@bp.post("/ledger/<int:entry_id>")
@roles(Role.ADMIN, Role.COUNCIL)
@csrf.exempt
def ledger_update(entry_id: int):
    """Change an entry."""
    return _save(_visible(entry_id))


@bp.post("/ledger/<int:entry_id>/remove")
@roles(Role.ADMIN, Role.COUNCIL)
def ledger_remove(entry_id: int):
    """Remove an entry made by mistake."""
    entry = _visible(entry_id)
    if not _may_edit(entry):
        abort(404)
    if ActionForm().validate():
        record(db.session, current_user(), "ledger_removed", pick(entry.heard, "nb")[:80], now=now())
        ledger.delete_entry(db.session, entry)
        db.session.commit()
        flash(_("Oppføringen er fjernet."), "info")
    return redirect(url_for("admin.ledger_list"))


def _save(entry: LedgerEntry | None):
    if not _may_edit(entry):
        abort(404)
    form = EntryForm()
    _choices(form)
    places = _posted_ids("locations")
    texts = [t for t in request.form.getlist("texts") if _hex(t)]
    own = _own_council()
    if own is not None:
        form.council.data = own  # a council member writes for their own council, whatever was posted
    if "find" in request.form:  # a search among the digest's texts: the form again, as typed, nothing saved
        words = request.form.get("words", "")[:WORDS_LENGTH]
        return _page(form, entry, chosen_places=_places(places), chosen_texts=texts, words=words)
    if not form.validate():
        if form.csrf_token.errors:
            flash(_("Siden har vært åpen en stund. Teksten er tatt vare på – trykk «Lagre» en gang til."), "error")
        else:
            flash(_("Sjekk feltene som er merket."), "error")
        return _page(form, entry, chosen_places=_places(places), chosen_texts=texts, status=422)
    values = ledger.EntryValues(
        heard=form.texts("heard"),
        done=form.texts("done"),
        reason=form.texts("reason"),
        status=LedgerStatus(form.status.data),
        location_ids=places,
        council_id=own or form.council.data or None,
        theme_id=form.theme.data or None,
        digest_id=form.digest.data or None,
        free_text_ids=[uuid.UUID(t) for t in texts],
        milestones=form.milestone_list() or [],
    )
    today = local_today(current_app.config["TIMEZONE"], now())
    try:
        if entry is None:
            entry = ledger.add_entry(db.session, values, today=today)
        else:
            ledger.update_entry(db.session, entry, values, today=today)
    except ledger.LedgerError as error:
        db.session.rollback()
        flash(_error(error.key), "error")
        return _page(form, entry and _visible(entry.id), chosen_places=_places(places), chosen_texts=texts, status=422)
    record(
        db.session, current_user(), "ledger_saved", pick(entry.heard, "nb")[:80], now=now(), status=entry.status.value
    )
    db.session.commit()
    flash(_("Oppføringen er lagret."), "info")
    return redirect(url_for("admin.ledger_entry", entry_id=entry.id))


def _page(
    form: EntryForm,
    entry: LedgerEntry | None,
    *,
    chosen_places: list[Location],
    chosen_texts: list[str],
    words: str = "",
    status: int = 200,
):
    digest_id = form.digest.data or None
    page = render_template(
        "admin/ledger_entry.html",
        form=form,
        entry=entry,
        may_edit=_may_edit(entry),
        parts=PARTS,
        langs=LANGS,
        lang_names=LANG_NAMES,
        locations=_writable_places(),
        chosen_places=chosen_places,
        texts=_text_choices(digest_id, chosen_texts, words),
        statuses=ledger.STATUS_NAMES,
        action=ActionForm(),
    )
    return page, status


def _choices(form: EntryForm) -> None:
    own = _own_council()
    councils = db.session.scalars(select(Council).order_by(Council.name)).all()
    form.council.choices = [SelectChoice(c.id, c.name) for c in councils if own is None or c.id == own]
    if own is None:
        form.council.choices.insert(0, SelectChoice(0, _("Ingen (gjelder bare stedene)")))
    themes = db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)).all()
    form.theme.choices = [SelectChoice(0, _("Ingen")), *[SelectChoice(t.id, pick(t.name, "nb")) for t in themes]]
    digests = select(Digest).where(Digest.status == DigestStatus.READY).order_by(Digest.first_day.desc()).limit(60)
    if own is not None:
        digests = digests.where(Digest.council_id == own)
    form.digest.choices = [
        SelectChoice(0, _("Ingen")),
        *[SelectChoice(d.id, f"{d.council.name}: {d.period}") for d in db.session.scalars(digests)],
    ]


def _writable_places() -> list[Location]:
    own = _own_council()
    if own is not None:
        return _council_places(own)
    return list(db.session.scalars(select(Location).where(Location.retired_at.is_(None)).order_by(Location.name)))


def _council_places(council_id: int | None) -> list[Location]:
    council = db.session.get(Council, council_id) if council_id else None
    return list(council.locations) if council else []


def _places(ids: list[int]) -> list[Location]:
    return list(db.session.scalars(select(Location).where(Location.id.in_(ids)))) if ids else []


# A council's first digest may carry thousands of texts (18,838 at a million submissions: a 3.2 MB page).
# The form lists this many at a time, and every chosen one; a search among the digest's texts finds the rest.
TEXTS_SHOWN = 200
WORDS_LENGTH = 100


@dataclass(frozen=True)
class TextChoices:
    """The texts an entry may answer, as the form lists them."""

    chosen: list[tuple[str, str]]  # (id in hex, text): every chosen one, from the digest or not, whatever the search
    found: list[tuple[str, str]]  # up to TEXTS_SHOWN of the digest's other texts that hold every word searched for
    matching: int  # how many of the digest's other texts hold them (all of them, without words)
    total: int  # how many texts the digest has
    words: str


def _text_choices(digest_id: int | None, chosen: list[str], words: str) -> TextChoices:
    """Return the chosen texts (released ones), and the released texts the chosen digest showed, to choose from."""
    ids = [uuid.UUID(hex=t) for t in chosen]
    released = select(FreeText.id, FreeText.text).where(FreeText.id.in_(ids), FreeText.status == TextStatus.RELEASED)
    shown = _texts(released) if ids else []
    if not digest_id:
        return TextChoices(shown, [], 0, 0, "")
    rows = _texts(
        select(FreeText.id, FreeText.text)
        .join(DigestText, DigestText.free_text_id == FreeText.id)
        .where(DigestText.digest_id == digest_id)
    )
    wanted, taken = words.casefold().split(), set(chosen)
    found = [(i, text) for i, text in rows if i not in taken and _holds(text, wanted)]
    return TextChoices(shown, found[:TEXTS_SHOWN], len(found), len(rows), " ".join(words.split()))


def _holds(text: str, words: list[str]) -> bool:
    """Return True when the text holds every word (in lower case), whatever its case."""
    folded = text.casefold()
    return all(word in folded for word in words)


def _texts(query: Select[tuple[uuid.UUID, str]]) -> list[tuple[str, str]]:
    """Return (id in hex, text) of the texts the query selects, in id order."""
    rows = db.session.execute(query.order_by(FreeText.id)).tuples()
    return [(text_id.hex, text) for text_id, text in rows]


def _posted_ids(name: str) -> list[int]:
    return sorted({int(v) for v in request.form.getlist(name) if v.isascii() and v.isdigit() and len(v) < 10})


def _arg_int(name: str) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else 0


def _hex(value: str) -> bool:
    try:
        return uuid.UUID(hex=value).hex == value
    except ValueError:
        return False
