"""The JSON API used by the tablet kiosk: /api/v1."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Any

from flask import Blueprint, current_app, jsonify, request

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
    UnknownLink,
    body_hash,
    check_day,
    resolve_link,
    store_submission,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class BadRequest(Exception):
    """The request is malformed; field names the part that is wrong."""

    def __init__(self, field: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


@bp.errorhandler(BadRequest)
def _bad_request(error: BadRequest):
    db.session.rollback()
    return jsonify(error="invalid", field=error.field, message=error.message), error.status


@bp.get("/links/<code>")
def get_link(code: str):
    """Return the form behind a short link."""
    try:
        target = resolve_link(db.session, code)
    except UnknownLink:
        return jsonify(error="unknown_link", field="link", message="No active form has this link."), 404
    version = db.session.get_one(FormVersion, target.version_id)
    return jsonify(link_json(target, version))


@bp.post("/submissions")
def post_submission():
    """Store one submission; a retry with the same Idempotency-Key returns the first result."""
    payload = _json_body()
    key = _idempotency_key()
    begin_write(db.session)
    try:
        target = resolve_link(db.session, payload["link"])
    except UnknownLink:
        raise BadRequest("link", "No active form has this link.", 404) from None
    now = datetime.now(timezone.utc)
    day = _reported_day(payload.get("day"), local_today(target.timezone, now))
    try:
        rows = validate_answers(spec_for(db.session, target.version_id), payload["answers"], _max_text())
        stored = store_submission(
            db.session,
            target,
            rows,
            channel="qr",
            now=now,
            day=day,
            period_unit=current_app.config["TIME_BUCKET"],
            key=key,
            request_hash=body_hash(payload),
        )
    except InvalidAnswer as error:
        raise BadRequest(error.field, error.message) from None
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
    unknown = set(payload) - {"link", "answers", "day"}
    if unknown:
        raise BadRequest(sorted(unknown)[0], "Unknown field.")
    return payload


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
