"""Device tokens on API requests, and the per-device rate limit."""

from __future__ import annotations

import math

from flask import current_app, request

from kiosk.api.errors import BadRequest
from kiosk.devices import NotPaired, authenticate
from kiosk.extensions import db
from kiosk.models import Device
from kiosk.ratelimit import TokenBucket


def bearer_token() -> str | None:
    """Return the bearer token of the request, or None when it has no Authorization header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def device_from_request() -> Device | None:
    """Return the tablet behind the request's token, None without one; a bad token is 401."""
    token = bearer_token()
    if token is None:
        return None
    try:
        return authenticate(db.session, token)
    except NotPaired:
        raise BadRequest("Authorization", "This tablet is not set up, or it was revoked.", 401, "not_paired") from None


def require_device() -> Device:
    """Return the tablet behind the request's token; no token is 401 as well."""
    device = device_from_request()
    if device is None:
        raise BadRequest("Authorization", "This tablet is not set up.", 401, "not_paired")
    return device


def throttle(device_id: int) -> None:
    """Refuse with 429 and Retry-After when one tablet sends faster than any person can tap."""
    config = current_app.config
    limiter = current_app.extensions.setdefault(
        "siifra_tablet_limit", TokenBucket(config["KIOSK_RATE_PER_MINUTE"], config["KIOSK_RATE_BURST"])
    )
    wait = limiter.take(device_id)
    if wait:
        message = "Too many answers from this tablet; try again shortly."
        raise BadRequest("Authorization", message, 429, "rate_limited", math.ceil(wait))
