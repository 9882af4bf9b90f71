"""Helpers for tests of the public form and the API."""
from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import func, select


def csrf_token(html: str) -> str:
    """Return the CSRF token in a rendered form (a WTForms field or a plain hidden input)."""
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def count(session, model) -> int:
    """Return how many rows of model the database holds now (ending the session's last read first)."""
    session.rollback()
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def submission_key(html: str) -> str:
    """Return the submission key in a rendered form."""
    return re.search(r'name="submission_key" value="([^"]+)"', html).group(1)


def questions_by_kind(form_json: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the API's questions keyed by kind."""
    return {q["kind"]: q for q in form_json["form"]["questions"]}


def full_answers(form_json: dict[str, Any]) -> dict[str, Any]:
    """Return an answer to every question, in the API's shape."""
    q = questions_by_kind(form_json)
    return {
        q["smiley"]["id"]: 4,
        q["scale"]["id"]: 7,
        q["yes_no"]["id"]: False,
        q["single_choice"]["id"]: q["single_choice"]["options"][2]["id"],
        q["multiple_choice"]["id"]: [q["multiple_choice"]["options"][0]["id"], q["multiple_choice"]["options"][2]["id"]],
        q["free_text"]["id"]: "Flere turer i skogen",
    }


def post_json(client, body: Any, key: str | None = None, **headers: str):
    """POST a submission with a fresh (or given) idempotency key."""
    return client.post(
        "/api/v1/submissions", json=body, headers={"Idempotency-Key": key or str(uuid.uuid4()), **headers}
    )


def rating(link, value: int = 4) -> dict[str, Any]:
    """Return answers that rate the first question (a smiley) of a link's form, in the API's shape."""
    return {str(link.form.published.questions[0].id): value}


def first_rating(form_json: dict[str, Any], value: int = 4) -> dict[str, Any]:
    """Return answers that rate the first question (a smiley) of the API's form description."""
    return {form_json["form"]["questions"][0]["id"]: value}


def stored_answers(session, submission_id=None) -> list[tuple]:
    """Return (question id as text, number, option id, free text) of every stored answer, sorted.

    Free text is kept apart from the other answers (de-identified, in free_text); this joins them again.
    """
    from kiosk.models import Answer, FreeText

    session.rollback()
    answers = select(Answer.question_id, Answer.number, Answer.option_id)
    texts = select(FreeText.question_id, FreeText.text)
    if submission_id is not None:
        answers = answers.where(Answer.submission_id == submission_id)
        texts = texts.where(FreeText.submission_id == submission_id)
    rows = [(str(q), n, o, None) for q, n, o in session.execute(answers)]
    rows += [(str(q), None, None, t) for q, t in session.execute(texts)]
    return sorted(rows, key=str)
