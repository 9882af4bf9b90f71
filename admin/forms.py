"""WTForms for the admin pages. Every form carries a CSRF token; buttons that only POST use ActionForm."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from kiosk.digests.periods import WEEKDAYS
from kiosk.models import Role

WEEKDAY_LABELS = (_l("mandag"), _l("tirsdag"), _l("onsdag"), _l("torsdag"), _l("fredag"), _l("lørdag"), _l("søndag"))

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.MODERATOR: _l("Moderator"),
    Role.COUNCIL: _l("Medlem av brukerrådet"),
}


class ActionForm(FlaskForm):
    """A form with only a CSRF token, for buttons that change something."""


class LoginForm(FlaskForm):
    """E-mail address and password."""

    email = EmailField(
        _l("E-post"), validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "username"}
    )
    password = PasswordField(_l("Passord"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"})


class CodeForm(FlaskForm):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Kode"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True},
    )


class NewPasswordForm(FlaskForm):
    """Choose a password (typed twice)."""

    password = PasswordField(
        _l("Nytt passord"), validators=[DataRequired()], render_kw={"autocomplete": "new-password"}
    )
    repeat = PasswordField(
        _l("Gjenta passordet"), validators=[DataRequired()], render_kw={"autocomplete": "new-password"}
    )


class InviteForm(FlaskForm):
    """Invite a new staff member."""

    name = StringField(_l("Navn"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-post"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    role = SelectField(_l("Rolle"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])
    council = SelectField(_l("Brukerråd (for medlemmer)"), coerce=int, validators=[Optional()])


class RoleForm(FlaskForm):
    """Change a staff member's role."""

    role = SelectField(_l("Rolle"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])
    council = SelectField(_l("Brukerråd (for medlemmer)"), coerce=int, validators=[Optional()])


class CouncilForm(FlaskForm):
    """A user council, the places it follows, and when and how its digests come."""

    name = StringField(_l("Navn"), validators=[DataRequired(), Length(max=120)])
    cadence = SelectField(
        _l("Sammendrag"),
        choices=[
            SelectChoice("weekly", _l("Hver uke")),
            SelectChoice("monthly", _l("Hver måned")),
            SelectChoice("cron", _l("Egen plan (cron-uttrykk)")),
        ],
    )
    weekday = SelectField(
        _l("Ukedag (hver uke)"),
        choices=[SelectChoice(day, label) for day, label in zip(WEEKDAYS, WEEKDAY_LABELS, strict=True)],
    )
    month_day = SelectField(
        _l("Dag i måneden (hver måned)"), choices=[SelectChoice(str(n), str(n)) for n in range(1, 29)]
    )
    at = TimeField(_l("Klokkeslett"), default=time(8, 0), validators=[Optional()])
    cron = StringField(
        _l("Cron-uttrykk (egen plan)"),
        validators=[Optional(), Length(max=64)],
        render_kw={"placeholder": "0 8 1,15 * *"},
    )
    language = SelectField(
        _l("Språk"),
        choices=[SelectChoice("nb", "Bokmål"), SelectChoice("nn", "Nynorsk"), SelectChoice("en", "English")],
    )
    k = IntegerField(_l("Minste gruppe som vises (k)"), default=5, validators=[DataRequired(), NumberRange(3, 50)])
    four_eyes = BooleanField(_l("To moderatorer må slippe fram hvert fritekstsvar fra stedene"))

    def schedule(self) -> tuple[str, str]:
        """Return (cadence, send) as kiosk.councils stores them."""
        at = (self.at.data or time(8, 0)).strftime("%H:%M")
        if self.cadence.data == "cron":
            return (self.cron.data or "").strip(), f"mon {at}"
        day = self.weekday.data if self.cadence.data == "weekly" else self.month_day.data
        return self.cadence.data, f"{day} {at}"

    def fill(self, cadence: str, send: str) -> None:
        """Show a stored schedule in the fields."""
        day, _sep, at = send.partition(" ")
        self.cadence.data = cadence if cadence in ("weekly", "monthly") else "cron"
        self.cron.data = "" if cadence in ("weekly", "monthly") else cadence
        if day in WEEKDAYS:
            self.weekday.data = day
        elif day.isdigit():
            self.month_day.data = day
        hours, _colon, minutes = at.partition(":")
        if hours.isdigit() and minutes.isdigit():
            self.at.data = time(int(hours), int(minutes))


class LocalWordForm(FlaskForm):
    """A word always redacted in free text from a location."""

    word = StringField(_l("Ord eller navn"), validators=[DataRequired(), Length(max=120)])


class RetentionForm(FlaskForm):
    """How long data is kept."""

    months = IntegerField(
        _l("Svar, sladdet tekst og tall beholdes i (måneder)"), validators=[DataRequired(), NumberRange(1, 120)]
    )
    original_days = IntegerField(
        _l("Teksten slik den ble skrevet, beholdes for moderatorene i høyst (dager)"),
        validators=[DataRequired(), NumberRange(1, 90)],
    )
