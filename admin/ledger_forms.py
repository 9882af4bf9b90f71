"""The form for a ledger entry: what was heard and done in each language, its status, places and links."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from kiosk.ledger import MAX_TEXT, STATUS_NAMES
from kiosk.models import LedgerEntry, LedgerStatus
from kiosk.models.types import Texts

LANGS = ("nb", "nn", "en")
LANG_NAMES = {"nb": _l("Bokmål"), "nn": _l("Nynorsk"), "en": _l("Engelsk")}
# Each part is a fieldset with this legend and a text box per language.
PARTS = {
    "heard": _l("Dette hørte vi"),
    "done": _l("Dette gjorde eller bestemte vi"),
    "reason": _l("Hvorfor det ikke er mulig, med enkle ord"),
}


class EntryForm(FlaskForm):
    """An entry; texts in nb are needed, nn and en fall back to nb where left empty."""

    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, STATUS_NAMES[s]) for s in LedgerStatus])
    council = SelectField(_l("Brukerråd"), coerce=int)
    theme = SelectField(_l("Tema"), coerce=int)
    digest = SelectField(_l("Sammendrag det kom opp i"), coerce=int)
    milestones = TextAreaField(
        _l("Datoer underveis"),
        validators=[Optional(), Length(max=4000)],
        render_kw={"rows": 3, "placeholder": "2027-01-15 Nye stoler er bestilt"},
    )

    def texts(self, part: str) -> Texts:
        """Return one part (heard, done, reason) in every language that is filled in."""
        return {lang: text for lang in LANGS if (text := (self[f"{part}_{lang}"].data or "").strip())}

    def milestone_list(self) -> list[tuple[date, Texts]] | None:
        """Return the milestones, one per line as "YYYY-MM-DD what happens"; None when a line has no valid date."""
        out = []
        for line in (self.milestones.data or "").splitlines():
            if not line.strip():
                continue
            day, _sep, text = line.strip().partition(" ")
            try:
                out.append((date.fromisoformat(day), {"nb": text.strip()}))
            except ValueError:
                return None
        return out

    def fill(self, entry: LedgerEntry) -> None:
        """Show a stored entry in the fields."""
        for part in PARTS:
            for lang in LANGS:
                self[f"{part}_{lang}"].data = getattr(entry, part).get(lang, "")
        self.status.data = entry.status.value
        self.council.data = entry.council_id or 0
        self.theme.data = entry.theme_id or 0
        self.digest.data = entry.digest_id or 0
        self.milestones.data = "\n".join(f"{m.on.isoformat()} {m.text.get('nb', '')}" for m in entry.milestones)

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the fields, and that every milestone line starts with a date."""
        ok = super().validate(extra_validators)
        if self.milestone_list() is None:
            self.milestones.errors = [*self.milestones.errors, _l("Hver linje må begynne med en dato, som 2027-01-15.")]
            return False
        return ok


for _part in PARTS:
    for _lang in LANGS:
        setattr(
            EntryForm,
            f"{_part}_{_lang}",
            TextAreaField(LANG_NAMES[_lang], validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 2}),
        )
