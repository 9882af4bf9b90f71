"""Language choice: Bokmål by default, Nynorsk and English, chosen by ?lang= or the browser."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext

from flask import current_app, g, has_request_context, request, session
from flask_babel import refresh
from werkzeug.exceptions import HTTPException

LANGUAGE_NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}


def select_locale() -> str:
    """Return the language for this request."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or _form_lang()
    staff_page = request.path.startswith("/admin")
    if chosen in languages:
        if staff_page:
            # Staff pick a language once; respondents' choice is never remembered.
            session["admin_lang"] = chosen
        return str(chosen)
    remembered = session.get("admin_lang") if staff_page else None
    if remembered in languages:
        return str(remembered)
    best = request.accept_languages.best_match(["nb", "no", "nn", "en"])
    if best == "no":
        best = "nb"
    if best in languages:
        return str(best)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def current_language() -> str:
    """Return the language code chosen for this request (Flask-Babel's locale selector too)."""
    lang = g.get("lang")
    if lang is None:
        lang = g.lang = select_locale()
    return str(lang)


def restrict_to(languages: Iterable[str]) -> str:
    """Make the request speak one of languages: Bokmål when the chosen one is not among them."""
    if current_language() not in languages:
        g.lang = "nb"
        refresh()
    return str(g.lang)


def _form_lang() -> str | None:
    # Reading the form of an oversized body raises 413; the error page still needs a language.
    try:
        return request.form.get("lang")
    except HTTPException:
        return None


def in_language(lang: str) -> AbstractContextManager[object]:
    """Return a context in which texts come in lang: Flask-Babel's force_locale, unless lang is already the one.

    force_locale drops the loaded catalogs, going and coming back, so the next text loads them again
    from disk; a page that shows many entries in the request's own language need not pay for that.
    """
    from flask_babel import force_locale, get_locale

    current = get_locale() if has_request_context() else None
    if current is not None and str(current) == lang:
        return nullcontext()
    return force_locale(lang)
