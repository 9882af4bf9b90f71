"""Receipt codes: made only when asked, stored only as a keyed hash, followed through moderation, the
digest and the ledger at /kvittering, limited against guessing, and deleted with their text."""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from kiosk import receipts
from kiosk.devices import create_device, format_pairing_code
from kiosk.digests.build import build
from kiosk.digests.periods import parse_period
from kiosk.extensions import db
from kiosk.ledger import EntryValues, add_entry
from kiosk.models import Council, FreeText, HideReason, LedgerStatus, Location, Receipt, TextStatus
from kiosk.moderation.queue import hide
from kiosk.retention import Policy, run
from kiosk.shortcodes import ALPHABET
from tests.kiosk.helpers import csrf_token, full_answers, questions_by_kind, submission_key
from tests.kiosk.test_anonymity import snapshot

IN_WEEK = datetime(2026, 11, 11, 12, tzinfo=timezone.utc)
AFTER = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)


# --- The service --------------------------------------------------------------------------------------


def test_codes_are_ten_characters_of_the_alphabet_shown_in_two_groups():
    codes = {receipts.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 10 and set(c) <= set(ALPHABET) for c in codes)
    assert receipts.display("K7QXPM2HRT") == "K7QXP M2HRT"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("K7QXP M2HRT", "K7QXPM2HRT"),
        ("k7qxp-m2hrt", "K7QXPM2HRT"),
        ("  k7qxp – m2hrt ", "K7QXPM2HRT"),
        ("K7QXP\u00a0M2HRT", "K7QXPM2HRT"),
        ("Ｋ７ＱＸＰＭ２ＨＲＴ", "K7QXPM2HRT"),  # full-width, from some phone keyboards
        ("K7QXPM2HR", None),  # too short
        ("K7QXPM2HRTX", None),  # too long
        ("K7QXO M2HRT", None),  # O is not in the alphabet, nor is 0: no one letter it could have meant
        ("K7QX1 M2HRT", None),
        ("", None),
    ],
)
def test_typed_codes_are_normalised(typed, expected):
    assert receipts.normalise(typed) == expected


def test_only_a_keyed_hash_is_stored(app, session, link, make_text, database_url):
    item = make_text(link, "Mer kaffe om morgenen")
    with app.app_context():
        code = receipts.issue(db.session, [item])
        db.session.commit()
    stored = session.scalars(select(Receipt)).one()
    assert stored.free_text_id == item
    assert len(stored.code_hash) == 64 and stored.code_hash != code
    import hashlib

    assert stored.code_hash != hashlib.sha256(code.encode()).hexdigest()  # keyed: a plain hash would be guessable
    for rows in snapshot(database_url).values():
        for row in rows:
            for value in row:
                text = value if isinstance(value, str) else repr(value)
                for form in (code, receipts.display(code), code.lower()):
                    assert form not in text


def test_a_text_has_at_most_one_code(app, link, make_text):
    item = make_text(link, "Flere turer")
    with app.app_context():
        code = receipts.issue(db.session, [item])
        receipts.attach(db.session, code, [item])  # the same code again: a tablet's retry
        with pytest.raises(receipts.ReceiptTaken):
            receipts.issue(db.session, [item])
        with pytest.raises(receipts.NoFreeText):
            receipts.issue(db.session, [])


def test_codes_keep_working_after_the_secret_is_rotated(app, link, make_text):
    item = make_text(link, "Bedre stoler")
    with app.app_context():
        code = receipts.issue(db.session, [item])
        db.session.commit()
        app.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]
        app.config["SECRET_KEY"] = "a-new-secret"
        assert receipts.status(db.session, code, lang="nb") is not None


def words(steps) -> list[tuple[str, bool]]:
    return [(s.name, s.reached) for s in steps]


@pytest.fixture
def council(session, link):
    item = Council(name="Brukerrådet", created_at=datetime(2026, 11, 1), k=5, language="nb", cadence="weekly",
                   send="mon 08:00", locations=[session.get(Location, link.location_id)])
    session.add(item)
    session.commit()
    return item


