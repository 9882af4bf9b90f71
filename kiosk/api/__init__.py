"""The JSON API: /api/v1 for forms and submissions, /api/v1/kiosk for tablets."""

from __future__ import annotations

from flask import Flask, jsonify

from kiosk.api.errors import BadRequest
from kiosk.extensions import csrf, db


def init_app(app: Flask) -> None:
    """Register the API blueprints and their JSON errors."""
    from kiosk.api.kiosk_views import bp as kiosk_bp
    from kiosk.api.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(kiosk_bp)
    # The API takes JSON only and authenticates tablets with a bearer token, never a cookie, so a
    # cross-site page cannot forge a request without a CORS preflight that is never granted.
    csrf.exempt(bp)
    csrf.exempt(kiosk_bp)
    app.register_error_handler(BadRequest, _bad_request)


def _bad_request(error: BadRequest):
    db.session.rollback()
    response = jsonify(error=error.code, field=error.field, message=error.message)
    response.status_code = error.status
    if error.retry_after:
        response.headers["Retry-After"] = str(error.retry_after)
    return response
