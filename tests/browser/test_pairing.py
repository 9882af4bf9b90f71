"""Pairing a tablet, and the calm screen of a tablet that is not (or no longer) set up."""
from __future__ import annotations

from datetime import datetime, timezone

from playwright.sync_api import Page, expect

from kiosk.database import begin_write
from kiosk.devices import create_device
from kiosk.models import Device, LocationKind
from kiosk.operations import create_location
from tests.browser.helpers import Tablet, button, face, outbox, pair, screenshot

NOT_SET_UP = "Dette nettbrettet er ikke satt opp"


def paired_device(tablet: Tablet) -> Device:
    tablet.session.rollback()
    return tablet.session.get_one(Device, tablet.device_id)


def test_staff_pair_by_typing_the_code(page: Page, tablet: Tablet, browser_errors) -> None:
    page.goto(f"{tablet.server.url}/kiosk/pair")
    expect(page.get_by_role("heading", name="Koble til nettbrettet")).to_be_visible()
    screenshot(page, "pair")
    page.get_by_label("Koden fra de ansatte").fill(f"{tablet.code[:4]}-{tablet.code[4:]}".lower())
    page.get_by_role("button", name="Koble til").click()

    expect(face(page, 3)).to_be_visible()
    assert page.url == tablet.kiosk_url
    assert page.evaluate("localStorage.getItem('siifra.token')")
    assert paired_device(tablet).status == "paired"


def test_the_qr_code_address_pairs_by_itself_and_leaves_no_code_behind(page: Page, tablet: Tablet, browser_errors) -> None:
    before = page.evaluate("history.length")
    pair(page, tablet)

    assert page.url == tablet.kiosk_url
    assert page.evaluate("history.length") == before + 1
    assert paired_device(tablet).status == "paired"


def test_a_used_code_is_refused_kindly(page: Page, tablet: Tablet, browser_errors) -> None:
    pair(page, tablet)
    other = page.context.new_page()
    other.goto(tablet.pair_url)

    expect(other.get_by_role("alert")).to_have_text("Koden virker ikke. Den kan være brukt eller for gammel. Be om en ny kode.")
    expect(other.get_by_label("Koden fra de ansatte")).to_be_visible()


def test_without_a_token_the_kiosk_is_not_set_up(page: Page, tablet: Tablet, browser_errors) -> None:
    page.goto(tablet.kiosk_url)

    expect(page.get_by_role("heading", name=NOT_SET_UP)).to_be_visible()
    expect(page.get_by_text("Spør en av de ansatte om hjelp.")).to_be_visible()
    expect(page.locator(".faces")).to_have_count(0)


def test_a_revoked_tablet_shows_not_set_up_and_forgets_its_token(kiosk: Page, tablet: Tablet) -> None:
    tablet.revoke()
    kiosk.reload()

    expect(kiosk.get_by_role("heading", name=NOT_SET_UP)).to_be_visible()
    expect(kiosk.get_by_text("Spør en av de ansatte om hjelp.")).to_be_visible()
    assert kiosk.evaluate("localStorage.length") == 0
    screenshot(kiosk, "not-set-up")


def test_an_answer_refused_for_a_revoked_tablet_waits_for_a_new_pairing(kiosk: Page, tablet: Tablet) -> None:
    tablet.revoke()
    face(kiosk, 2).click()
    button(kiosk, "Nei, ferdig").click()

    expect(kiosk.get_by_role("heading", name=NOT_SET_UP)).to_be_visible()
    expect(kiosk.locator("#pending")).to_have_text("1 svar venter på å bli sendt")
    assert [e["done"] for e in outbox(kiosk)] == [True]
    assert tablet.submissions() == []


def test_a_location_without_a_form_says_so(page: Page, tablet: Tablet, browser_errors) -> None:
    now = datetime.now(timezone.utc)
    tablet.session.rollback()
    begin_write(tablet.session)
    location = create_location(tablet.session, "Tomt hus", LocationKind.HOUSING, now=now)
    device, code = create_device(tablet.session, location, "Nettbrett", now=now, minutes=15)
    tablet.session.commit()
    page.goto(f"{tablet.server.url}/kiosk/pair#code={code}")

    expect(page.get_by_role("heading", name=NOT_SET_UP)).to_be_visible()
    expect(page.get_by_text("Ingen skjema er valgt for dette stedet ennå. Spør en av de ansatte.")).to_be_visible()
