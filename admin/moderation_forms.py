"""Forms, labels and messages of the moderation pages, and the text cut into pieces for display."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from kiosk.models import Form, FreeText, HideReason, Location
from kiosk.moderation.queue import QueueFilter

HIDE_REASONS = {
    HideReason.PERSONAL: _l("Personlig: viser hvem noen er, eller noe om helsen til én person"),
    HideReason.OFFENSIVE: _l("Krenkende"),
    HideReason.SPAM: _l("Reklame eller tull"),
    HideReason.DUPLICATE: _l("Det samme er sagt før"),
    HideReason.OTHER: _l("Annet"),
}
KINDS = {
    "name": _l("Navn"),
    "phone": _l("Telefonnummer"),
    "national_id": _l("Fødselsnummer"),
    "email": _l("E-post"),
    "address": _l("Adresse"),
}


class HideForm(FlaskForm):
    """Why an item is not released."""

    reason = SelectField(_l("Hvorfor"), choices=[SelectChoice(r.value, label) for r, label in HIDE_REASONS.items()])


class RedactForm(FlaskForm):
    """A word or phrase to redact in one item, and what it is."""

    phrase = StringField(_l("Sladd også"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Det er et"), choices=[SelectChoice(k, label) for k, label in KINDS.items()])


class BulkForm(FlaskForm):
    """What happens to every ticked item."""

    action = SelectField(_l("Gjør med de valgte"), choices=[SelectChoice("release", _l("Slipp fram")), SelectChoice("hide", _l("Skjul"))])
    reason = SelectField(_l("Grunn (når de skjules)"), choices=[SelectChoice(r.value, label) for r, label in HIDE_REASONS.items()], validators=[Optional()])


class QueueFilterForm(FlaskForm):
    """Narrow the queue to a location, a form or a period."""

    location = SelectField(_l("Sted"), coerce=int, validators=[Optional()])
    form = SelectField(_l("Skjema"), coerce=int, validators=[Optional()])
    period = StringField(_l("Periode (første dag, ÅÅÅÅ-MM-DD)"), validators=[Optional(), Length(max=10)])

    def fill_choices(self, session: Session) -> None:
        """Offer every location and form."""
        everything = SelectChoice(0, _("Alle"))
        self.location.choices = [everything] + [SelectChoice(loc.id, loc.name) for loc in session.scalars(select(Location).order_by(Location.name))]
        self.form.choices = [everything] + [SelectChoice(f.id, f.name) for f in session.scalars(select(Form).order_by(Form.name))]

    def filters(self) -> QueueFilter:
        """Return the chosen filters (an unreadable period is ignored)."""
        try:
            period = date.fromisoformat(self.period.data) if self.period.data else None
        except ValueError:
            period = None
        return QueueFilter(self.location.data or None, self.form.data or None, period)


@dataclass(frozen=True)
class Segment:
    """A piece of an item's text: plain, or a placeholder (with the index of its redaction)."""

    text: str
    redaction: int | None = None
    kind: str | None = None


def segments(item: FreeText) -> list[Segment]:
    """Return the item's text cut at its redactions, so the page can mark each one."""
    pieces, at = [], 0
    for index, r in sorted(enumerate(item.redactions), key=lambda pair: pair[1]["start"]):
        if r["start"] > at:
            pieces.append(Segment(item.text[at:r["start"]]))
        pieces.append(Segment(item.text[r["start"]:r["end"]], index, r["kind"]))
        at = r["end"]
    if at < len(item.text):
        pieces.append(Segment(item.text[at:]))
    return pieces


def message_for(key: str) -> str:
    """Return a kind explanation of why a moderation step was refused."""
    return {
        "already_moderated": _("Svaret er allerede behandlet, kanskje av en annen moderator."),
        "same_moderator": _("Brukerrådet vil at to moderatorer ser på hvert svar. En annen moderator må slippe det fram."),
        "no_original": _("Den opprinnelige teksten er slettet, og kan ikke vises."),
        "not_released": _("Bare svar som er sluppet fram, kan velges som sitat."),
    }.get(key, _("Det gikk ikke. Last siden på nytt og prøv igjen."))
