"""The JSON API used by the tablet kiosk and by phones: /api/v1."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from kiosk.api.auth import device_from_request, throttle
from kiosk.api.body import json_object
from kiosk.api.errors import BadRequest
from kiosk.api.openapi import openapi_document
from kiosk.api.serialize import link_json
from kiosk.database import read_only
from kiosk.extensions import db
from kiosk.formspec import InvalidAnswer
from kiosk.links import LinkTarget, UnknownLink, resolve_link
from kiosk.published import published_view
from kiosk.submissions import (
    EmptySubmission,
    Given,
    IdempotencyConflict,
    InvalidDay,
    Rules,
    Stored,
    UnknownVersion,
    body_hash,
    submit,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
FIELDS = {"link", "answers", "day", "burst", "version_id"}
# Ids are PostgreSQL integers; anything outside never names a row, and must not reach the query.
MAX_ID = 2**31 - 1
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@bp.get("/links/<code>")
def get_link(code: str):
    """Return the form behind a short link."""
    read_only(db.session)
    target = _target(code)
    version = published_view(db.session, target.version_id)
    return jsonify(link_json(target, version))


@bp.post("/submissions")
def post_submission():
    """Store one submission; a retry with the same Idempotency-Key returns the first result."""
    payload = _submission_body()
    key = _idempotency_key()
    device = device_from_request()
    if device is not None:
        throttle(device.id)
    given = Given(
        answers=payload["answers"],
        channel="kiosk" if device else "qr",
        key=key,
        body_hash=body_hash(payload),
        day=_reported_day(payload.get("day")),
        version_id=_version_id(payload.get("version_id")),
        device_id=device.id if device else None,
        burst=bool(payload.get("burst")) and device is not None,
    )
    stored = _submit(_target(payload["link"]), given)
    db.session.commit()
    # help: the free text suggests someone may be in danger; a client shows where to get help.
    response = jsonify(id=str(stored.id), status="stored", help=stored.help)
    response.status_code = 201
    if stored.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _submit(target: LinkTarget, given: Given) -> Stored:
    """Run the submission service, turning its refusals into errors an integrator can act on."""
    try:
        return submit(db.session, target, given, now=datetime.now(UTC), rules=Rules.from_config(current_app.config))
    except InvalidAnswer as error:
        raise BadRequest(error.field, error.message) from None
    except EmptySubmission:
        raise BadRequest("answers", "Nothing is answered: answer at least one question.", 422, "empty") from None
    except UnknownVersion:
        raise BadRequest("version_id", "This is not a published version of the link's form.") from None
    except InvalidDay:
        raise BadRequest("day", "day must not be in the future nor older than the kiosk may keep answers.") from None
    except IdempotencyConflict:
        raise BadRequest(
            "Idempotency-Key", "This key was already used with a different body; make a new key.", 422
        ) from None


@bp.get("/openapi.json")
def openapi():
    """Describe the API."""
    return jsonify(openapi_document())


def _target(code: str) -> LinkTarget:
    try:
        return resolve_link(db.session, code)
    except UnknownLink:
        raise BadRequest("link", "No active form has this link.", 404, "unknown_link") from None


def _submission_body() -> dict[str, Any]:
    payload = json_object()
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


def _version_id(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_ID:
        raise BadRequest("version_id", "version_id must be the id of the form version that was shown.")
    return value


def _idempotency_key() -> uuid.UUID:
    header = request.headers.get("Idempotency-Key")
    if header is None:
        raise BadRequest("Idempotency-Key", "Send an Idempotency-Key header: a UUID made once per submission.")
    try:
        return uuid.UUID(header)
    except ValueError:
        raise BadRequest("Idempotency-Key", "The Idempotency-Key header must be a UUID.") from None


def _reported_day(value: Any) -> date | None:
    if value is None:
        return None
    day = None
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None:
        raise BadRequest("day", "day must be a date written YYYY-MM-DD.")
    return day
