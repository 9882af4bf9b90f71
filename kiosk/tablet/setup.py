"""What a paired tablet shows: its location's form, timings, opening hours, texts and "Dette har vi gjort"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.api.serialize import link_json
from kiosk.ledger import latest_for_location, public_json
from kiosk.links import UnknownLink, resolve_link
from kiosk.models import Device, Form, ShortLink
from kiosk.moderation.crisis import crisis_phrases
from kiosk.operations import create_link
from kiosk.periods import local_today
from kiosk.published import published_view
from kiosk.receipts import LENGTH as RECEIPT_LENGTH
from kiosk.shortcodes import ALPHABET
from kiosk.tablet.texts import all_texts
from kiosk.urls import receipt_address

# Enough for the idle screen to turn through in a minute or so, and few enough to keep the configuration small.
LEDGER_ENTRIES = 6


class NoKioskForm(LookupError):
    """The tablet's location has no form to show."""


def kiosk_link(session: Session, device: Device, *, now: datetime) -> ShortLink:
    """Return the short link of the form the tablet shows, making one for the chosen form if needed."""
    location = device.location
    if location.kiosk_form_id is not None:
        form = session.get_one(Form, location.kiosk_form_id)
        if form.retired_at is None and form.published is not None:
            return create_link(session, form, location, now=now)
    links = session.scalars(
        select(ShortLink)
        .join(Form, Form.id == ShortLink.form_id)
        .where(ShortLink.location_id == location.id, ShortLink.retired_at.is_(None), Form.retired_at.is_(None))
        .order_by(ShortLink.form_id)
    )
    for link in links:
        if link.form.published is not None:
            return link
    raise NoKioskForm(location.name)


def kiosk_config(session: Session, device: Device, *, now: datetime, app_config: Any) -> dict[str, Any]:
    """Return the tablet's configuration as JSON-ready data."""
    link = kiosk_link(session, device, now=now)
    try:
        target = resolve_link(session, link.code)
    except UnknownLink:
        raise NoKioskForm(device.location.name) from None
    version = published_view(session, target.version_id)
    location = device.location
    return {
        "device": {"id": device.id, "name": device.name},
        **link_json(target, version),
        "idle_reset_seconds": location.idle_reset_seconds,
        "opening_hours": location.opening_hours or {},
        "sleep_outside_hours": location.sleep_outside_hours,
        "timezone": location.timezone,
        "today": local_today(location.timezone, now).isoformat(),
        "max_backdate_days": app_config["MAX_BACKDATE_DAYS"],
        "burst_per_minute": app_config["KIOSK_BURST_PER_MINUTE"],
        "max_free_text": app_config["MAX_FREE_TEXT"],
        "languages": version.languages,
        "texts": all_texts(),
        # Checked on the tablet, offline too: typed text that suggests danger shows where to get help.
        "crisis_phrases": crisis_phrases(),
        # With the configuration, so the wall keeps showing them offline and after a restart.
        "ledger": tablet_ledger(session, location.id, version.languages),
        # The tablet makes receipt codes itself (it may be offline), from the same alphabet as the server.
        "receipt": {"alphabet": ALPHABET, "length": RECEIPT_LENGTH, "address": receipt_address()},
    }


def tablet_ledger(session: Session, location_id: int, languages: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Return {language: entries} of what the location's idle screen shows, its latest entries first."""
    entries = latest_for_location(session, location_id, limit=LEDGER_ENTRIES)
    return {lang: [public_json(entry, lang) for entry in entries] for lang in languages}