def test_status_follows_the_text_through_moderation_digest_and_ledger(app, session, link, make_text, council):
    items = [make_text(link, text, now=IN_WEEK) for text in ("Mer kaffe", "Flere turer", "Mer musikk", "Lengre åpent", "Bedre stoler")]
    with app.app_context():
        code = receipts.issue(db.session, [items[0]])
        db.session.commit()

        def steps():
            [one] = receipts.status(db.session, code, lang="nb")
            db.session.rollback()
            return one

        assert words(steps()) == [("received", True), ("read", False), ("digest", False), ("ledger", False)]
        for text in db.session.scalars(select(FreeText)):
            text.status, text.moderated_on = TextStatus.RELEASED, date(2026, 11, 20)
        db.session.commit()
        assert words(steps())[:3] == [("received", True), ("read", True), ("digest", False)]

        built = build(db.session, db.session.get_one(Council, council.id), parse_period("2026-W46"), now=AFTER)
        db.session.commit()
        assert built.digest.status.value == "ready"
        digest = steps()[2]
        assert digest.reached and "9. november 2026" in digest.words and "15. november 2026" in digest.words

        add_entry(db.session, EntryValues(heard={"nb": "Folk vil ha mer kaffe"}, location_ids=[link.location_id],
                                          status=LedgerStatus.PLANNED, done={"nb": "Ny kaffemaskin er bestilt"},
                                          free_text_ids=[items[0]]), today=date(2026, 11, 25))
        db.session.commit()
        ledger = steps()[3]
        assert ledger.reached and "Vi skal gjøre det" in ledger.words
        assert ledger.detail == "Folk vil ha mer kaffe Ny kaffemaskin er bestilt"
        [english] = receipts.status(db.session, code, lang="en")
        assert "2026" in english[2].words


@pytest.mark.parametrize(
    ("reason", "says"),
    [(HideReason.PERSONAL, "vise hvem noen er"), (HideReason.SPAM, "ikke handlet om tjenesten"), (HideReason.OTHER, "Det skjer når")],
)
def test_a_hidden_text_says_why_in_general_terms(app, link, make_text, reason, says):
    item = make_text(link, "Per på avdelingen er slem")
    with app.app_context():
        code = receipts.issue(db.session, [item])
        hide(db.session, db.session.get_one(FreeText, item), reason, today=date(2026, 11, 20))
        db.session.commit()
        [steps] = receipts.status(db.session, code, lang="nb")
    assert words(steps) == [("received", True), ("read", True), ("not_shown", True)]
    assert says in steps[2].detail
    assert "Per" not in steps[2].detail


def test_retention_deletes_receipts_with_their_text(app, session, link, make_text):
    item = make_text(link, "Mer kaffe")
    with app.app_context():
        code = receipts.issue(db.session, [item])
        db.session.commit()
        run(db.session, today=date(2029, 1, 2), rules=Policy(months=24, original_days=30, key_days=7))
        db.session.commit()
        assert receipts.status(db.session, code, lang="nb") is None
    assert session.scalars(select(Receipt)).all() == []
    assert session.scalars(select(FreeText)).all() == []


# --- The phone ----------------------------------------------------------------------------------------


def give_text(client, link, form_json, text: str | None = "Mer kaffe, takk") -> str:
    """Answer the phone form (with free text unless None); return the thank-you page."""
    html = client.get(f"/s/{link.code}").get_data(as_text=True)
    q = questions_by_kind(form_json)
    data = {"csrf_token": csrf_token(html), "submission_key": submission_key(html), f"q{q['smiley']['id']}": "4"}
    if text:
        data[f"q{q['free_text']['id']}"] = text
    response = client.post(f"/s/{link.code}", data=data)
    assert response.status_code == 302 and "receipt" not in response.location
    return client.get(response.location).get_data(as_text=True)


def shown_code(html: str) -> str:
    return re.search(r'id="receipt-code"[^>]*>([^<]+)<', html).group(1)


def check(client, code: str):
    page = client.get("/kvittering").get_data(as_text=True)
    return client.post("/kvittering", data={"csrf_token": csrf_token(page), "code": code})


def test_phone_asks_gets_a_code_and_follows_it(client, session, link, form_json):
    page = give_text(client, link, form_json)
    assert "Vil du følge med på hva som skjer med det du skrev?" in page
    assert session.scalars(select(Receipt)).all() == []  # nothing is made unless asked
    made = client.post(f"/s/{link.code}/takk", data={"csrf_token": csrf_token(page)})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    html = made.get_data(as_text=True)
    code = shown_code(html)
    assert re.fullmatch(r"[2-9A-Z]{5} [2-9A-Z]{5}", code)
    assert 'href="/kvittering' in html and "127.0.0.1:5000/kvittering" in html
    assert "Vil du følge med" not in html
    session.rollback()  # a fresh snapshot of the database
    assert session.scalars(select(Receipt)).one()

    again = client.post(f"/s/{link.code}/takk", data={"csrf_token": csrf_token(page)}).get_data(as_text=True)
    assert 'id="receipt-code"' not in again  # a reload makes no second code

    result = check(client, code.lower().replace(" ", "-"))
    assert result.status_code == 200 and result.headers["Cache-Control"] == "no-store"
    body = result.get_data(as_text=True)
    assert "Mottatt: vi har fått det du skrev." in body and "Lest: ikke ennå." in body
    assert code not in body


def test_no_offer_without_free_text(client, link, form_json):
    assert "Vil du følge med" not in give_text(client, link, form_json, text=None)


