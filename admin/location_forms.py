"""The location form, with opening hours as one open/close pair per weekday."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from kiosk.models import LocationKind

DAYS = [
    ("mon", _l("Mandag")),
    ("tue", _l("Tirsdag")),
    ("wed", _l("Onsdag")),
    ("thu", _l("Torsdag")),
    ("fri", _l("Fredag")),
    ("sat", _l("Lørdag")),
    ("sun", _l("Søndag")),
]
KIND_LABELS = {
    LocationKind.DAY_CENTRE: _l("Dagsenter"),
    LocationKind.ACTIVITY_HOUSE: _l("Aktivitetshus"),
    LocationKind.HOUSING: _l("Bolig"),
    LocationKind.LOW_THRESHOLD: _l("Lavterskeltilbud"),
    LocationKind.HEALTHY_LIFE: _l("Frisklivssentral"),
    LocationKind.OTHER: _l("Annet"),
}
TIMEZONES = ["Europe/Oslo", "Arctic/Longyearbyen"]


class LocationForm(FlaskForm):
    """Name, kind, time zone, the tablet's settings and the opening hours."""

    name = StringField(_l("Navn"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Type sted"), choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()])
    timezone = SelectField(_l("Tidssone"), choices=[SelectChoice(tz) for tz in TIMEZONES], default="Europe/Oslo")
    kiosk_form = SelectField(_l("Skjema på nettbrettet"), coerce=int)
    idle_reset_seconds = IntegerField(
        _l("Nettbrettet starter på nytt etter (sekunder uten trykk)"), default=60, validators=[NumberRange(20, 600)]
    )
    sleep_outside_hours = BooleanField(_l("Vis «stengt» på nettbrettet utenfor åpningstid"))

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the fields, then that each day has both times, in order."""
        ok = super().validate(extra_validators)
        for day, _label in DAYS:
            opens, closes = self[f"{day}_open"], self[f"{day}_close"]
            if (opens.data is None) != (closes.data is None):
                closes.errors = [
                    *closes.errors,
                    _l("Fyll inn både når stedet åpner og stenger, eller ingen av delene."),
                ]
                ok = False
            elif opens.data is not None and closes.data <= opens.data:
                closes.errors = [*closes.errors, _l("Stengetid må være etter åpningstid.")]
                ok = False
        return ok


for _day, _label in DAYS:
    setattr(LocationForm, f"{_day}_open", TimeField(_label, validators=[Optional()]))
    setattr(LocationForm, f"{_day}_close", TimeField(_l("stenger"), validators=[Optional()]))


def hours_from_form(form: LocationForm) -> dict[str, list[list[str]]]:
    """Return opening hours as stored: {"mon": [["08:00", "16:00"]], ...}; no day filled in means always open."""
    hours = {}
    for day, _label in DAYS:
        opens, closes = form[f"{day}_open"].data, form[f"{day}_close"].data
        if opens and closes:
            hours[day] = [[opens.strftime("%H:%M"), closes.strftime("%H:%M")]]
    return hours


def hours_to_form(form: LocationForm, hours: dict[str, list[list[str]]]) -> None:
    """Fill the day fields from stored opening hours."""
    from datetime import time

    for day, _label in DAYS:
        spans = hours.get(day) or []
        if spans:
            form[f"{day}_open"].data = time.fromisoformat(spans[0][0])
            form[f"{day}_close"].data = time.fromisoformat(spans[0][1])
