"""Every text the tablet shows, in every language, sent to it once so it works offline."""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask import current_app
from flask_babel import force_locale, get_translations
from flask_babel import lazy_gettext as _l

TEXTS = {
    "tap_prompt": _l("Trykk på et fjes"),
    "thanks": _l("Takk!"),
    "thanks_saved": _l("Svaret ditt er tatt vare på."),
    "say_more": _l("Vil du si mer?"),
    "say_more_yes": _l("Ja, si mer"),
    "say_more_no": _l("Nei, ferdig"),
    "next": _l("Neste"),
    "skip": _l("Hopp over"),
    "done": _l("Ferdig"),
    "start_over": _l("Start på nytt"),
    "read_aloud": _l("Les opp"),
    "yes": _l("Ja"),
    "no": _l("Nei"),
    "choose_many": _l("Velg så mange du vil."),
    "free_text_hint": _l("Ikke skriv navn eller andre ting som viser hvem du er."),
    "text_hidden": _l("Teksten er skjult. Trykk for å vise den."),
    "question_of": _l("Spørsmål {n} av {total}"),
    "help_title": _l("Har du det vondt nå? Du er ikke alene."),
    "help_body": _l("Snakk med noen. Det er gratis, og du kan være anonym."),
    "help_116123": _l("Mental Helse hjelpetelefon – hele døgnet"),
    "help_116117": _l("Legevakt"),
    "help_113": _l("Når livet er i fare"),
    "help_anonymous": _l(
        "Svaret ditt er anonymt. Ingen vet hvem som skrev det, så ingen kan ringe deg. Ta kontakt selv, eller snakk med en ansatt."
    ),
    "anonymous": _l("Vi vet ikke hvem du er. Vi lagrer bare svaret, stedet og dagen – ikke klokkeslettet."),
    "language": _l("Språk"),
    "not_set_up_title": _l("Dette nettbrettet er ikke satt opp"),
    "not_set_up_body": _l("Spør en av de ansatte om hjelp."),
    "no_form_body": _l("Ingen skjema er valgt for dette stedet ennå. Spør en av de ansatte."),
    "pair_title": _l("Koble til nettbrettet"),
    "pair_label": _l("Koden fra de ansatte"),
    "pair_button": _l("Koble til"),
    "pair_failed": _l("Koden virker ikke. Den kan være brukt eller for gammel. Be om en ny kode."),
    "pair_offline": _l("Nettbrettet er uten nett. Koble til nettet og prøv igjen."),
    "sleep_title": _l("Vi har stengt nå"),
    "sleep_body": _l("Kom gjerne tilbake når vi har åpent."),
    "receipt_offer": _l("Vil du følge med på hva som skjer med det du skrev?"),
    "receipt_offer_body": _l("Du får en kode. Ingen vet hvem som har den."),
    "receipt_yes": _l("Ja, gi meg en kode"),
    "receipt_no": _l("Nei takk"),
    "receipt_title": _l("Koden din"),
    "receipt_keep": _l("Skriv den ned eller ta bilde av den. Den forsvinner når skjermen starter på nytt."),
    "receipt_where": _l("Gå hit og skriv koden, så ser du hva som skjer med det du skrev:"),
    "smiley_1": _l("Veldig dårlig"),
    "smiley_2": _l("Dårlig"),
    "smiley_3": _l("Sånn passe"),
    "smiley_4": _l("Bra"),
    "smiley_5": _l("Veldig bra"),
    # "Dette har vi gjort" on the idle screen: what people said, and what the service did about it.
    "ledger_title": _l("Dette har vi gjort"),
    "ledger_heard": _l("Dere sa:"),
    "ledger_reason": _l("Grunnen er:"),
}


def _n(singular: str, plural: str) -> tuple[str, str]:
    """Mark a text that names a count ({n}) for extraction; it is translated for each plural form."""
    return singular, plural


COUNTS = {
    "idle_countdown": _n(
        "Starter på nytt om {n} sekund. Trykk hvor som helst for å fortsette.",
        "Starter på nytt om {n} sekunder. Trykk hvor som helst for å fortsette.",
    ),
    "pending": _n("{n} svar venter på å bli sendt", "{n} svar venter på å bli sendt"),
    "chars_left": _n("{n} tegn igjen", "{n} tegn igjen"),
    "chars_over": _n("{n} tegn for mye. Gjør teksten litt kortere.", "{n} tegn for mye. Gjør teksten litt kortere."),
}


@cache
def plural_examples(lang: str) -> dict[str, int]:
    """Return {CLDR plural category: the smallest whole number in it} for a language."""
    rule = Locale.parse(lang).plural_form
    examples: dict[str, int] = {}
    for n in range(1000):
        examples.setdefault(rule(n), n)
    return examples


def texts_in(lang: str) -> dict[str, str]:
    """Return {key: text} in one language; a count's texts as key_one, key_other and so on.

    The tablet picks the form with Intl.PluralRules, which names the same CLDR categories as Babel.
    """
    with force_locale(lang):
        texts = {key: str(text) for key, text in TEXTS.items()}
        translations = get_translations()
        for key, (singular, plural) in COUNTS.items():
            for category, n in plural_examples(lang).items():
                texts[f"{key}_{category}"] = translations.ngettext(singular, plural, n)
    return texts


def all_texts() -> dict[str, dict[str, str]]:
    """Return {language: {key: text}} for every configured language."""
    return {lang: texts_in(lang) for lang in current_app.config["LANGUAGES"]}
