"""The public form at /s/<code>: languages, every kind of answer, CSRF, honeypot, kind errors."""
import re
import time
from datetime import UTC, datetime

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, select

from kiosk.extensions import db
from kiosk.models import Answer, QuestionKind, Submission
from kiosk.operations import QuestionDraft
from tests.kiosk.helpers import count, csrf_token, questions_by_kind, stored_answers, submission_key


def checked(page: str, name: str) -> set[str]:
    """Return the values of the checked inputs called name."""
    tags = re.findall(r"<input[^>]*>", page)
    return {re.search(r'value="([^"]*)"', tag).group(1) for tag in tags if f'name="{name}"' in tag and " checked" in tag}




def test_form_renders_in_bokmal_by_default(client, link):
    response = client.get(f"/s/{link.code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="nb">' in html
    assert "Hvordan var dagen?" in html
    assert "Alt er frivillig" in html
    assert "Veldig dårlig" in html  # every face has a text label


@pytest.mark.parametrize(
    "lang,question,ui",
    [
        ("nn", "Korleis var dagen?", "Alt er frivillig. Svar på det du vil"),
        ("en", "How was the day?", "Everything is optional"),
        ("nb", "Hvordan var dagen?", "Alt er frivillig"),
    ],
)
def test_form_renders_in_each_language(client, link, lang, question, ui):
    html = client.get(f"/s/{link.code}?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert question in html
    assert ui in html


def test_browser_language_is_honoured(client, link):
    html = client.get(f"/s/{link.code}", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "How was the day?" in html
    html = client.get(f"/s/{link.code}", headers={"Accept-Language": "no,en;q=0.5"}).get_data(as_text=True)
    assert "Hvordan var dagen?" in html


def test_form_is_accessible_markup(client, link):
    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    assert html.count("<fieldset") == 5  # every kind but free text is a group with a legend
    assert html.count("<legend>") == 5
    assert '<label for="q' in html  # the free-text field has a label
    assert "required" not in html
    assert 'autocomplete="off"' in html
    assert "http://" not in html.replace("http://127.0.0.1", "") and "https://" not in html


def test_lower_case_code_redirects_to_canonical(client, link):
    response = client.get(f"/s/{link.code.lower()}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/s/{link.code}")


@pytest.mark.parametrize("path,typed", [("/s/ZZZZZZ", "ZZZZZZ"), ("/s/abc", "abc"), ("/s/ZZZZZZ/takk", "ZZZZZZ")])
def test_unknown_code_is_a_kind_404_with_a_way_to_try_another(client, link, path, typed):
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f"Vi finner ingen skjema med koden {typed}" in html
    assert 'name="code"' in html and f'value="{typed}"' in html  # the typed code, ready to correct
    again = client.get(f"/s/?code={link.code}")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/s/{link.code}")


def test_unknown_code_404_in_english(client, link):
    response = client.get("/s/ZZZZZZ?lang=en")
    assert "We cannot find a form with the code ZZZZZZ" in response.get_data(as_text=True)


def test_privacy_headers(client, link):
    for path in (f"/s/{link.code}", "/s/ZZZZZZ"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        for part in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert part in csp
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def _smiley(link, value: int = 4) -> dict[str, str]:
    """Return form data that picks a face on the link's first (smiley) question."""
    return {f"q{link.form.published.questions[0].id}": str(value)}


def _form_data(html, form_json, **overrides):
    q = questions_by_kind(form_json)
    data = {
        "csrf_token": csrf_token(html),
        "submission_key": submission_key(html),
        "lang": "nb",
        f"q{q['smiley']['id']}": "2",
        f"q{q['scale']['id']}": "9",
        f"q{q['yes_no']['id']}": "1",
        f"q{q['single_choice']['id']}": str(q["single_choice"]["options"][1]["id"]),
        f"q{q['multiple_choice']['id']}": [str(o["id"]) for o in q["multiple_choice"]["options"][:2]],
        f"q{q['free_text']['id']}": "Lengre åpningstider",
    }
    data.update(overrides)
    return data


def test_every_kind_is_stored_from_the_form(client, session, link, form_json):
    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    response = client.post(f"/s/{link.code}", data=_form_data(html, form_json))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/s/{link.code}/takk?lang=nb")
    q = questions_by_kind(form_json)
    stored = stored_answers(session)
    multi = q["multiple_choice"]["options"]
    assert stored == sorted(
        [
            (q["smiley"]["id"], 2, None, None),
            (q["scale"]["id"], 9, None, None),
            (q["yes_no"]["id"], 1, None, None),
            (q["single_choice"]["id"], None, q["single_choice"]["options"][1]["id"], None),
            (q["multiple_choice"]["id"], None, multi[0]["id"], None),
            (q["multiple_choice"]["id"], None, multi[1]["id"], None),
            (q["free_text"]["id"], None, None, "Lengre åpningstider"),
        ],
        key=str,
    )
    thanks = client.get(response.headers["Location"])
    assert "Takk!" in thanks.get_data(as_text=True)
    assert thanks.headers["Cache-Control"] == "no-store"


def test_the_pages_read_statement_by_statement_and_the_answers_go_in_one_transaction(app, client, session, link,
                                                                                     form_json):
    """On PostgreSQL, the form, thank-you and ledger pages and the API's form start no transaction (no BEGIN and
    ROLLBACK round trips); the POST stores the answers in one, on a pooled connection a page has read with before."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's transactions cost no round trip, and its reads keep theirs")
    seen: list[tuple[str, bool]] = []
    connections: list[tuple[str, int]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement.split()[0], conn.connection.dbapi_connection.autocommit))
        connections.append((statement.split()[0], id(conn.connection.dbapi_connection)))

    def statements(response) -> list[tuple[str, bool]]:
        assert response.status_code in (200, 302)
        found = list(seen)
        seen.clear()
        return found

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        form_page = statements(client.get(f"/s/{link.code}"))
        html = client.get(f"/s/{link.code}").get_data(as_text=True)
        seen.clear()
        post = client.post(f"/s/{link.code}", data=_form_data(html, form_json))
        stored = statements(post)
        thanks = statements(client.get(post.headers["Location"]))
        ledger = statements(client.get(f"/s/{link.code}/gjort"))
        typed = statements(client.get(f"/?code={link.code.lower()}"))
        api = statements(client.get(f"/api/v1/links/{link.code}"))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    for page in (form_page, thanks, ledger, typed, api):
        assert page and all(autocommit for _verb, autocommit in page), page
    assert {"INSERT"} <= {verb for verb, _ in stored} and not any(autocommit for _verb, autocommit in stored), stored
    inserted_with = {connection for verb, connection in connections if verb == "INSERT"}
    read_with = {connection for verb, connection in connections[:2] if verb == "SELECT"}  # the form page's
    assert inserted_with & read_with  # the pool handed the page's connection back out, out of autocommit
    assert count(session, Submission) == 1


@pytest.mark.parametrize("lang,words", [("nb", "Du har ikke svart på noe ennå"), ("en", "You have not answered anything yet")])
def test_sending_nothing_stores_nothing_and_says_so_kindly(client, session, link, lang, words):
    html = client.get(f"/s/{link.code}?lang={lang}").get_data(as_text=True)
    blank_text = {f"q{q.id}": "   " for q in link.form.published.questions if q.kind.value == "free_text"}
    data = {"csrf_token": csrf_token(html), "submission_key": submission_key(html), "lang": lang, **blank_text}
    response = client.post(f"/s/{link.code}", data=data)
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    assert count(session, Submission) == 0
    assert count(session, Answer) == 0


def test_double_submit_stores_once(client, session, link, form_json):
    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    data = _form_data(html, form_json)
    assert client.post(f"/s/{link.code}", data=data).status_code == 302
    assert client.post(f"/s/{link.code}", data=data).status_code == 302
    assert count(session, Submission) == 1


def _stale_token(app, client, age_seconds: int) -> str:
    """Return a CSRF token for the client's session, signed age_seconds ago."""
    with client.session_transaction() as flask_session:
        raw = flask_session["csrf_token"]

    class Past(URLSafeTimedSerializer):
        def get_timestamp(self) -> int:  # itsdangerous hook
            return int(time.time()) - age_seconds

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
    serializer.signer_kwargs = {}
    signer = serializer.make_signer()
    signer.get_timestamp = lambda: int(time.time()) - age_seconds
    return signer.sign(serializer.dump_payload(raw)).decode()


def test_token_from_five_hours_ago_still_submits(app, client, session, link, form_json):
    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    data = _form_data(html, form_json, csrf_token=_stale_token(app, client, 5 * 3600))
    assert client.post(f"/s/{link.code}", data=data).status_code == 302
    assert count(session, Submission) == 1


def test_stale_token_keeps_everything_typed(app, client, session, link, form_json):
    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    data = _form_data(html, form_json, csrf_token=_stale_token(app, client, 3 * 24 * 3600))
    response = client.post(f"/s/{link.code}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert count(session, Submission) == 0
    assert "trykk «Send» en gang til" in page
    assert "Lengre åpningstider</textarea>" in page
    q = questions_by_kind(form_json)
    assert checked(page, f"q{q['smiley']['id']}") == {"2"}
    assert checked(page, f"q{q['scale']['id']}") == {"9"}
    assert checked(page, f"q{q['multiple_choice']['id']}") == {str(o["id"]) for o in q["multiple_choice"]["options"][:2]}
    # Sending the page as it came back stores the answers.
    again = _form_data(page, form_json)
    assert client.post(f"/s/{link.code}", data=again).status_code == 302
    assert count(session, Submission) == 1


def test_missing_session_cookie_keeps_everything_typed(app, link, form_json, session):
    first = app.test_client()
    html = first.get(f"/s/{link.code}").get_data(as_text=True)
    other = app.test_client()  # as if the browser lost its cookie
    response = other.post(f"/s/{link.code}", data=_form_data(html, form_json))
    assert response.status_code == 400
    assert "Lengre åpningstider</textarea>" in response.get_data(as_text=True)
    assert count(session, Submission) == 0


def test_stale_token_message_in_nynorsk(app, client, link, form_json):
    html = client.get(f"/s/{link.code}?lang=nn").get_data(as_text=True)
    data = _form_data(html, form_json, csrf_token="garbage", lang="nn")
    page = client.post(f"/s/{link.code}", data=data).get_data(as_text=True)
    assert "Sida har vore open ei stund" in page


def test_honeypot_turns_bots_away_quietly(client, session, link, form_json):
    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    response = client.post(f"/s/{link.code}", data=_form_data(html, form_json, website="http://spam.example"))
    assert response.status_code == 302
    assert "/takk" in response.headers["Location"]
    assert count(session, Submission) == 0


def test_honeypot_is_hidden_from_people(client, link):
    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    assert '<div class="hp" aria-hidden="true">' in html
    assert 'tabindex="-1"' in html


@pytest.mark.parametrize(
    "kind,value",
    [("smiley", "7"), ("scale", "abc"), ("single_choice", "999999"), ("yes_no", "maybe")],
)
def test_tampered_values_keep_the_rest(client, session, link, form_json, kind, value):
    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    q = questions_by_kind(form_json)
    response = client.post(f"/s/{link.code}", data=_form_data(html, form_json, **{f"q{q[kind]['id']}": value}))
    assert response.status_code == 400
    assert "Lengre åpningstider</textarea>" in response.get_data(as_text=True)
    assert count(session, Submission) == 0


def test_too_long_text_is_refused_kindly(client, session, link, form_json):
    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    q = questions_by_kind(form_json)
    typed = "Mer tid ute. " * 200  # 2,600 characters
    response = client.post(f"/s/{link.code}", data=_form_data(html, form_json, **{f"q{q['free_text']['id']}": typed}))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Teksten er for lang: 2600 tegn. Gjør den kortere, til høyst 2000 tegn." in page
    assert typed.strip() in page  # nothing typed is lost
    assert "maxlength" not in page  # a browser would cut a pasted text silently
    assert 'data-max="2000"' in page and "tegn igjen" in page  # the counter's texts
    assert count(session, Submission) == 0


def test_huge_body_gets_kind_413(client, link):
    response = client.post(f"/s/{link.code}", data={"q1": "x" * 200_000})
    assert response.status_code == 413
    assert "Svaret er for langt" in response.get_data(as_text=True)


def test_day_bucket_by_default(client, session, link):
    from datetime import datetime, timezone

    from kiosk.periods import local_today

    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    client.post(f"/s/{link.code}", data={"csrf_token": csrf_token(html), "submission_key": submission_key(html), **_smiley(link)})
    submission = session.scalars(select(Submission)).one()
    assert submission.period_unit == "day"
    assert submission.period == local_today("Europe/Oslo", datetime.now(timezone.utc))


class TestWeekBucket:
    @pytest.fixture
    def app_config(self):
        return {"TIME_BUCKET": "week"}

    def test_period_is_the_monday_of_the_week(self, client, session, link):
        html = client.get(f"/s/{link.code}").get_data(as_text=True)
        client.post(f"/s/{link.code}", data={"csrf_token": csrf_token(html), "submission_key": submission_key(html), **_smiley(link)})
        submission = session.scalars(select(Submission)).one()
        assert submission.period_unit == "week"
        assert submission.period.weekday() == 0


def test_typing_the_code_leads_to_the_form(client, link):
    assert "Skriv koden fra plakaten" in client.get("/").get_data(as_text=True)
    response = client.get(f"/s/?code={link.code.lower()[:3]} {link.code.lower()[3:]}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/s/{link.code}")
    unknown = client.get("/s/?code=ZZZZZZ")
    assert unknown.status_code == 404
    assert "Vi finner ingen skjema med koden ZZZZZZ" in unknown.get_data(as_text=True)


@pytest.mark.parametrize(("typed", "help_shown"), [("Jeg vil ikke leve lenger", True), ("Maten er dødsbra", False)])
def test_text_that_suggests_danger_shows_where_to_get_help(client, session, link, form_json, typed, help_shown):
    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    free = questions_by_kind(form_json)["free_text"]["id"]
    data = {"csrf_token": csrf_token(html), "submission_key": submission_key(html), f"q{free}": typed}
    response = client.post(f"/s/{link.code}", data=data)
    assert response.status_code == 302 and "hjelp" not in response.headers["Location"]  # never in a URL
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ("116 123" in thanks and "116 117" in thanks and "113" in thanks) is help_shown
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "116 123" not in again  # shown once, to the person who wrote it, and not kept


def test_the_api_says_when_to_show_help(client, form_json):
    from tests.kiosk.helpers import post_json

    free = questions_by_kind(form_json)["free_text"]["id"]
    assert post_json(client, {"link": form_json["link"], "answers": {free: "I want to kill myself"}}).get_json()["help"] is True
    assert post_json(client, {"link": form_json["link"], "answers": {free: "The queue is killing me"}}).get_json()["help"] is False


def test_a_new_version_is_shown_at_once_though_the_blank_form_is_kept(client, session, link):
    from kiosk.operations import add_version, publish

    assert "Hvordan var dagen?" in client.get(f"/s/{link.code}").get_data(as_text=True)
    drafts = [QuestionDraft(QuestionKind.YES_NO, {"nb": "Er kaffen god?"})]
    version = add_version(session, link.form, {"nb": "Ny versjon"}, drafts)
    publish(session, version, now=datetime.now(UTC))
    session.commit()
    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    assert "Er kaffen god?" in html and "Hvordan var dagen?" not in html


def test_a_retired_link_is_refused_right_after_its_form_was_shown(client, session, link):
    from kiosk.operations import retire_link

    assert client.get(f"/s/{link.code}").status_code == 200
    retire_link(session, link, now=datetime.now(UTC))
    session.commit()
    assert client.get(f"/s/{link.code}").status_code == 404


def test_the_kept_blank_form_follows_the_language(client, link):
    assert "Hvordan var dagen?" in client.get(f"/s/{link.code}").get_data(as_text=True)
    english = client.get(f"/s/{link.code}?lang=en").get_data(as_text=True)
    assert "How was the day?" in english and "Hvordan var dagen?" not in english
    assert "Leave this field empty" in english
