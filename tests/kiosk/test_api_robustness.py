"""Every field a client sends is checked to its type and range before it reaches the database: odd input
gets a 4xx naming the field, never a 500, on SQLite and PostgreSQL alike."""
from __future__ import annotations

import json
import uuid

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from kiosk.models import Submission
from tests.kiosk.helpers import count, first_rating, questions_by_kind


def post_raw(client, body: str | bytes, key: str | None = None):
    """POST a body exactly as given, as JSON, with a fresh idempotency key."""
    return client.post(
        "/api/v1/submissions", data=body, content_type="application/json",
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
    )


def nested(depth: int, inner: str = "1") -> str:
    """Return JSON text of lists nested depth deep."""
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize("key", ["²", "①", "٣", "1" * 5000, "-1", "+1", " 1", "1.0", "0x1", ""])
def test_odd_question_ids_are_400_naming_the_answer(client, session, form_json, key):
    response = post_raw(client, json.dumps({"link": form_json["link"], "answers": {key: 1}}))
    assert response.status_code == 400
    assert response.get_json()["field"].startswith("answers.")
    assert len(response.get_json()["field"]) < 60
    assert count(session, Submission) == 0


@pytest.mark.parametrize(
    "body",
    [
        '{"link": "%s", "answers": {"%s": "\\ud800"}}',  # a lone surrogate in free text
        '{"link": "%s", "answers": {"\\udfff": 1}, "x%s": 1}',  # as a key
        '{"link": "\\ud800%s", "answers": {"%s": 1}}',  # in the link
    ],
)
def test_lone_surrogates_are_400(client, session, form_json, body):
    free = questions_by_kind(form_json)["free_text"]["id"]
    response = post_raw(client, body % (form_json["link"], free))
    assert response.status_code == 400
    assert response.get_json()["field"] == "body"
    assert count(session, Submission) == 0


@pytest.mark.parametrize("where", ["top", "answers", "value"])
@pytest.mark.parametrize("depth", [20, 5000, 100_000])
def test_deeply_nested_json_is_400(client, session, form_json, where, depth):
    smiley = form_json["form"]["questions"][0]["id"]
    body = {
        "top": nested(depth),
        "answers": '{"link": "%s", "answers": %s}' % (form_json["link"], nested(depth, "{}").replace("[", '{"a":').replace("]", "}")),
        "value": '{"link": "%s", "answers": {"%s": %s}}' % (form_json["link"], smiley, nested(depth)),
    }[where]
    response = post_raw(client, body)
    assert response.status_code in (400, 413)
    assert response.get_json()["field"] == "body"
    assert count(session, Submission) == 0


@pytest.mark.parametrize("version_id", [2**63, -(2**63) - 1, 10**30, 2**31, 0, -1, 1.5, "7", True, [], {}])
def test_version_ids_out_of_range_are_400(client, session, form_json, version_id):
    body = {"link": form_json["link"], "answers": first_rating(form_json), "version_id": version_id}
    response = post_raw(client, json.dumps(body))
    assert response.status_code == 400
    assert response.get_json()["field"] == "version_id"
    assert count(session, Submission) == 0


@pytest.mark.parametrize("kind,value", [
    ("smiley", 10**30), ("smiley", -(2**63) - 1), ("scale", 2**64), ("single_choice", 10**30),
    ("multiple_choice", [10**30]), ("multiple_choice", [1] * 10_000), ("yes_no", 1), ("free_text", 10**30),
    ("smiley", 4.0), ("smiley", "4"), ("scale", None),
])
def test_answers_of_the_wrong_type_or_range_are_400(client, session, form_json, kind, value):
    question = questions_by_kind(form_json)[kind]["id"]
    answers = {question: value, **({} if value is not None else first_rating(form_json))}
    response = post_raw(client, json.dumps({"link": form_json["link"], "answers": answers}))
    if value is None:  # null means "not answered", which is fine
        assert response.status_code == 201
        return
    assert response.status_code == 400
    assert response.get_json()["field"] == f"answers.{question}"
    assert count(session, Submission) == 0


