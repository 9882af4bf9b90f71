"""The JSON API: reading a form, storing submissions exactly once, and refusing bad input kindly."""
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from kiosk.models import Answer, FreeText, IdempotencyKey, Submission
from tests.kiosk.helpers import count, first_rating, full_answers, post_json, questions_by_kind, stored_answers




def test_link_returns_every_question_in_every_language(form_json, link):
    assert form_json["link"] == link.code
    assert form_json["location"]["name"] == "Fyrlykta dagsenter"
    kinds = [q["kind"] for q in form_json["form"]["questions"]]
    assert kinds == ["smiley", "scale", "yes_no", "single_choice", "multiple_choice", "free_text"]
    for question in form_json["form"]["questions"]:
        assert set(question["text"]) == {"nb", "nn", "en"}
    smiley = questions_by_kind(form_json)["smiley"]
    assert [o["value"] for o in smiley["options"]] == [1, 2, 3, 4, 5]
    assert smiley["options"][0]["label"] == {"nb": "Veldig dårlig", "nn": "Svært dårleg", "en": "Very bad"}
    assert questions_by_kind(form_json)["scale"]["scale"]["min"] == 0


def test_link_code_is_case_insensitive(client, link):
    assert client.get(f"/api/v1/links/{link.code.lower()}").status_code == 200


@pytest.mark.parametrize("code", ["ZZZZZZ", "0O1Il0", "short", "x" * 40])
def test_unknown_link_is_404_json(client, link, code):
    response = client.get(f"/api/v1/links/{code}")
    assert response.status_code == 404
    assert response.get_json()["field"] == "link"


def test_every_kind_is_stored(client, session, form_json):
    response = post_json(client, {"link": form_json["link"], "answers": full_answers(form_json)})
    assert response.status_code == 201
    submission_id = uuid.UUID(response.get_json()["id"])
    assert submission_id.version == 8  # the period, then random bits: kiosk/ids.py
    q = questions_by_kind(form_json)
    stored = stored_answers(session, submission_id)
    multi = q["multiple_choice"]["options"]
    assert stored == sorted(
        [
            (q["smiley"]["id"], 4, None, None),
            (q["scale"]["id"], 7, None, None),
            (q["yes_no"]["id"], 0, None, None),
            (q["single_choice"]["id"], None, q["single_choice"]["options"][2]["id"], None),
            (q["multiple_choice"]["id"], None, multi[0]["id"], None),
            (q["multiple_choice"]["id"], None, multi[2]["id"], None),
            (q["free_text"]["id"], None, None, "Flere turer i skogen"),
        ],
        key=str,
    )
    submission = session.get(Submission, submission_id)
    assert submission.channel == "qr"
    assert submission.period_unit == "day"


@pytest.mark.parametrize("answers", [{}, "nulls", "blank text"])
def test_nothing_answered_stores_nothing_and_says_so(client, session, form_json, answers):
    questions = questions_by_kind(form_json)
    if answers == "nulls":
        answers = {q["id"]: None for q in questions.values()}
    elif answers == "blank text":
        answers = {questions["free_text"]["id"]: "  \n\t "}
    response = post_json(client, {"link": form_json["link"], "answers": answers})
    assert response.status_code == 422
    assert response.get_json()["field"] == "answers"
    assert response.get_json()["error"] == "empty"
    assert count(session, Submission) == 0
    assert count(session, Answer) == 0


def test_retry_with_same_key_returns_first_result(client, session, form_json):
    body = {"link": form_json["link"], "answers": full_answers(form_json)}
    key = str(uuid.uuid4())
    first = post_json(client, body, key)
    again = post_json(client, body, key)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(session, Submission) == 1
    assert count(session, Answer) == 6 and count(session, FreeText) == 1


