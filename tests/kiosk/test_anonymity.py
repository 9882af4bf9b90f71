"""Anonymity, proven: after submissions, no table and no log line holds anything that points to a person.

Requests carry a recognisable user agent, referrer, forwarded-for and client address. Afterwards every
row that the submissions added or changed, in every table the database has, and every log line, is
searched for them, for the session cookie, and for any time of day.
"""
from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import date, datetime, time as dtime
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

from tests.kiosk.helpers import csrf_token, full_answers, rating, submission_key

UA = "CanaryBrowser/7.7 (SiifraProbe; Linux)"
REFERRER = "https://referrer.example/canary-page?who=someone"
FORWARDED = "203.0.113.77"
REAL_IP = "198.51.100.23"
CLIENT_ADDR = "192.0.2.55"
CANARIES = [UA, "CanaryBrowser", "SiifraProbe", "referrer.example", "canary-page", FORWARDED, REAL_IP, CLIENT_ADDR]
TIME_OF_DAY = re.compile(r"\b([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?\b")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")

HEADERS = {
    "User-Agent": UA,
    "Referer": REFERRER,
    "X-Forwarded-For": FORWARDED,
    "X-Real-IP": REAL_IP,
    "Forwarded": f"for={FORWARDED}",
}


def snapshot(url: str) -> dict[str, set[tuple]]:
    """Return every row of every table in the database, reflected so that new tables count too."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        rows = {
            name: {tuple(_hashable(v) for v in r) for r in connection.execute(select(table))}
            for name, table in metadata.tables.items()
        }
    engine.dispose()
    return rows


def _hashable(value):
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else value


def added_rows(before: dict[str, set[tuple]], after: dict[str, set[tuple]]) -> dict[str, set[tuple]]:
    return {name: rows - before.get(name, set()) for name, rows in after.items() if rows - before.get(name, set())}


def assert_nothing_identifying(rows: dict[str, set[tuple]], extra: list[str]) -> None:
    for table, table_rows in rows.items():
        for row in table_rows:
            for value in row:
                if isinstance(value, datetime) or isinstance(value, dtime):
                    pytest.fail(f"{table} stores a time of day: {value!r}")
                text = value if isinstance(value, str) else repr(value)
                for canary in CANARIES + extra:
                    assert canary not in text, f"{table} stores {canary!r}"
                assert not TIME_OF_DAY.search(text), f"{table} stores a time of day in {text!r}"
                assert not IPV4.search(text), f"{table} stores an IP-like value {text!r}"


def test_nothing_points_to_a_person(app, client, database_url, link, form_json, caplog):
    caplog.set_level(logging.DEBUG)
    before = snapshot(database_url)
    environ = {"REMOTE_ADDR": CLIENT_ADDR}

    page = client.get(f"/s/{link.code}", headers=HEADERS, environ_base=environ)
    cookie = client.get_cookie("siifra")
    assert cookie is not None  # the CSRF token's session cookie exists...
    html = page.get_data(as_text=True)
    q = {q["kind"]: q for q in form_json["form"]["questions"]}
    data = {
        "csrf_token": csrf_token(html),
        "submission_key": submission_key(html),
        f"q{q['smiley']['id']}": "5",
        f"q{q['free_text']['id']}": "Bra folk her",
    }
    assert client.post(f"/s/{link.code}", data=data, headers=HEADERS, environ_base=environ).status_code == 302
    body = {"link": link.code, "answers": full_answers(form_json)}
    key = str(uuid.uuid4())
    for _ in range(2):  # a retry, too
        response = client.post(
            "/api/v1/submissions", json=body, headers={**HEADERS, "Idempotency-Key": key}, environ_base=environ
        )
        assert response.status_code == 201
    assert client.get("/s/ZZZZZZ", headers=HEADERS, environ_base=environ).status_code == 404

    added = added_rows(before, snapshot(database_url))
    assert set(added) == {"submission", "answer", "idempotency_key", "free_text"}
    assert len(added["submission"]) == 2
    # ...but neither it nor the CSRF token is stored anywhere.
    assert_nothing_identifying(added, [cookie.value, csrf_token(html)])

    lines = [record.getMessage() for record in caplog.records]
    lines += [logging.Formatter("%(message)s").format(record) for record in caplog.records]
    for line in lines:
        for canary in CANARIES + [cookie.value]:
            assert canary not in line
        assert not IPV4.search(line), line


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_gunicorn_logs_nothing_identifying(database_url, link, tmp_path: Path):
    """Run the real server with deploy/gunicorn.conf.py and read everything it prints."""
    root = Path(__file__).resolve().parents[2]
    port = _free_port()
    env = {
        **os.environ,
        "SIIFRA_BIND": f"127.0.0.1:{port}",
        "SIIFRA_SECRET_KEY": "gunicorn-test",
        "SIIFRA_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": database_url,
    }
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with open(out, "w") as stdout, open(err, "w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(root / "deploy/gunicorn.conf.py"), "kiosk:create_app()"],
            cwd=root, env=env, stdout=stdout, stderr=stderr,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base)
            for path in (f"/s/{link.code}?lang=en&secret=query", "/s/ZZZZZZ"):
                _get(base + path)
            request = urllib.request.Request(
                base + "/api/v1/submissions",
                data=json.dumps({"link": link.code, "answers": rating(link)}).encode(),
                headers={**HEADERS, "Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 201
        finally:
            server.terminate()
            server.wait(10)
    access = out.read_text()
    everything = access + err.read_text()
    # No access log at all: journald would date each line, and so each answer (tests/deploy/test_logs.py).
    assert access == "" and link.code not in everything and "/api/" not in everything
    assert not IPV4.search(access), access
    for canary in CANARIES + ["secret=query", "lang=en"]:
        assert canary not in everything
    for line in everything.splitlines():
        assert not TIME_OF_DAY.search(line), line
        assert str(date.today().year) not in line, line


def _get(url: str) -> None:
    request = urllib.request.Request(url, headers=HEADERS)
    try:
        urllib.request.urlopen(request, timeout=10).read()
    except urllib.error.HTTPError as error:
        error.read()


def _wait_for(base: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/s/ZZZZZZ", timeout=1)
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def test_referrers_are_never_sent_from_respondents_pages(client, link):
    """Respondents' pages, the API and the kiosk send no referrer anywhere; staff pages only to themselves."""
    for path in (f"/s/{link.code}", "/", f"/api/v1/links/{link.code}", "/kiosk/", "/kiosk/sw.js"):
        assert client.get(path).headers["Referrer-Policy"] == "no-referrer", path
    assert client.get("/admin/login").headers["Referrer-Policy"] == "same-origin"