@pytest.mark.parametrize("day", ["２０２６-11-01", "2026-١١-01", "2026-11-01T10:00", "2026-13-01", 20261101, ["2026-11-01"]])
def test_odd_days_are_400(client, form_json, day):
    body = {"link": form_json["link"], "answers": first_rating(form_json), "day": day}
    response = post_raw(client, json.dumps(body))
    assert response.status_code == 400
    assert response.get_json()["field"] == "day"


@pytest.mark.parametrize("link", ["\u0000" * 10, "Z" * 100_00, "ß" * 3, "ﬀ" * 6])
def test_odd_links_are_404(client, link):
    response = post_raw(client, json.dumps({"link": link, "answers": {"1": 1}}))
    assert response.status_code == 404
    assert response.get_json()["field"] == "link"


@pytest.mark.parametrize("path,allowed", [("/api/v1/submissions", "POST"), ("/api/v1/kiosk/pair", "POST"), ("/api/v1/openapi.json", "GET")])
def test_json_405_says_which_methods_are_allowed(client, path, allowed):
    response = client.put(path)
    assert response.status_code == 405
    assert response.is_json and response.get_json()["error"] == "method_not_allowed"
    assert allowed in response.headers["Allow"]


@pytest.mark.parametrize("header", ["{12345678-1234-5678-1234-567812345678}", "urn:uuid:" + "0" * 32, "x" * 4000, "é"])
def test_odd_idempotency_keys_are_handled(client, session, form_json, header):
    response = post_raw(client, json.dumps({"link": form_json["link"], "answers": first_rating(form_json)}), key=header)
    assert response.status_code in (201, 400)
    if response.status_code == 400:
        assert response.get_json()["field"] == "Idempotency-Key"


# --- A bounded schemathesis run ---------------------------------------------------------------------


def _valid_values(question: dict) -> st.SearchStrategy:
    """Return a strategy of answers the question accepts."""
    kind = question["kind"]
    if kind == "smiley":
        return st.integers(1, 5)
    if kind == "scale":
        return st.integers(question["scale"]["min"], question["scale"]["max"])
    if kind == "yes_no":
        return st.booleans()
    ids = [o["id"] for o in question.get("options", [])]
    if kind == "single_choice":
        return st.sampled_from(ids)
    if kind == "multiple_choice":
        return st.lists(st.sampled_from(ids), unique=True)
    return st.text(max_size=300)


@pytest.fixture
def api_schema(app, link, form_json):
    """Return the app's own OpenAPI description, with generation steered to the real link and questions.

    Random codes and question ids are refused with 404 before anything interesting runs; half of the
    generated requests therefore use the real link code and real question ids, with values of any type.
    """
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    anything = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=50),
        st.lists(st.integers(), max_size=5), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )
    per_question = {q["id"]: st.one_of(_valid_values(q), anything) for q in form_json["form"]["questions"]}
    real_answers = st.fixed_dictionaries({}, optional=per_question)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        if not isinstance(path_parameters, dict) or "code" not in path_parameters:
            return st.just(path_parameters)
        return st.sampled_from([path_parameters, {**path_parameters, "code": link.code}])

    @schema.hook
    def flatmap_body(context, body):
        if not isinstance(body, dict):
            return st.just(body)
        steered = real_answers.map(lambda answers: {**body, "link": link.code, "answers": answers})
        return st.one_of(st.just(body), steered)

    return schema


def test_no_generated_request_makes_a_server_error(api_schema):
    """Schemathesis generates requests (valid and invalid) for every operation; none may get a 5xx."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/v1/submissions", "/api/v1/links/{code}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def no_server_error(case):
            response = case.call()
            case.validate_response(response, checks=[not_a_server_error])

        no_server_error()