def test_same_key_different_body_is_422(client, session, form_json):
    key = str(uuid.uuid4())
    answers = full_answers(form_json)
    assert post_json(client, {"link": form_json["link"], "answers": answers}, key).status_code == 201
    answers[questions_by_kind(form_json)["smiley"]["id"]] = 1
    response = post_json(client, {"link": form_json["link"], "answers": answers}, key)
    assert response.status_code == 422
    assert response.get_json()["field"] == "Idempotency-Key"
    assert count(session, Submission) == 1


def test_ten_concurrent_identical_requests_store_one(live_server, session, form_json):
    import json
    import urllib.request

    body = json.dumps({"link": form_json["link"], "answers": full_answers(form_json)}).encode()
    key = str(uuid.uuid4())

    def send(_: int) -> tuple[int, str]:
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/submissions",
            data=body,
            headers={"Content-Type": "application/json", "Idempotency-Key": key},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())["id"]

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(send, range(10)))
    assert {status for status, _ in results} == {201}
    assert len({sid for _, sid in results}) == 1
    assert count(session, Submission) == 1
    assert count(session, IdempotencyKey) == 1
    assert count(session, Answer) == 6 and count(session, FreeText) == 1


def test_concurrent_different_submissions_all_stored(live_server, session, form_json):
    import json
    import urllib.request

    def send(i: int) -> int:
        body = json.dumps({"link": form_json["link"], "answers": {questions_by_kind(form_json)["smiley"]["id"]: i % 5 + 1}})
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/submissions",
            data=body.encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(send, range(40))) == {201}
    assert count(session, Submission) == 40


def _q(form_json, kind):
    return questions_by_kind(form_json)[kind]["id"]


BAD_ANSWERS = [
    ("smiley", 6),
    ("smiley", 0),
    ("smiley", "4"),
    ("smiley", True),
    ("smiley", 3.5),
    ("scale", 11),
    ("scale", -1),
    ("yes_no", 1),
    ("yes_no", "yes"),
    ("single_choice", 999999),
    ("single_choice", [1]),
    ("multiple_choice", 5),
    ("multiple_choice", [999999]),
    ("multiple_choice", ["a"]),
    ("free_text", 42),
    ("free_text", "x" * 2001),
]


@pytest.mark.parametrize("kind,value", BAD_ANSWERS)
def test_wrong_types_name_the_field(client, session, form_json, kind, value):
    response = post_json(client, {"link": form_json["link"], "answers": {_q(form_json, kind): value}})
    assert response.status_code == 400
    assert response.get_json()["field"] == f"answers.{_q(form_json, kind)}"
    assert count(session, Submission) == 0


def test_duplicate_options_are_refused(client, form_json):
    multi = questions_by_kind(form_json)["multiple_choice"]
    option = multi["options"][0]["id"]
    response = post_json(client, {"link": form_json["link"], "answers": {multi["id"]: [option, option]}})
    assert response.status_code == 400


def test_option_of_another_question_is_refused(client, form_json):
    q = questions_by_kind(form_json)
    other = q["multiple_choice"]["options"][0]["id"]
    response = post_json(client, {"link": form_json["link"], "answers": {q["single_choice"]["id"]: other}})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body,field",
    [
        ({"link": "PLACEHOLDER", "answers": {"999999": 1}}, "answers.999999"),
        ({"link": "PLACEHOLDER", "answers": {"abc": 1}}, "answers.abc"),
        ({"link": "PLACEHOLDER", "answers": []}, "answers"),
        ({"link": "PLACEHOLDER"}, "answers"),
        ({"answers": {}}, "link"),
        ({"link": 12345, "answers": {}}, "link"),
        ({"link": "PLACEHOLDER", "answers": {}, "ip": "1.2.3.4"}, "ip"),
        ({"link": "PLACEHOLDER", "answers": {}, "day": "yesterday"}, "day"),
        ({"link": "PLACEHOLDER", "answers": {}, "day": "2999-01-01"}, "day"),
        ({"link": "PLACEHOLDER", "answers": {}, "day": "2001-01-01"}, "day"),
        ([1, 2, 3], "body"),
        ("just a string", "body"),
    ],
)
def test_bad_bodies_get_400_naming_the_field(client, session, link, body, field):
    if isinstance(body, dict) and body.get("link") == "PLACEHOLDER":
        body["link"] = link.code
    response = post_json(client, body)
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert response.get_json()["message"]
    assert count(session, Submission) == 0


