"""Helpers available in every template."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Flask
from flask_babel import format_date

from kiosk.models.types import pick
from kiosk.urls import receipt_address


def init_app(app: Flask) -> None:
    """Register the template globals."""
    app.jinja_env.globals.update(
        pick=pick, new_key=lambda: str(uuid.uuid4()), long_day=long_day, receipt_address=receipt_address
    )


def long_day(iso: str) -> str:
    """Return a day given as YYYY-MM-DD in the request's language: "4. mars 2026", "March 4, 2026"."""
    return format_date(date.fromisoformat(iso), "long")