def test_the_offer_ends_when_the_thank_you_page_is_left(client, session, link, form_json):
    page = give_text(client, link, form_json)
    client.get(f"/s/{link.code}")
    assert "Vil du følge med" not in client.get(f"/s/{link.code}/takk").get_data(as_text=True)
    client.post(f"/s/{link.code}/takk", data={"csrf_token": csrf_token(page)})
    session.rollback()
    assert session.scalars(select(Receipt)).all() == []


def test_the_offer_needs_its_csrf_token(client, session, link, form_json):
    give_text(client, link, form_json)
    html = client.post(f"/s/{link.code}/takk", data={}).get_data(as_text=True)
    assert 'id="receipt-code"' not in html
    assert session.scalars(select(Receipt)).all() == []
    page = client.get("/kvittering").get_data(as_text=True)
    assert client.post("/kvittering", data={"code": "K7QXPM2HRT"}).status_code == 400
    assert 'name="csrf_token"' in page


def test_a_wrong_code_gets_a_kind_page(client):
    response = check(client, "K7QXP M2HRT")
    assert response.status_code == 404
    assert "Vi fant ingen svar med den koden" in response.get_data(as_text=True)
    assert check(client, "not a code").status_code == 404


class TestGuessing:
    @pytest.fixture
    def app_config(self):
        return {"RECEIPT_FAILURES_PER_MINUTE": 2, "RECEIPT_FAILURES_BURST": 2}

    def test_wrong_codes_are_limited_for_everyone_and_never_by_ip(self, client, link, form_json):
        page = give_text(client, link, form_json)
        code = shown_code(client.post(f"/s/{link.code}/takk", data={"csrf_token": csrf_token(page)}).get_data(as_text=True))
        assert check(client, code).status_code == 200  # a right code takes nothing from the bucket
        for n in range(2):
            assert check(client, f"K7QXP M2HR{'TV'[n]}").status_code == 404
        other = client.application.test_client()
        limited = other.post("/kvittering", data={"csrf_token": csrf_token(other.get("/kvittering").get_data(as_text=True)), "code": code},
                             environ_base={"REMOTE_ADDR": "192.0.2.200"})
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) > 0
        assert "Vent et minutt" in limited.get_data(as_text=True)


# --- The tablet ---------------------------------------------------------------------------------------


@pytest.fixture
def tablet(client, session, link):
    location = session.get(Location, link.location_id)
    location.kiosk_form_id = link.form_id
    _device, code = create_device(session, location, "Nettbrett", now=datetime.now(timezone.utc), minutes=15)
    session.commit()
    token = client.post("/api/v1/kiosk/pair", json={"code": format_pairing_code(code)}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_tablet_code_is_attached_by_the_submissions_key_once(client, session, tablet, form_json):
    config = client.get("/api/v1/kiosk/config", headers=tablet).get_json()
    assert config["receipt"] == {"alphabet": ALPHABET, "length": 10, "address": "127.0.0.1:5000/kvittering"}
    key = str(uuid.uuid4())
    body = {"link": form_json["link"], "answers": full_answers(form_json)}
    assert client.post("/api/v1/submissions", json=body, headers={**tablet, "Idempotency-Key": key}).status_code == 201
    for _ in range(2):  # sent again after a lost answer: still one receipt
        response = client.post("/api/v1/kiosk/receipts", json={"key": key, "code": "k7qxp m2hrt"}, headers=tablet)
        assert response.status_code == 201
    session.rollback()
    assert len(session.scalars(select(Receipt)).all()) == 1
    assert check(client, "K7QXPM2HRT").status_code == 200
    other = client.post("/api/v1/kiosk/receipts", json={"key": key, "code": "22222 22222"}, headers=tablet)
    assert other.status_code == 409


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"key": "nope", "code": "K7QXPM2HRT"}, 400),
        ({"key": str(uuid.uuid4()), "code": "K7QXO"}, 400),
        ({"key": str(uuid.uuid4()), "code": "K7QXPM2HRT"}, 404),
    ],
)
def test_tablet_receipts_refuse_what_cannot_be_attached(client, tablet, body, status):
    assert client.post("/api/v1/kiosk/receipts", json=body, headers=tablet).status_code == status


def test_tablet_receipts_only_for_the_tablets_own_submission(client, tablet, form_json):
    key = str(uuid.uuid4())
    body = {"link": form_json["link"], "answers": full_answers(form_json)}
    assert client.post("/api/v1/submissions", json=body, headers={"Idempotency-Key": key}).status_code == 201  # a phone
    response = client.post("/api/v1/kiosk/receipts", json={"key": key, "code": "K7QXPM2HRT"}, headers=tablet)
    assert response.status_code == 404
    assert client.post("/api/v1/kiosk/receipts", json={"key": key, "code": "K7QXPM2HRT"}).status_code == 401
