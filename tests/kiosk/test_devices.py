"""Tablets: pairing codes, device tokens, revocation, the kiosk config, and submissions from a tablet."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from kiosk.devices import create_device, format_pairing_code, revoke
from kiosk.models import Device, Location, Submission
from tests.kiosk.helpers import first_rating, full_answers, rating

NOW = datetime.now(timezone.utc)


@pytest.fixture
def make_device(session, link):
    """Return a factory for a tablet at the link's location, with its pairing code."""

    def make(minutes: int = 15, now: datetime = NOW) -> tuple[Device, str]:
        location = session.get(Location, link.location_id)
        location.kiosk_form_id = link.form_id
        device, code = create_device(session, location, "Nettbrett i gangen", now=now, minutes=minutes)
        session.commit()
        return device, code

    return make


@pytest.fixture
def token(client, make_device) -> str:
    _, code = make_device()
    return client.post("/api/v1/kiosk/pair", json={"code": format_pairing_code(code)}).get_json()["token"]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_pairing_gives_a_token_and_stores_only_hashes(client, session, make_device):
    device, code = make_device()
    response = client.post("/api/v1/kiosk/pair", json={"code": code.lower()})
    assert response.status_code == 201
    token = response.get_json()["token"]
    assert len(token) >= 40
    session.rollback()
    session.expire_all()
    stored = session.get(Device, device.id)
    assert stored.status == "paired"
    assert stored.token_hash and token not in stored.token_hash
    assert stored.pairing_code_hash is None


def test_pairing_code_works_once(client, make_device):
    _, code = make_device()
    assert client.post("/api/v1/kiosk/pair", json={"code": code}).status_code == 201
    again = client.post("/api/v1/kiosk/pair", json={"code": code})
    assert again.status_code == 404
    assert again.get_json()["error"] == "pairing_failed"


def test_expired_pairing_code_is_refused(client, make_device):
    _, code = make_device(minutes=15, now=NOW - timedelta(minutes=16))
    assert client.post("/api/v1/kiosk/pair", json={"code": code}).status_code == 404


@pytest.mark.parametrize("body,field", [({}, "code"), ({"code": ""}, "code"), ({"code": 12345}, "code"), ("ABCD", "body")])
def test_pairing_needs_a_code(client, body, field):
    response = client.post("/api/v1/kiosk/pair", json=body)
    assert response.status_code == 400
    assert response.get_json()["field"] == field


@pytest.mark.parametrize("code", ["\ud800\udc00ABCDEFGH", "\ud800" * 10, "²" * 10, "A" * 5000])
def test_odd_pairing_codes_are_refused_kindly(client, code):
    import json

    response = client.post("/api/v1/kiosk/pair", data=json.dumps({"code": code}), content_type="application/json")
    assert response.status_code in (400, 404)
    assert response.get_json()["field"] in ("code", "body")


