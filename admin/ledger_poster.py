"""The printable A4 "Dette har vi gjort" poster of a place: its latest entries, and the QR code to say more."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _

from admin.posters import _address_head, _templates, first_that_fits, poster_texts, qr_data_uri

TEMPLATE = "admin/posters/ledger.html"
# The most entries a poster shows; fewer, and then smaller type, until they fit on the page.
MOST = 5
TEXT_SCALES = (1.0, 0.88, 0.78)


def ledger_labels(lang: str) -> dict[str, str]:
    """Return the poster's own words in lang, with the feedback poster's words for the QR code."""
    with force_locale(lang):
        labels = {
            "title": _("Dette har vi gjort"),
            "intro": _("Dere har sagt ifra. Her er noe av det vi har gjort med det."),
            "heard": _("Dere sa:"),
            "reason": _("Grunnen er:"),
            "empty": _(
                "Her står det ikke noe ennå. Når vi har gjort noe med det dere har sagt, kan du lese om det her."
            ),
            "say_more": _("Si ifra du også!"),
            "all": _("Alt vi har gjort:"),
            "updated": _("Oppdatert"),
        }
    return {**poster_texts(lang), **labels}


def ledger_poster_pdf(
    *, url: str, code: str, location_name: str, entries: Sequence[dict[str, Any]], lang: str, today: date
) -> bytes:
    """Return the A4 PDF poster of a place's entries (kiosk.ledger.public_json, newest first) with url's QR code."""
    template = _templates.get_template(TEMPLATE)
    common = {
        "lang": lang,
        "labels": ledger_labels(lang),
        "qr_src": qr_data_uri(url),
        "url": url,
        "code": code,
        "address_head": _address_head(url, code),
        "location_name": location_name,
        "updated": format_date(today, "long", locale=lang),
    }

    def pages() -> Iterator[str]:
        # Big type matters most on a wall: long texts leave out the oldest entries before the type shrinks.
        for scale in TEXT_SCALES:
            for count in range(min(len(entries), MOST), 0, -1):
                yield template.render(**common, entries=entries[:count], scale=scale)
        if not entries:
            yield template.render(**common, entries=[], scale=1.0)

    return first_that_fits(pages())
