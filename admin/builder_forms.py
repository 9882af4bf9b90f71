"""WTForms for the form builder, tablets and short links, and the builder's messages in Norwegian."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from kiosk.models import Question, QuestionKind
from kiosk.models.types import Texts
from kiosk.operations import SMILEY_LABELS, InvalidDraft, QuestionDraft

LANGS = ("nb", "nn", "en")
LANG_LABELS = {"nb": _l("Bokmål"), "nn": _l("Nynorsk"), "en": _l("Engelsk")}
KIND_LABELS = {
    QuestionKind.SMILEY: _l("Smilefjes (fem ansikter)"),
    QuestionKind.SCALE: _l("Skala med tall"),
    QuestionKind.YES_NO: _l("Ja eller nei"),
    QuestionKind.SINGLE_CHOICE: _l("Velg ett svar"),
    QuestionKind.MULTIPLE_CHOICE: _l("Velg ett eller flere svar"),
    QuestionKind.FREE_TEXT: _l("Fritekst"),
}
WHOLE_0_10 = _l("Bruk et helt tall fra 0 til 10.")
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


def _add_texts(cls: type, prefix: str, field: type[Field], required: Any = None, **kw: Any) -> None:
    """Add one field per language, named <prefix>_<lang>; with a required message, Bokmål must be filled in."""
    longest = kw.pop("max", 500)
    for lang in LANGS:
        needed = DataRequired(message=required) if required and lang == "nb" else Optional()
        validators = [needed, Length(max=longest, message=_l("Høyst %(max)d tegn.", max=longest))]
        setattr(cls, f"{prefix}_{lang}", field(LANG_LABELS[lang], validators=validators, render_kw=kw or None))


def texts_from(form: FlaskForm, prefix: str) -> Texts:
    """Return the filled-in texts of a prefix's language fields."""
    return {lang: text for lang in LANGS if (text := (form[f"{prefix}_{lang}"].data or "").strip())}


def texts_into(form: FlaskForm, prefix: str, texts: Texts | None) -> None:
    """Fill a prefix's language fields from stored texts."""
    for lang in LANGS:
        form[f"{prefix}_{lang}"].data = (texts or {}).get(lang, "")


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class NewFormForm(FlaskForm):
    """The name of a new form, as staff know it."""

    name = StringField(_l("Navn på skjemaet (bare for ansatte)"), validators=[DataRequired(), Length(max=120)])


class FormTextsForm(FlaskForm):
    """The form's name, and the draft's title and introduction in each language."""

    name = StringField(_l("Navn på skjemaet (bare for ansatte)"), validators=[DataRequired(), Length(max=120)])


_add_texts(FormTextsForm, "title", StringField, required=_l("Skriv en tittel på bokmål."), max=200)
_add_texts(FormTextsForm, "intro", TextAreaField, max=1000, rows=3)


