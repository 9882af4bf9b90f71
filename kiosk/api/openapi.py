"""The OpenAPI 3.1 description of /api/v1."""

from __future__ import annotations

from typing import Any

TEXTS = {
    "type": "object",
    "description": "A text in each language, keyed by language code (nb, nn, en).",
    "additionalProperties": {"type": "string"},
}

ERROR = {
    "type": "object",
    "required": ["error", "field", "message"],
    "properties": {
        "error": {"type": "string"},
        "field": {"type": "string", "description": "The part of the request that is wrong, e.g. answers.12"},
        "message": {"type": "string"},
    },
}

QUESTION = {
    "type": "object",
    "required": ["id", "kind", "text"],
    "properties": {
        "id": {"type": "string", "description": "Use as the key of the answer in a submission."},
        "kind": {"enum": ["smiley", "scale", "yes_no", "single_choice", "multiple_choice", "free_text"]},
        "text": TEXTS,
        "help": TEXTS,
        "options": {
            "type": "array",
            "description": "smiley: five faces with value 1 (worst) to 5 (best); choices: options with an id.",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "value": {"type": "integer"}, "label": TEXTS},
            },
        },
        "scale": {
            "type": "object",
            "properties": {
                "min": {"type": "integer"},
                "max": {"type": "integer"},
                "min_label": TEXTS,
                "max_label": TEXTS,
            },
        },
    },
}

LINK = {
    "type": "object",
    "required": ["link", "location", "form"],
    "properties": {
        "link": {"type": "string", "pattern": "^[2-9A-HJKMNP-Z]{6}$"},
        "location": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        },
        "form": {
            "type": "object",
            "required": ["id", "version", "title", "questions"],
            "properties": {
                "id": {"type": "integer"},
                "version": {"type": "integer"},
                "version_id": {"type": "integer"},
                "title": TEXTS,
                "intro": TEXTS,
                "questions": {"type": "array", "items": QUESTION},
            },
        },
    },
}

SUBMISSION = {
    "type": "object",
    "required": ["link", "answers"],
    "additionalProperties": False,
    "properties": {
        "link": {"type": "string", "description": "The short link code."},
        "answers": {
            "type": "object",
            "description": (
                "Keyed by question id. smiley: integer 1-5; scale: integer within the scale; yes_no: boolean; "
                "single_choice: an option id; multiple_choice: a list of option ids; free_text: a string of at "
                "most 2000 characters; null or a missing key: not answered."
            ),
            "additionalProperties": {
                "oneOf": [
                    {"type": "integer"},
                    {"type": "boolean"},
                    {"type": "string", "maxLength": 2000},
                    {"type": "array", "items": {"type": "integer"}},
                    {"type": "null"},
                ]
            },
        },
        "version_id": {
            "type": "integer",
            "description": "The form version that was shown (a kiosk that queued answers while a newer version was "
            "published); it must be a published version of the link's form. Default: the newest.",
        },
        "burst": {"type": "boolean", "description": "Tablets only: given in a burst of taps; kept, shown apart."},
        "day": {
            "type": "string",
            "format": "date",
            "description": "The day the answers were given (a kiosk that queued them offline); never a time.",
        },
    },
}

STORED = {
    "type": "object",
    "required": ["id", "status"],
    "properties": {"id": {"type": "string", "format": "uuid"}, "status": {"const": "stored"}},
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document() -> dict[str, Any]:
    """Return the API description."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Si ifra API",
            "version": "1",
            "description": "Anonymous feedback: read a form behind a short link, and submit answers exactly once.",
        },
        "paths": {
            "/api/v1/links/{code}": {
                "get": {
                    "summary": "The form behind a short link",
                    "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "The form, with texts in every language",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Link"}}},
                        },
                        "404": _error("No active form has this link"),
                    },
                }
            },
            "/api/v1/submissions": {
                "post": {
                    "summary": "Store one anonymous submission",
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": True,
                            "description": "A UUID the client makes once per submission and sends again on retries.",
                            "schema": {"type": "string", "format": "uuid"},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}},
                    },
                    "responses": {
                        "201": {
                            "description": "Stored, or stored before by a request with the same key and body "
                            "(then the Idempotent-Replayed header is true)",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Stored"}}},
                        },
                        "400": _error("Malformed JSON, a wrong type, or an unknown question; field names it"),
                        "404": _error("No active form has this link"),
                        "413": _error("The body is too large"),
                        "415": _error("The body is not JSON"),
                        "422": _error("The Idempotency-Key was used before with a different body"),
                    },
                }
            },
        },
        "components": {
            "schemas": {"Link": LINK, "Question": QUESTION, "Submission": SUBMISSION, "Stored": STORED, "Error": ERROR}
        },
    }
