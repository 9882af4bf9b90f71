"""Which languages a form version fully has: respondents are offered only those."""
from __future__ import annotations

from flask import g
from flask_babel import refresh

from kiosk.i18n import LANGUAGE_NAMES, current_language
from kiosk.models import FormVersion
from kiosk.models.types import Texts


def _texts(version: FormVersion) -> list[Texts]:
    """Return every text of a version that respondents see."""
    texts = [version.title, version.intro or {}]
    for q in version.questions:
        texts += [q.text, q.help or {}, q.scale_min_label or {}, q.scale_max_label or {}]
        texts += [o.label for o in q.options]
    return texts


def missing_texts(version: FormVersion) -> dict[str, int]:
    """Return, per language other than Bokmål, how many of the version's texts lack a translation."""
    missing = {lang: 0 for lang in LANGUAGE_NAMES if lang != "nb"}
    for texts in _texts(version):
        if not texts.get("nb"):
            continue
        for lang in missing:
            if not texts.get(lang):
                missing[lang] += 1
    return missing


def languages_of(version: FormVersion) -> dict[str, str]:
    """Return {code: name} of the languages the version has every text in; Bokmål always."""
    missing = missing_texts(version)
    return {code: name for code, name in LANGUAGE_NAMES.items() if code == "nb" or not missing.get(code)}


def use_language_of(version: FormVersion) -> str:
    """Make the request speak a language the version fully has (Bokmål when the chosen one is missing)."""
    lang = current_language()
    if lang not in languages_of(version):
        g.lang = "nb"
        refresh()
    return g.lang