class QuestionForm(FlaskForm):
    """One question: kind, texts, help, options (one per line per language) and scale."""

    kind = SelectField(_l("Type spørsmål"), choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()])
    # The kind whose fields the page showed; when the select changed, the page is shown again first.
    shown_kind = HiddenField()
    scale_min = IntegerField(
        _l("Laveste tall"), default=1, validators=[Optional(), NumberRange(0, 10, message=WHOLE_0_10)]
    )
    scale_max = IntegerField(
        _l("Høyeste tall"), default=5, validators=[Optional(), NumberRange(0, 10, message=WHOLE_0_10)]
    )

    @property
    def kind_value(self) -> QuestionKind:
        """Return the chosen kind."""
        return QuestionKind(self.kind.data)

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the fields, then what the chosen kind needs."""
        ok = super().validate(extra_validators)
        if self.shown_kind.data and self.shown_kind.data != self.kind.data:
            self.kind.errors = [
                *self.kind.errors,
                _("Typen er endret. Fyll inn feltene for den nye typen, og lagre igjen."),
            ]
            return False
        if self.kind_value.has_options:
            ok = self._check_options() and ok
        if self.kind_value is QuestionKind.SCALE:
            ok = self._check_scale() and ok
        return ok

    def _check_options(self) -> bool:
        count = len(_lines(self.options_nb.data))
        if self.kind_value is QuestionKind.SMILEY and count not in (0, 5):
            message = _("Skriv fem linjer, én for hvert ansikt fra verst til best, eller la feltet stå tomt.")
            self.options_nb.errors.append(message)
            return False
        if self.kind_value in CHOICE_KINDS and count < 2:
            self.options_nb.errors.append(_("Skriv minst to svaralternativer, ett på hver linje."))
            return False
        ok = True
        for lang in ("nn", "en"):
            lines = _lines(self[f"options_{lang}"].data)
            if lines and len(lines) != count:
                message = _(
                    "Skriv like mange linjer som på bokmål (%(count)d), i samme rekkefølge, eller la feltet stå tomt.",
                    count=count,
                )
                self[f"options_{lang}"].errors.append(message)
                ok = False
        return ok

    def _check_scale(self) -> bool:
        if self.scale_min.data is None or self.scale_max.data is None:
            self.scale_max.errors.append(_("Fyll inn både laveste og høyeste tall."))
            return False
        if self.scale_min.data >= self.scale_max.data:
            self.scale_max.errors.append(_("Høyeste tall må være større enn laveste tall."))
            return False
        return True

    def options(self) -> list[Texts]:
        """Return the options as labels, lines matched up across languages."""
        columns = {lang: _lines(self[f"options_{lang}"].data) for lang in LANGS}
        return [{lang: columns[lang][i] for lang in LANGS if i < len(columns[lang])} for i in range(len(columns["nb"]))]

    def to_draft(self) -> QuestionDraft:
        """Return the question as the domain takes it."""
        kind = self.kind_value
        scale = kind is QuestionKind.SCALE
        return QuestionDraft(
            kind=kind,
            text=texts_from(self, "text"),
            help=texts_from(self, "help"),
            options=self.options() if kind.has_options else [],
            scale_min=self.scale_min.data if scale else None,
            scale_max=self.scale_max.data if scale else None,
            scale_min_label=texts_from(self, "low") if scale else {},
            scale_max_label=texts_from(self, "high") if scale else {},
        )

    def fill(self, question: Question | None, kind: QuestionKind) -> None:
        """Fill the fields from a stored question, or with the defaults of a new one of kind."""
        self.kind.data = kind.value
        labels = (
            [o.label for o in question.options] if question else SMILEY_LABELS if kind is QuestionKind.SMILEY else []
        )
        for lang in LANGS:
            self[f"options_{lang}"].data = "\n".join(label.get(lang, "") for label in labels).strip()
        if question is None:
            return
        texts_into(self, "text", question.text)
        texts_into(self, "help", question.help)
        texts_into(self, "low", question.scale_min_label)
        texts_into(self, "high", question.scale_max_label)
        if question.scale_min is not None:
            self.scale_min.data, self.scale_max.data = question.scale_min, question.scale_max


_add_texts(
    QuestionForm,
    "text",
    TextAreaField,
    required=_l("Skriv spørsmålet på bokmål. Nynorsk og engelsk kan stå tomme."),
    rows=2,
)
_add_texts(QuestionForm, "help", StringField)
_add_texts(QuestionForm, "options", TextAreaField, max=4000, rows=5)
_add_texts(QuestionForm, "low", StringField, max=100)
_add_texts(QuestionForm, "high", StringField, max=100)


class DeviceForm(FlaskForm):
    """A new tablet: where it stands and what staff call it."""

    location = SelectField(_l("Sted"), coerce=int)
    name = StringField(
        _l("Navn på nettbrettet"), default=_l("Nytt nettbrett"), validators=[DataRequired(), Length(max=120)]
    )


class RenameForm(FlaskForm):
    """A tablet's new name."""

    name = StringField(_l("Nytt navn"), validators=[DataRequired(), Length(max=120)])


class MoveForm(FlaskForm):
    """The location a tablet moves to."""

    location = SelectField(_l("Flytt til"), coerce=int)


class LinkForm(FlaskForm):
    """A published form at a location: the pair a short link leads to."""

    form = SelectField(_l("Skjema"), coerce=int)
    location = SelectField(_l("Sted"), coerce=int)


def draft_message(error: InvalidDraft) -> str:
    """Return a kind Norwegian explanation of what the domain refused in a draft."""
    texts = {
        "smiley_faces": _(
            "Et smilefjes-spørsmål har nøyaktig fem ansikter. Skriv fem linjer, eller la feltet stå tomt."
        ),
        "choice_options": _("Et valgspørsmål trenger minst to svaralternativer, ett på hver linje."),
        "scale_range": _("En skala går mellom to hele tall fra 0 til 10, og det laveste kommer først."),
        "question_text": _("Hvert spørsmål trenger en tekst på bokmål."),
        "title": _("Skjemaet trenger en tittel på bokmål."),
    }
    return texts.get(error.key, _("Spørsmålet kunne ikke lagres slik det er. Se over feltene og prøv igjen."))
