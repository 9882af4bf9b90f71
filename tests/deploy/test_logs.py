"""No answer leaves a line in any log of the shipped deployment; errors are still logged, without client data.

journald, Docker and log shippers stamp every line with the time to the second, so one line per answer
("POST /s/7N79HH" 302: the form and the place) would date every answer. gunicorn runs with the command and
environment of the systemd unit, and of the container, behind the shipped nginx site.
"""
from __future__ import annotations

import re
import socket
import uuid

import pytest
from sqlalchemy import text

from kiosk.models import Submission
from tests.deploy.browser import CLIENT_ADDRESS, Browser
from tests.kiosk.helpers import count, csrf_token, full_answers, questions_by_kind, submission_key
from tests.kiosk.test_anonymity import CANARIES, HEADERS, IPV4, TIME_OF_DAY

pytestmark = pytest.mark.slow
SECRET_ANSWER = "Kari på rom 12 gråter om natta"
OWN_ADDRESS = re.compile(r"Listening at: http://127\.0\.0\.1:\d+ \(\d+\)$", re.MULTILINE)
A_REQUEST = re.compile(r"\b(GET|POST|HEAD)\b|/s/|/api/|takk|HTTP/")


def _answer_on_the_phone(browser: Browser, code: str, form_json: dict, words: str) -> tuple[int, str]:
    """Open the form, fill it in and send it, as a phone does; return the POST's status and where it leads."""
    page = browser.get(f"/s/{code}?lang=nb&who=someone", headers=HEADERS)
    assert page.status_code == 200
    q = questions_by_kind(form_json)
    fields = {
        "csrf_token": csrf_token(page.text),
        "submission_key": submission_key(page.text),
        f"q{q['smiley']['id']}": "5",
        f"q{q['free_text']['id']}": words,
    }
    response = browser.post(f"/s/{code}", headers=HEADERS, data=fields)
    return response.status_code, response.headers.get("Location", "")


def _answer_on_the_tablet_api(browser: Browser, code: str, form_json: dict) -> None:
    assert browser.get(f"/api/v1/links/{code}", headers=HEADERS).status_code == 200
    body = {"link": code, "answers": full_answers(form_json)}
    response = browser.post("/api/v1/submissions", headers={**HEADERS, "Idempotency-Key": str(uuid.uuid4())}, json=body)
    assert response.status_code == 201


def _assert_no_client_data(log: str) -> None:
    for canary in CANARIES + [CLIENT_ADDRESS, SECRET_ANSWER, "who=someone", "lang=nb"]:
        assert canary not in log
    for line in log.splitlines():
        assert not TIME_OF_DAY.search(line), line


@pytest.mark.parametrize("kind", ["systemd", "container"])
def test_answers_leave_no_line_in_any_log(deployment, session, link, form_json, kind):
    served = deployment(kind)
    browser = Browser(served.nginx)

    status, thanks = _answer_on_the_phone(browser, link.code, form_json, "Bra folk her")
    assert status == 302 and "/takk" in thanks
    assert browser.get(thanks, headers=HEADERS).status_code == 200
    _answer_on_the_tablet_api(browser, link.code, form_json)
    assert count(session, Submission) == 2
    for log in (served.gunicorn.output(), served.nginx.log_text()):
        assert not [line for line in log.splitlines() if A_REQUEST.search(line)], log
        _assert_no_client_data(log)
    # Only what an operator needs: not WeasyPrint's steps, which it reports at every start of every worker.
    assert not re.search(r"\] Step \d+ - ", served.gunicorn.output())
    # gunicorn names its own address once, when it starts; nothing else holds an address.
    assert not IPV4.search(OWN_ADDRESS.sub("", served.gunicorn.output()) + served.nginx.log_text())

    # The app fails while taking an answer: the error is logged, without the answer or who sent it.
    session.execute(text("ALTER TABLE answer RENAME TO answer_gone"))
    session.commit()
    try:
        assert _answer_on_the_phone(browser, link.code, form_json, SECRET_ANSWER)[0] == 500
    finally:
        session.execute(text("ALTER TABLE answer_gone RENAME TO answer"))
        session.commit()
    served.gunicorn.stop()
    log = served.gunicorn.output()
    assert "Traceback" in log
    about_requests = [line.split("] ")[-1] for line in log.splitlines() if A_REQUEST.search(line)]
    assert about_requests == [f"Unhandled error on POST /s/{link.code}"]
    _assert_no_client_data(log)

    # The app is down: nginx says so, with the status alone.
    assert browser.get(f"/s/{link.code}?lang=nb", headers=HEADERS).status_code == 502
    served.nginx.stop()
    log = served.nginx.log_text()
    assert log.splitlines() == ["the app did not answer: 502"], log


def test_a_refused_request_is_logged_without_the_client(deployment):
    """gunicorn's warning about a malformed request names the client's address and quotes what it sent."""
    served = deployment()
    with socket.create_connection(("127.0.0.1", served.gunicorn.port), timeout=30, source_address=("127.0.0.2", 0)) as s:
        s.sendall(b"GET /s/ABCDEF?who=someone HTTP/1.1\r\nHost: x\r\nCanaryBrowser(SiifraProbe): 1\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 400")
    served.gunicorn.stop()
    log = served.gunicorn.output()
    assert "Invalid request refused" in log
    assert "127.0.0.2" not in log and "ABCDEF" not in log
    _assert_no_client_data(log)


def test_an_access_log_cannot_be_turned_back_on(deployment, link):
    """Not by the old SIIFRA_ACCESS_LOG, nor by gunicorn's own flags in GUNICORN_CMD_ARGS."""
    served = deployment(SIIFRA_ACCESS_LOG="-", GUNICORN_CMD_ARGS="--access-logfile - --workers 1")
    assert Browser(served.nginx).get(f"/s/{link.code}", headers=HEADERS).status_code == 200
    served.gunicorn.stop()
    log = served.gunicorn.output()
    assert log.count("Booting worker") == 1  # the flags were read
    assert link.code not in log and not A_REQUEST.search(log), log
