"""The tablet's texts: a text with a count comes in every plural form its language has."""
from __future__ import annotations

import pytest

from kiosk.tablet.texts import COUNTS, plural_examples, texts_in


def test_a_count_has_its_singular_and_plural(app) -> None:
    with app.app_context():
        nb, en = texts_in("nb"), texts_in("en")
    assert nb["idle_countdown_one"] == "Starter på nytt om {n} sekund. Trykk hvor som helst for å fortsette."
    assert nb["idle_countdown_other"] == "Starter på nytt om {n} sekunder. Trykk hvor som helst for å fortsette."
    assert (nb["pending_one"], nb["pending_other"]) == ("{n} svar venter på å bli sendt",) * 2
    assert (en["pending_one"], en["pending_other"]) == ("{n} answer is waiting to be sent", "{n} answers are waiting to be sent")


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_every_form_of_every_count_names_the_count(app, lang: str) -> None:
    with app.app_context():
        texts = texts_in(lang)
    for key in COUNTS:
        assert key not in texts  # the tablet asks for key_one, key_other, never the bare key
        for category in plural_examples(lang):
            assert "{n}" in texts[f"{key}_{category}"], f"{lang} {key}_{category}"


def test_plural_forms_are_the_ones_the_tablet_asks_for() -> None:
    """Babel's categories are CLDR's, as Intl.PluralRules in the tablet's browser names them."""
    assert plural_examples("nb") == {"other": 0, "one": 1}
    assert plural_examples("pl") == {"many": 0, "one": 1, "few": 2}