def test_the_development_server_logs_no_client(live_server, link, caplog):
    """Werkzeug's own request log names the client's address and the time; it is silenced."""
    caplog.set_level(logging.DEBUG)
    _get(f"{live_server.url}/s/{link.code}?who=someone")
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/submissions",
        data=json.dumps({"link": link.code, "answers": rating(link)}).encode(),
        headers={**HEADERS, "Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
    for record in caplog.records:
        line = logging.Formatter("%(message)s").format(record)
        assert "127.0.0.1" not in line and "who=someone" not in line, line
        assert not TIME_OF_DAY.search(line), line
        for canary in CANARIES:
            assert canary not in line


def test_receipt_codes_leave_nothing_but_their_hash(app, client, session, database_url, link, form_json, caplog):
    """After a phone's and a tablet's receipt, and both codes checked, only keyed hashes hold anything of them."""
    from kiosk.devices import create_device, format_pairing_code
    from kiosk.models import Location

    caplog.set_level(logging.DEBUG)
    location = session.get(Location, link.location_id)
    location.kiosk_form_id = link.form_id
    _device, pairing = create_device(session, location, "Nettbrett", now=datetime.now(), minutes=15)
    session.commit()
    token = client.post("/api/v1/kiosk/pair", json={"code": format_pairing_code(pairing)}).get_json()["token"]
    before = snapshot(database_url)
    environ = {"REMOTE_ADDR": CLIENT_ADDR}

    html = client.get(f"/s/{link.code}", headers=HEADERS, environ_base=environ).get_data(as_text=True)
    q = {q["kind"]: q for q in form_json["form"]["questions"]}
    data = {"csrf_token": csrf_token(html), "submission_key": submission_key(html), f"q{q['free_text']['id']}": "Mer kaffe"}
    thanks = client.post(f"/s/{link.code}", data=data, headers=HEADERS, environ_base=environ, follow_redirects=True)
    made = client.post(f"/s/{link.code}/takk", data={"csrf_token": csrf_token(thanks.get_data(as_text=True))},
                       headers=HEADERS, environ_base=environ).get_data(as_text=True)
    phone_code = re.search(r'id="receipt-code"[^>]*>([^<]+)<', made).group(1)
    key = str(uuid.uuid4())
    tablet = {**HEADERS, "Authorization": f"Bearer {token}"}
    body = {"link": link.code, "answers": full_answers(form_json)}
    assert client.post("/api/v1/submissions", json=body, headers={**tablet, "Idempotency-Key": key}).status_code == 201
    tablet_code = "K7QXPM2HRT"
    assert client.post("/api/v1/kiosk/receipts", json={"key": key, "code": tablet_code}, headers=tablet).status_code == 201
    for code in (phone_code, tablet_code, "22222 33333"):
        page = client.get("/kvittering", headers=HEADERS, environ_base=environ).get_data(as_text=True)
        client.post("/kvittering", data={"csrf_token": csrf_token(page), "code": code}, headers=HEADERS, environ_base=environ)

    added = added_rows(before, snapshot(database_url))
    # The tablet's own row (staff data, with when it was paired) changes only in the day it was last seen.
    added.pop("device", None)
    assert set(added) == {"submission", "answer", "idempotency_key", "free_text", "receipt"}
    assert len(added["receipt"]) == 2
    forms = [phone_code, phone_code.replace(" ", ""), tablet_code, "K7QXP M2HRT", "2222233333"]
    assert_nothing_identifying(added, forms)
    lines = [record.getMessage() for record in caplog.records]
    lines += [logging.Formatter("%(message)s").format(record) for record in caplog.records]
    for line in lines:
        for text in forms + CANARIES:
            assert text not in line
