"""Kind error pages for people, JSON errors for the API; never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from kiosk.extensions import db
from kiosk.i18n import LANGUAGE_NAMES, current_language


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _messages(code: int) -> tuple[str, str]:
    if code == 404:
        return _("Vi finner ikke denne siden"), _(
            "Lenken er kanskje skrevet feil, eller skjemaet er ikke i bruk lenger. Sjekk koden på plakaten, "
            "eller spør en ansatt."
        )
    if code == 413:
        return _("Svaret er for langt"), _("Prøv å korte ned teksten, og send igjen.")
    if code == 405:
        return _("Dette går ikke her"), _("Gå tilbake og prøv igjen.")
    if code >= 500:
        return _("Noe gikk galt hos oss"), _(
            "Svarene dine ble ikke lagret denne gangen. Vent litt, og prøv igjen. Feilen er meldt til oss."
        )
    return _("Noe gikk galt"), _("Gå tilbake og prøv igjen.")


def _http_error(error: HTTPException):
    code = error.code or 500
    # Allow (405), Retry-After and the like belong to the answer whatever its body.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if _wants_json():
        response = jsonify(error=error.name.lower().replace(" ", "_"), field="body", message=error.description)
        response.status_code = code
        response.headers.extend(headers)
        return response
    if code == 404 and request.path.startswith("/s/"):
        # A poster's code typed wrong: say so, and offer to try another one right here.
        typed = request.path.removeprefix("/s/").split("/")[0][:40]
        html = render_template(
            "kiosk/enter_code.html", typed=typed, unknown=True, lang=current_language(), languages=LANGUAGE_NAMES
        )
        return html, code, headers
    heading, message = _messages(code)
    html = render_template(
        "kiosk/error.html", heading=heading, message=message, lang=current_language(), languages=LANGUAGE_NAMES
    )
    return html, code, headers


def _unexpected(error: Exception):
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    if _wants_json():
        return jsonify(error="internal_error", message="Something went wrong; nothing was stored. Try again."), 500
    heading, message = _messages(500)
    return render_template("kiosk/error.html", heading=heading, message=message, lang=current_language()), 500
