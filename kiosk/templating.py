"""Helpers available in every template."""

from __future__ import annotations

import uuid

from flask import Flask

from kiosk.models.types import pick


def init_app(app: Flask) -> None:
    """Register the template globals."""
    app.jinja_env.globals.update(pick=pick, new_key=lambda: str(uuid.uuid4()))
