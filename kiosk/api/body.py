"""Reading a JSON body without trusting it: size, syntax, depth and text are checked before use."""

from __future__ import annotations

import json
from typing import Any

from flask import request

from kiosk.api.errors import BadRequest

# No request this API takes nests deeper than {"answers": {"12": [3, 4]}}; a deeper body is abuse, and
# a very deep one would exhaust the recursion limit somewhere (the parser, the hash, the logger).
MAX_DEPTH = 8


def json_object() -> dict[str, Any]:
    """Return the request's JSON body as a dict, or raise BadRequest naming what is wrong."""
    if not request.is_json:
        raise BadRequest("body", "Send the body as JSON with Content-Type: application/json.", 415)
    raw = request.get_data(cache=True)  # larger than MAX_CONTENT_LENGTH: werkzeug answers 413 here
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequest("body", "The body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise BadRequest("body", "The body must be a JSON object.")
    _check_shape(payload)
    return payload


def _check_shape(payload: dict[str, Any]) -> None:
    """Refuse bodies nested too deep, and text that is not valid Unicode (lone surrogates)."""
    stack: list[tuple[Any, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequest("body", f"The body is nested deeper than {MAX_DEPTH} levels.")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _check_text(value)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("body", "The body holds text that is not valid Unicode (a lone surrogate).") from None
