"""A published form's questions as HTML, rendered once per process for each language.

The honeypot and the questions of a blank form (what a phone GETs from /s/<code>) depend only on the form version, the
language and the text limit, and a published version never changes (kiosk/published.py), so the HTML
made for the first phone serves the next ones. Rendering the inputs through WTForms was most of the
form page's time. A form shown again with what was typed, or with errors, is rendered afresh; so is a
draft, and everything in debug mode (templates reload there). At most CACHED forms are kept, the ones
asked for most recently, so that a worker that runs for months holds only the forms in use.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app, render_template
from markupsafe import Markup

from kiosk.public.forms import build_form_class
from kiosk.published import VersionView

CACHED = 256  # a form version in one language is 5-20 kB of HTML
_cache: OrderedDict[tuple[int, str, int], Markup] = OrderedDict()
_lock = threading.Lock()  # a worker's threads share the cache


def blank_questions(version: VersionView, lang: str, max_text: int) -> Markup:
    """Return the honeypot and the questions of version in lang as HTML, with nothing filled in."""
    key = (version.id, lang, max_text)
    with _lock:
        html = _cache.get(key)
        if html is not None:
            _cache.move_to_end(key)
            return html
    form = build_form_class(version, lang, max_text)(formdata=None)
    html = Markup(render_template("kiosk/_questions.html", version=version, form=form, lang=lang))
    if version.published and not current_app.debug:
        with _lock:
            _cache[key] = html
            while len(_cache) > CACHED:
                _cache.popitem(last=False)
    return html


def clear() -> None:
    """Forget every rendered form (tests start each app on a fresh database, where ids mean other forms)."""
    with _lock:
        _cache.clear()
