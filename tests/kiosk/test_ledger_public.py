""""Dette har vi gjort" where people are: the tablet's configuration, the phone's thank-you page and the
place's own page behind the poster's code; each shows only its own place's entries, in plain words."""
from __future__ import annotations

import html
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from kiosk.devices import create_device
from kiosk.ledger import EntryValues, add_entry
from kiosk.models import LedgerStatus, Location

TODAY = date(2026, 3, 4)


@pytest.fixture
def make_entry(session):
    """Return a factory for a ledger entry at some places, as staff would record it."""

    def make(location_ids, heard, status=LedgerStatus.PLANNED, *, today=TODAY, **values):
        entry = add_entry(session, EntryValues(heard=heard, location_ids=location_ids, status=status, **values), today=today)
        session.commit()
        return entry

    return make


def page_text(response) -> str:
    """Return a page's visible words, one space between them."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True).split("<main", 1)[1])
    return " ".join(html.unescape(body).split())


def test_the_page_shows_what_was_heard_and_done_with_its_dates(client, link, make_entry) -> None:
    make_entry(
        [link.location_id], {"nb": "Vi vil ha frukt på bordet."}, LedgerStatus.DONE,
        done={"nb": "Nå står det frukt på bordet hver dag."},
        milestones=[(date(2026, 2, 10), {"nb": "Frukten er bestilt."})],
    )
    response = client.get(f"/s/{link.code}/gjort")
    assert response.status_code == 200
    text = page_text(response)
    assert "Dette har vi gjort Fyrlykta dagsenter" in text
    assert "Det er gjort Dere sa: Vi vil ha frukt på bordet. Nå står det frukt på bordet hver dag." in text
    assert "10. februar 2026 : Frukten er bestilt." in text
    assert "Sist endret 4. mars 2026" in text


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (LedgerStatus.CONSIDERING, "Vi ser på det"),
        (LedgerStatus.PLANNED, "Vi skal gjøre det"),
        (LedgerStatus.DONE, "Det er gjort"),
        (LedgerStatus.NOT_POSSIBLE, "Vi kan ikke gjøre det"),
    ],
)
def test_each_status_is_said_in_easy_words(client, link, make_entry, status, words) -> None:
    make_entry([link.location_id], {"nb": "Lengre åpningstid."}, status, done={"nb": "Vi har sett på det."}, reason={"nb": "Det er ikke penger til flere ansatte nå."})
    assert f"{words} Dere sa: Lengre åpningstid." in page_text(client.get(f"/s/{link.code}/gjort"))


def test_merely_received_is_not_shown(client, link, make_entry) -> None:
    make_entry([link.location_id], {"nb": "Bedre kaffe."}, LedgerStatus.RECEIVED)
    text = page_text(client.get(f"/s/{link.code}/gjort"))
    assert "Bedre kaffe" not in text
    assert "Her står det ikke noe ennå." in text


def test_not_possible_says_why(client, link, make_entry) -> None:
    make_entry(
        [link.location_id], {"nb": "Åpent på søndager."}, LedgerStatus.NOT_POSSIBLE,
        reason={"nb": "Det er ikke penger til flere ansatte nå."},
    )
    text = page_text(client.get(f"/s/{link.code}/gjort"))
    assert "Vi kan ikke gjøre det Dere sa: Åpent på søndager. Grunnen er: Det er ikke penger til flere ansatte nå." in text


def test_texts_come_in_the_chosen_language_and_fall_back_to_bokmal(client, link, make_entry) -> None:
    make_entry(
        [link.location_id], {"nb": "Vi vil ha turer.", "en": "We want walks."}, LedgerStatus.PLANNED,
        done={"nb": "Tur hver fredag fra mai."},
    )
    english = page_text(client.get(f"/s/{link.code}/gjort?lang=en"))
    assert "We want walks." in english and "Tur hver fredag fra mai." in english
    assert "Vi vil ha turer." not in english
    nynorsk = page_text(client.get(f"/s/{link.code}/gjort?lang=nn"))
    assert "Vi vil ha turer." in nynorsk and "Tur hver fredag fra mai." in nynorsk


def test_each_place_sees_only_its_own_entries(client, link, make_link, make_entry) -> None:
    other = make_link(location_name="Solsida aktivitetshus")
    make_entry([link.location_id], {"nb": "Frukt på bordet."})
    make_entry([other.location_id], {"nb": "Nye stoler i stua."})
    make_entry([link.location_id, other.location_id], {"nb": "Wi-Fi i hele huset."})
    here = page_text(client.get(f"/s/{link.code}/gjort"))
    there = page_text(client.get(f"/s/{other.code}/gjort"))
    assert "Frukt på bordet." in here and "Nye stoler i stua." not in here and "Wi-Fi i hele huset." in here
    assert "Nye stoler i stua." in there and "Frukt på bordet." not in there and "Wi-Fi i hele huset." in there


def test_an_unknown_code_gets_the_kind_page(client, link) -> None:
    response = client.get("/s/ZZZZZZ/gjort")
    assert response.status_code == 404
    assert "Vi finner ingen skjema med koden ZZZZZZ." in page_text(response)


def test_a_code_typed_in_small_letters_leads_to_the_page(client, link) -> None:
    response = client.get(f"/s/{link.code.lower()}/gjort")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/s/{link.code}/gjort")


def test_the_thank_you_page_shows_the_latest_three_and_the_way_to_all(client, link, make_entry) -> None:
    for n in range(4):
        make_entry([link.location_id], {"nb": f"Ønske nummer {n}."}, today=date(2026, 3, 1 + n))
    response = client.get(f"/s/{link.code}/takk")
    text = page_text(response)
    assert "Dette har vi gjort" in text
    assert [n for n in range(4) if f"Ønske nummer {n}." in text] == [1, 2, 3]
    assert f'href="/s/{link.code}/gjort?lang=nb"' in response.get_data(as_text=True)


def test_the_thank_you_page_says_nothing_of_an_empty_ledger(client, link) -> None:
    assert "Dette har vi gjort" not in page_text(client.get(f"/s/{link.code}/takk"))


def test_the_tablet_gets_its_own_places_entries_in_its_languages(client, session, link, make_link, make_entry) -> None:
    other = make_link(location_name="Solsida aktivitetshus")
    make_entry([link.location_id], {"nb": "Frukt på bordet.", "en": "Fruit on the table."}, LedgerStatus.DONE, done={"nb": "Frukt hver dag."})
    make_entry([other.location_id], {"nb": "Nye stoler i stua."})
    location = session.scalars(select(Location).where(Location.id == link.location_id)).one()
    location.kiosk_form_id = link.form_id
    device, code = create_device(session, location, "Gangen", now=datetime.now(timezone.utc), minutes=15)
    session.commit()
    token = client.post("/api/v1/kiosk/pair", json={"code": code}).get_json()["token"]
    config = client.get("/api/v1/kiosk/config", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert set(config["ledger"]) == {"nb", "nn", "en"}
    [nb], [en], [nn] = config["ledger"]["nb"], config["ledger"]["en"], config["ledger"]["nn"]
    assert (nb["status_words"], nb["heard"], nb["done"]) == ("Det er gjort", "Frukt på bordet.", "Frukt hver dag.")
    assert (en["heard"], en["done"]) == ("Fruit on the table.", "Frukt hver dag.")
    assert nn["heard"] == "Frukt på bordet."
    assert "texts" in config and config["texts"]["nb"]["ledger_title"] == "Dette har vi gjort"
