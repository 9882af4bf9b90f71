"""Helpers available in every template."""

from __future__ import annotations

import uuid

from flask import Flask

from kiosk.models.types import pick
from kiosk.urls import receipt_address


def init_app(app: Flask) -> None:
    """Register the template globals."""
    app.jinja_env.globals.update(pick=pick, new_key=lambda: str(uuid.uuid4()), receipt_address=receipt_address)