def test_unknown_link_on_submit_is_404(client, session, link):
    response = post_json(client, {"link": "ZZZZZZ", "answers": {}})
    assert response.status_code == 404
    assert response.get_json()["field"] == "link"


def test_malformed_json_is_400(client, link):
    response = client.post(
        "/api/v1/submissions",
        data=b'{"link": "' + link.code.encode() + b'", "answers": {',
        headers={"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    assert response.get_json()["field"] == "body"


def test_not_json_is_415(client, link):
    response = client.post(
        "/api/v1/submissions", data={"link": link.code}, headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    assert response.status_code == 415


@pytest.mark.parametrize("key", [None, "not-a-uuid", ""])
def test_missing_or_bad_idempotency_key_is_400(client, link, key):
    headers = {} if key is None else {"Idempotency-Key": key}
    response = client.post("/api/v1/submissions", json={"link": link.code, "answers": {}}, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["field"] == "Idempotency-Key"


def test_oversize_body_is_413(client, session, form_json):
    text_id = questions_by_kind(form_json)["free_text"]["id"]
    response = post_json(client, {"link": form_json["link"], "answers": {text_id: "x" * 100_000}})
    assert response.status_code == 413
    assert response.get_json()["field"] == "body"
    assert count(session, Submission) == 0


def test_nul_and_control_characters_are_dropped(client, session, form_json):
    text_id = questions_by_kind(form_json)["free_text"]["id"]
    response = post_json(client, {"link": form_json["link"], "answers": {text_id: "hei\x00 på\x07 deg\nneste linje"}})
    assert response.status_code == 201
    assert session.scalar(select(FreeText.text)) == "hei på deg\nneste linje"


def test_retired_link_is_refused(client, session, link):
    from datetime import datetime, timezone

    from kiosk.operations import retire_link

    retire_link(session, link, now=datetime.now(timezone.utc))
    session.commit()
    assert client.get(f"/api/v1/links/{link.code}").status_code == 404
    assert post_json(client, {"link": link.code, "answers": {}}).status_code == 404


def test_reported_day_is_kept_as_the_period(client, session, form_json):
    from datetime import datetime, timedelta, timezone

    from kiosk.periods import local_today

    day = local_today("Europe/Oslo", datetime.now(timezone.utc)) - timedelta(days=3)
    response = post_json(client, {"link": form_json["link"], "answers": first_rating(form_json), "day": day.isoformat()})
    assert response.status_code == 201
    assert session.scalar(select(Submission.period)) == day


def test_openapi_document_describes_the_api(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/api/v1/links/{code}", "/api/v1/submissions"}
    post = document["paths"]["/api/v1/submissions"]["post"]
    assert {"201", "400", "404", "413", "422"} <= set(post["responses"])
    assert post["parameters"][0]["name"] == "Idempotency-Key"


def test_responses_match_the_openapi_schemas(client, form_json):
    import jsonschema

    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    def check(instance, name):
        assert name in schemas
        jsonschema.validate(instance, {"$ref": f"#/components/schemas/{name}", "components": document["components"]})

    check(form_json, "Link")
    body = {"link": form_json["link"], "answers": full_answers(form_json)}
    check(body, "Submission")
    check(post_json(client, body).get_json(), "Stored")
    check(post_json(client, {"link": "ZZZZZZ", "answers": {}}).get_json(), "Error")


def test_the_api_leaves_the_session_cookie_alone(client, link, form_json):
    assert "Set-Cookie" in client.get(f"/s/{link.code}").headers  # the phone's form signs its CSRF token in it
    response = post_json(client, {"link": form_json["link"], "answers": full_answers(form_json)})
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers.get("Vary", "")
