"""The form for a theme: its name and keywords in each language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from kiosk.models import Theme
from kiosk.models.types import Texts

LANGS = ("nb", "nn", "en")
NAMES = {"nb": _l("Navn på bokmål"), "nn": _l("Navn på nynorsk"), "en": _l("Navn på engelsk")}
WORDS = {"nb": _l("Nøkkelord på bokmål"), "nn": _l("Nøkkelord på nynorsk"), "en": _l("Nøkkelord på engelsk")}


class ThemeForm(FlaskForm):
    """A theme's name and keywords per language; a keyword ending in * also matches longer words."""

    def names(self) -> Texts:
        """Return the names that are filled in."""
        return {lang: text for lang in LANGS if (text := (self[f"name_{lang}"].data or "").strip())}

    def keyword_lists(self) -> dict[str, list[str]]:
        """Return the keywords per language: one per line or comma, in lower case."""
        out = {}
        for lang in LANGS:
            raw = (self[f"words_{lang}"].data or "").replace(",", "\n")
            words = [w.strip().casefold() for w in raw.splitlines() if w.strip()]
            if words:
                out[lang] = words
        return out

    def fill(self, theme: Theme) -> None:
        """Show a stored theme in the fields."""
        for lang in LANGS:
            self[f"name_{lang}"].data = theme.name.get(lang, "")
            self[f"words_{lang}"].data = "\n".join((theme.keywords or {}).get(lang, []))

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the fields, and that there is at least one keyword."""
        ok = super().validate(extra_validators)
        if ok and not self.keyword_lists():
            self.words_nb.errors = [*self.words_nb.errors, _l("Skriv minst ett nøkkelord.")]
            return False
        return ok


for _lang in LANGS:
    required = [DataRequired()] if _lang == "nb" else [Optional()]
    setattr(ThemeForm, f"name_{_lang}", StringField(NAMES[_lang], validators=[*required, Length(max=80)]))
    setattr(
        ThemeForm,
        f"words_{_lang}",
        TextAreaField(WORDS[_lang], validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}),
    )
