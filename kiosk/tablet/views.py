"""The tablet's pages: one offline-capable shell at /kiosk/, and its service worker."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory

from kiosk.tablet.texts import texts_in

bp = Blueprint("tablet", __name__, url_prefix="/kiosk")


@bp.get("/")
@bp.get("/pair")
def shell():
    """Serve the kiosk shell; the script decides between pairing, the form and "not set up"."""
    # Bokmål only: the shell speaks before the configuration (which brings every language) arrives,
    # and a tablet always starts in Bokmål.
    return render_template("kiosk/tablet/app.html", texts=texts_in("nb"))


@bp.get("/sw.js")
def service_worker():
    """Serve the service worker from /kiosk/ so that its scope covers the kiosk."""
    response = send_from_directory(
        current_app.static_folder or "static", "kiosk/sw.js", mimetype="text/javascript", max_age=0
    )
    response.headers["Service-Worker-Allowed"] = "/kiosk/"
    response.headers["Cache-Control"] = "no-cache"
    return response
