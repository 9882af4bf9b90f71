"""WTForms classes built from a form version, one field per question."""

from __future__ import annotations

import functools
from typing import Any

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from kiosk.models import QuestionKind
from kiosk.models.types import pick
from kiosk.published import QuestionView, VersionView


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes, any number of them ticked."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@functools.lru_cache(maxsize=8)
def _wtforms_messages(locale: str) -> support.NullTranslations:
    """Return WTForms' own messages in a language, read once per process."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class PublicForm(FlaskForm):
    """Base of every respondent form: a honeypot that people never see and simple bots fill in."""

    class Meta:
        def get_translations(self, form: Any) -> support.NullTranslations:
            """Return WTForms' messages in the request's language (Flask-WTF reads the file on every request)."""
            return _wtforms_messages(str(get_locale()))

    website = StringField(validators=[Optional()], render_kw={"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_bot(self) -> bool:
        """Return True when the honeypot was filled in."""
        return bool((self.website.data or "").strip())


def field_name(question: QuestionView) -> str:
    """Return the form field name of a question."""
    return f"q{question.id}"


_classes: dict[tuple[int, str, int], type[PublicForm]] = {}


def build_form_class(version: VersionView, lang: str, max_text: int) -> type[PublicForm]:
    """Return a PublicForm subclass with a field for each question of version (made once per published version)."""
    key = (version.id, lang, max_text)
    cached = _classes.get(key)
    if cached is not None and version.published:
        return cached
    fields: dict[str, Field] = {}
    for question in version.questions:
        fields[field_name(question)] = _field_for(question, lang, max_text)
    made = type("ResponseForm", (PublicForm,), fields)
    if version.published:
        _classes[key] = made
    return made


def _field_for(q: QuestionView, lang: str, max_text: int) -> Any:
    label = pick(q.text, lang)
    if q.kind is QuestionKind.SMILEY:
        choices = [SelectChoice(str(o.position), pick(o.label, lang)) for o in q.options]
        return RadioField(label, choices=choices, validators=[Optional()], validate_choice=True)
    if q.kind is QuestionKind.SCALE:
        low = q.scale_min if q.scale_min is not None else 1
        high = q.scale_max if q.scale_max is not None else 5
        return RadioField(label, choices=[SelectChoice(str(n)) for n in range(low, high + 1)], validators=[Optional()])
    if q.kind is QuestionKind.YES_NO:
        from flask_babel import force_locale, gettext

        with force_locale(lang):
            choices = [SelectChoice("1", gettext("Ja")), SelectChoice("0", gettext("Nei"))]
        return RadioField(label, choices=choices, validators=[Optional()])
    if q.kind is QuestionKind.SINGLE_CHOICE:
        return RadioField(
            label, choices=[SelectChoice(str(o.id), pick(o.label, lang)) for o in q.options], validators=[Optional()]
        )
    if q.kind is QuestionKind.MULTIPLE_CHOICE:
        return MultiCheckboxField(
            label, choices=[SelectChoice(str(o.id), pick(o.label, lang)) for o in q.options], validators=[Optional()]
        )
    # No maxlength: a browser would cut a pasted text silently. The server says kindly when it is too long,
    # and keeps the text; a small script counts down near the limit.
    too_long = _l(
        "Teksten er for lang: %(length)d tegn. Gjør den kortere, til høyst %(max)d tegn. Teksten din er tatt vare på."
    )
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=max_text, message=too_long)],
        render_kw={"data-max": max_text, "maxlength": False},
    )


def raw_answers(form: PublicForm, version: VersionView) -> dict[str, Any]:
    """Return the answers in the API's shape, {"<question id>": value}, for the shared validation."""
    raw: dict[str, Any] = {}
    for q in version.questions:
        data = form[field_name(q)].data
        if data in (None, "", []):
            continue
        if q.kind is QuestionKind.YES_NO:
            raw[str(q.id)] = data == "1"
        elif q.kind is QuestionKind.MULTIPLE_CHOICE:
            raw[str(q.id)] = [int(v) for v in data]
        elif q.kind is QuestionKind.FREE_TEXT:
            raw[str(q.id)] = data
        else:
            raw[str(q.id)] = int(data)
    return raw


class ReceiptOfferForm(FlaskForm):
    """The button that asks for a receipt code: nothing but the CSRF token."""


class ReceiptCodeForm(FlaskForm):
    """The receipt code, typed by hand; checked by kiosk.receipts.normalise, which forgives case and spaces."""

    code = StringField(
        _l("Koden din"),
        validators=[Optional(), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
