"""The JSON API used by the tablet kiosk and by phones: /api/v1."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, timezone
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from kiosk.api.auth import bearer_token, device_from_request, throttle
from kiosk.api.errors import BadRequest
from kiosk.api.openapi import openapi_document
from kiosk.api.serialize import link_json
from kiosk.database import begin_write
from kiosk.extensions import db
from kiosk.formspec import InvalidAnswer, spec_for, validate_answers
from kiosk.models import FormVersion
from kiosk.periods import local_today
from kiosk.submissions import (
    IdempotencyConflict,
    InvalidDay,
    LinkTarget,
    UnknownLink,
    body_hash,
    check_day,
    is_published_version,
    resolve_link,
    store_submission,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
FIELDS = {"link", "answers", "day", "burst", "version_id"}


@bp.get("/links/<code>")
def get_link(code: str):
    """Return the form behind a short link."""
    try:
        target = resolve_link(db.session, code)
    except UnknownLink:
        raise BadRequest("link", "No active form has this link.", 404, "unknown_link") from None
    version = db.session.get_one(FormVersion, target.version_id)
    return jsonify(link_json(target, version))


@bp.post("/submissions")
def post_submission():
    """Store one submission; a retry with the same Idempotency-Key returns the first result."""
    payload = _json_body()
    key = _idempotency_key()
    now = datetime.now(timezone.utc)
    # A phone's post reads and checks first, in a deferred transaction that blocks no one, and holds
    # SQLite's write lock only for the inserts and the commit. A tablet's post writes from the start:
    # authenticating it notes the day it was seen.
    tablet = bearer_token() is not None
    if tablet:
        begin_write(db.session)
    device = device_from_request(now)
    if device is not None:
        throttle(device.id)
    try:
        target = resolve_link(db.session, payload["link"])
    except UnknownLink:
        raise BadRequest("link", "No active form has this link.", 404, "unknown_link") from None
    # A tablet may send answers queued before it was moved: the link says where they were given.
    target = _answered_version(target, payload.get("version_id"))
    day = _reported_day(payload.get("day"), local_today(target.timezone, now))
    try:
        rows = validate_answers(spec_for(db.session, target.version_id), payload["answers"], _max_text())
    except InvalidAnswer as error:
        raise BadRequest(error.field, error.message) from None
    if not tablet:
        db.session.rollback()  # end the read; a link retired since then is honoured as a moment earlier
        begin_write(db.session)
    try:
        stored = store_submission(
            db.session,
            target,
            rows,
            channel="kiosk" if device else "qr",
            now=now,
            day=day,
            period_unit=current_app.config["TIME_BUCKET"],
            key=key,
            request_hash=body_hash(payload),
            device_id=device.id if device else None,
            burst=bool(payload.get("burst")) and device is not None,
        )
    except IdempotencyConflict:
        raise BadRequest(
            "Idempotency-Key", "This key was already used with a different body; make a new key.", 422
        ) from None
    db.session.commit()
    response = jsonify(id=str(stored.id), status="stored")
    response.status_code = 201
    if stored.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.get("/openapi.json")
def openapi():
    """Describe the API."""
    return jsonify(openapi_document())


def _json_body() -> dict[str, Any]:
    if not request.is_json:
        raise BadRequest("body", "Send the submission as JSON with Content-Type: application/json.", 415)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise BadRequest("body", "The body is not a JSON object.")
    if not isinstance(payload.get("link"), str):
        raise BadRequest("link", "link must be the short link code, as a string.")
    if "answers" not in payload:
        raise BadRequest("answers", "answers is missing.")
    unknown = set(payload) - FIELDS
    if unknown:
        raise BadRequest(sorted(unknown)[0], "Unknown field.")
    if "burst" in payload and not isinstance(payload["burst"], bool):
        raise BadRequest("burst", "burst must be true or false.")
    return payload


def _answered_version(target: LinkTarget, version_id: Any) -> LinkTarget:
    """Return target with the form version the answers were given to, when the client names one.

    A tablet may queue answers offline while staff publish a new version; those answers still mean
    what they meant on the version that was shown.
    """
    if version_id is None or version_id == target.version_id:
        return target
    if not isinstance(version_id, int) or isinstance(version_id, bool):
        raise BadRequest("version_id", "version_id must be the id of the form version that was shown.")
    if not is_published_version(db.session, target.form_id, version_id):
        raise BadRequest("version_id", "This is not a published version of the link's form.")
    return replace(target, version_id=version_id)


def _idempotency_key() -> uuid.UUID:
    header = request.headers.get("Idempotency-Key")
    if header is None:
        raise BadRequest("Idempotency-Key", "Send an Idempotency-Key header: a UUID made once per submission.")
    try:
        return uuid.UUID(header)
    except ValueError:
        raise BadRequest("Idempotency-Key", "The Idempotency-Key header must be a UUID.") from None


def _reported_day(value: Any, today: date) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise BadRequest("day", "day must be a date written YYYY-MM-DD.")
    try:
        return check_day(day, today, current_app.config["MAX_BACKDATE_DAYS"])
    except InvalidDay:
        raise BadRequest("day", "day must not be in the future nor older than the kiosk may keep answers.") from None


def _max_text() -> int:
    return current_app.config["MAX_FREE_TEXT"]
