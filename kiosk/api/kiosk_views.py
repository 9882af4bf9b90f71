"""The tablet's API: pair with a code, then fetch what to show. Submissions use /api/v1/submissions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify

from kiosk.api.auth import require_device, throttle
from kiosk.api.body import json_object
from kiosk.api.errors import BadRequest
from kiosk.database import begin_write
from kiosk.devices import PairingFailed, mark_seen, pair
from kiosk.extensions import db
from kiosk.periods import local_today
from kiosk.receipts import NoFreeText, ReceiptTaken, attach_for_device, normalise
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


@bp.post("/receipts")
def add_receipt():
    """Attach a receipt code made on the tablet to the free text it sent under an idempotency key.

    The tablet makes the code itself, so that it can show it offline; it queues this request and
    sends it after the submission. The same code again is a success that changes nothing.
    """
    begin_write(db.session)
    device = require_device()
    throttle(device.id)
    payload = json_object()
    try:
        key = uuid.UUID(str(payload.get("key")))
    except ValueError:
        raise BadRequest("key", "key must be the submission's Idempotency-Key, a UUID.") from None
    code = normalise(payload["code"]) if isinstance(payload.get("code"), str) else None
    if code is None:
        raise BadRequest("code", "code must be ten characters from the short-link alphabet.")
    try:
        attach_for_device(db.session, key, code, device.id)
    except NoFreeText:
        raise BadRequest("key", "This tablet sent no free text under this key.", 404, "unknown_submission") from None
    except ReceiptTaken:
        raise BadRequest("code", "This free text already has another receipt code.", 409, "receipt_taken") from None
    db.session.commit()
    return jsonify(status="stored"), 201
