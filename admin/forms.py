"""WTForms for the admin pages. Every form carries a CSRF token; buttons that only POST use ActionForm."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from kiosk.models import Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.MODERATOR: _l("Moderator"),
    Role.COUNCIL: _l("Medlem av brukerrådet"),
}


class ActionForm(FlaskForm):
    """A form with only a CSRF token, for buttons that change something."""


class LoginForm(FlaskForm):
    """E-mail address and password."""

    email = EmailField(_l("E-post"), validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "username"})
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

    password = PasswordField(_l("Nytt passord"), validators=[DataRequired()], render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(_l("Gjenta passordet"), validators=[DataRequired()], render_kw={"autocomplete": "new-password"})


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
    """A user council and the locations it follows."""

    name = StringField(_l("Navn"), validators=[DataRequired(), Length(max=120)])
    four_eyes = BooleanField(_l("To moderatorer må slippe fram hvert fritekstsvar fra stedene"))


class LocalWordForm(FlaskForm):
    """A word always redacted in free text from a location."""

    word = StringField(_l("Ord eller navn"), validators=[DataRequired(), Length(max=120)])


class RetentionForm(FlaskForm):
    """How long data is kept."""

    months = IntegerField(_l("Svar, sladdet tekst og tall beholdes i (måneder)"), validators=[DataRequired(), NumberRange(1, 120)])
    original_days = IntegerField(
        _l("Teksten slik den ble skrevet, beholdes for moderatorene i høyst (dager)"), validators=[DataRequired(), NumberRange(1, 90)]
    )