def test_config_has_everything_to_run_offline(client, token, link):
    response = client.get("/api/v1/kiosk/config", headers=auth(token))
    assert response.status_code == 200
    data = response.get_json()
    assert data["link"] == link.code
    assert data["form"]["questions"][0]["kind"] == "smiley"
    assert data["idle_reset_seconds"] == 60
    assert set(data["texts"]) == {"nb", "nn", "en"}
    assert data["texts"]["nn"]["say_more"] == "Vil du seie meir?"
    assert data["languages"] == {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
    assert response.headers["Cache-Control"] == "no-store"


def test_config_notes_the_day_the_tablet_was_seen(client, session, token):
    client.get("/api/v1/kiosk/config", headers=auth(token))
    session.rollback()
    session.expire_all()
    device = session.scalars(select(Device)).one()
    assert device.last_seen_on is not None
    assert not hasattr(device.last_seen_on, "hour")


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc", "Bearer "])
def test_config_refuses_unknown_tablets(client, token, header):
    headers = {} if header is None else {"Authorization": header}
    response = client.get("/api/v1/kiosk/config", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == "not_paired"


def test_revoked_tablet_is_refused_at_once(client, session, token):
    device = session.scalars(select(Device)).one()
    revoke(session, device, now=NOW)
    session.commit()
    assert client.get("/api/v1/kiosk/config", headers=auth(token)).status_code == 401
    response = client.post(
        "/api/v1/submissions",
        json={"link": "ABCDEF", "answers": {}},
        headers={**auth(token), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 401


def test_location_without_form_is_409(client, session, make_device, make_link):
    other = make_link(location_name="Tomt hus")
    location = session.get(Location, other.location_id)
    other.retired_at = NOW.replace(tzinfo=None)
    session.add(other)
    device, code = create_device(session, location, "Tom", now=NOW, minutes=15)
    session.commit()
    token = client.post("/api/v1/kiosk/pair", json={"code": code}).get_json()["token"]
    response = client.get("/api/v1/kiosk/config", headers=auth(token))
    assert response.status_code == 409
    assert response.get_json()["error"] == "no_form"


def test_kiosk_submission_is_marked_with_device_and_day(client, session, token, form_json):
    day = (datetime.now(timezone.utc) - timedelta(days=2)).date()
    body = {"link": form_json["link"], "answers": full_answers(form_json), "day": day.isoformat(), "burst": True}
    response = client.post("/api/v1/submissions", json=body, headers={**auth(token), "Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 201
    submission = session.scalars(select(Submission)).one()
    assert submission.channel == "kiosk"
    assert submission.device_id is not None
    assert submission.burst is True
    assert submission.period == day


def test_phones_cannot_mark_bursts(client, session, form_json):
    body = {"link": form_json["link"], "answers": first_rating(form_json), "burst": True}
    assert client.post("/api/v1/submissions", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}).status_code == 201
    assert session.scalars(select(Submission)).one().burst is False


def test_answers_queued_before_a_move_count_where_they_were_given(client, session, token, make_link):
    other = make_link(location_name="Et annet sted")
    response = client.post(
        "/api/v1/submissions",
        json={"link": other.code, "answers": rating(other)},
        headers={**auth(token), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 201
    assert session.scalars(select(Submission)).one().location_id == other.location_id


def test_answers_to_an_older_version_keep_their_meaning(client, session, token, link, form_json):
    from kiosk.operations import QuestionDraft, add_version, publish
    from kiosk.models import Form, QuestionKind

    old_version = form_json["form"]["version_id"]
    form = session.get(Form, link.form_id)
    publish(session, add_version(session, form, {"nb": "Ny"}, [QuestionDraft(QuestionKind.YES_NO, {"nb": "Ja?"})]), now=NOW)
    session.commit()
    smiley = form_json["form"]["questions"][0]["id"]
    body = {"link": link.code, "answers": {smiley: 5}, "version_id": old_version}
    response = client.post("/api/v1/submissions", json=body, headers={**auth(token), "Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 201
    assert session.scalars(select(Submission)).one().form_version_id == old_version
    without = client.post(
        "/api/v1/submissions", json={**body, "version_id": None}, headers={**auth(token), "Idempotency-Key": str(uuid.uuid4())}
    )
    assert without.status_code == 400  # the old question is not in the newest version
    for bad in (999999, "1", True):
        response = client.post(
            "/api/v1/submissions", json={**body, "version_id": bad}, headers={**auth(token), "Idempotency-Key": str(uuid.uuid4())}
        )
        assert response.status_code == 400 and response.get_json()["field"] == "version_id"


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"KIOSK_RATE_PER_MINUTE": 6, "KIOSK_RATE_BURST": 5}

    def test_a_flooding_tablet_gets_429_and_loses_nothing_it_retries(self, client, session, token, form_json):
        statuses = []
        for _ in range(8):
            response = client.post(
                "/api/v1/submissions",
                json={"link": form_json["link"], "answers": first_rating(form_json)},
                headers={**auth(token), "Idempotency-Key": str(uuid.uuid4())},
            )
            statuses.append(response.status_code)
        assert statuses[:5] == [201] * 5
        assert 429 in statuses[5:]
        limited = response if response.status_code == 429 else None
        assert limited is not None and int(limited.headers["Retry-After"]) >= 1
        assert session.scalar(select(func.count()).select_from(Submission)) == statuses.count(201)


def test_kiosk_shell_and_service_worker(client):
    shell = client.get("/kiosk/")
    assert shell.status_code == 200
    assert shell.headers["Cache-Control"] == "no-store"
    assert 'id="texts"' in shell.get_data(as_text=True)
    assert client.get("/kiosk/pair").status_code == 200
    worker = client.get("/kiosk/sw.js")
    assert worker.headers["Service-Worker-Allowed"] == "/kiosk/"
    assert worker.mimetype == "text/javascript"


def test_device_cli(runner, session, link):
    location = session.get(Location, link.location_id)
    result = runner.invoke(args=["device", "add", "--location", location.name, "--name", "Inngang"])
    assert result.exit_code == 0, result.output
    assert "Pairing code:" in result.output
    assert "/kiosk/pair#code=" in result.output
    listed = runner.invoke(args=["device", "list"]).output
    assert "waiting" in listed and "Inngang" in listed
    device_id = listed.split()[0]
    assert runner.invoke(args=["device", "revoke", device_id]).exit_code == 0
    assert "revoked" in runner.invoke(args=["device", "list"]).output
    assert runner.invoke(args=["device", "add", "--location", "Finnes ikke"]).exit_code != 0


def test_a_flood_of_wrong_codes_never_blocks_a_real_one(live_server, make_device):
    """Ten bogus codes a second from other clients, and eleven real pairings in between all succeed."""
    import json as jsonlib
    import threading
    import urllib.error
    import urllib.request

    def post(code: str) -> int:
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/kiosk/pair", data=jsonlib.dumps({"code": code}).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    stop = threading.Event()
    flood_statuses: list[int] = []

    def flood() -> None:
        n = 0
        while not stop.is_set():
            flood_statuses.append(post(f"ZZZZZ-{n:05d}"[-11:]))
            n += 1
            stop.wait(0.2)  # two threads: ten bogus codes a second

    threads = [threading.Thread(target=flood) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        real = []
        for _ in range(11):
            _, code = make_device(now=datetime.now(timezone.utc))
            real.append(post(format_pairing_code(code)))
            stop.wait(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    assert real == [201] * 11
    assert len(flood_statuses) >= 11 and set(flood_statuses) == {404}
