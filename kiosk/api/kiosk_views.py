"""The tablet's API: pair with a code, then fetch what to show. Submissions use /api/v1/submissions."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify

from kiosk.api.auth import require_device
from kiosk.api.body import json_object
from kiosk.api.errors import BadRequest
from kiosk.database import begin_write
from kiosk.devices import PairingFailed, mark_seen, pair
from kiosk.extensions import db
from kiosk.periods import local_today
from kiosk.tablet.setup import NoKioskForm, kiosk_config

bp = Blueprint("kiosk_api", __name__, url_prefix="/api/v1/kiosk")


@bp.post("/pair")
def pair_device():
    """Trade a one-time pairing code for the tablet's long-lived token."""
    code = json_object().get("code")
    if not isinstance(code, str) or not code.strip():
        raise BadRequest("code", 'Send the pairing code as {"code": "ABCDE-FGHJK"}.')
    # No rate limit: kiosk/devices.py says why guessing a code is hopeless without one.
    begin_write(db.session)
    try:
        device, token = pair(db.session, code, now=datetime.now(UTC))
    except PairingFailed:
        raise BadRequest("code", "This pairing code is unknown, used or expired.", 404, "pairing_failed") from None
    db.session.commit()
    return (
        jsonify(
            token=token,
            device={"id": device.id, "name": device.name},
            location={"id": device.location.id, "name": device.location.name},
        ),
        201,
    )


@bp.get("/config")
def config():
    """Return everything the tablet needs to run offline: its form, texts, timings and hours."""
    begin_write(db.session)  # notes the day the tablet was last seen
    now = datetime.now(UTC)
    device = require_device()
    mark_seen(db.session, device, local_today(current_app.config["TIMEZONE"], now))
    try:
        data = kiosk_config(db.session, device, now=now, app_config=current_app.config)
    except NoKioskForm:
        db.session.commit()
        raise BadRequest("form", "No form is chosen for this tablet's location.", 409, "no_form") from None
    db.session.commit()
    return jsonify(data)
