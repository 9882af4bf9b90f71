"""/kvittering: type a receipt code and see, in plain words, what happened to what you wrote.

The code is posted, never put in a URL, so no log line or browser history holds it. Wrong codes
are limited by one token bucket for the whole process (kiosk/receipts.py has the numbers).
"""

from __future__ import annotations

import math

from flask import Blueprint, current_app, render_template

from kiosk.extensions import db
from kiosk.i18n import LANGUAGE_NAMES, current_language
from kiosk.public.forms import ReceiptCodeForm
from kiosk.ratelimit import TokenBucket
from kiosk.receipts import normalise, status

bp = Blueprint("receipts", __name__)
_EVERYONE = "all"


def _limiter() -> TokenBucket:
    config = current_app.config
    return current_app.extensions.setdefault(
        "siifra_receipt_failures",
        TokenBucket(config["RECEIPT_FAILURES_PER_MINUTE"], config["RECEIPT_FAILURES_BURST"]),
    )


def _page(form: ReceiptCodeForm, code: int = 200, headers: dict[str, str] | None = None, **context):
    html = render_template(
        "kiosk/receipt.html", form=form, lang=current_language(), languages=LANGUAGE_NAMES, **context
    )
    return html, code, headers or {}


@bp.get("/kvittering")
def ask():
    """Show the form to type a receipt code."""
    return _page(ReceiptCodeForm(formdata=None))


@bp.post("/kvittering")
def show():
    """Show what happened to the free text a code follows; a kind page for a wrong code."""
    form = ReceiptCodeForm()
    if not form.validate():
        return _page(form, 400, stale=True)
    wait = _limiter().wait(_EVERYONE)
    if wait:
        return _page(form, 429, {"Retry-After": str(math.ceil(wait))}, busy=True)
    code = normalise(form.code.data or "")
    items = status(db.session, code, lang=current_language()) if code else None
    if items is None:
        _limiter().take(_EVERYONE)
        return _page(form, 404, unknown=True)
    # The code stays out of the page that shows the status: a shared screen shows where it went, not the key.
    return _page(ReceiptCodeForm(formdata=None), items=items)
