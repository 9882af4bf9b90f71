""""Dette har vi gjort" on the wall and on the phone: an entry for a place shows on its tablet's idle screen,
one at a time and read aloud on request, stays there offline and after a reload, and shows at no other place."""
from __future__ import annotations

import os
from datetime import date

from playwright.sync_api import Browser, Page, expect

from kiosk.ledger import EntryValues, add_entry
from kiosk.models import LedgerStatus
from tests.browser.helpers import SCREENSHOTS, Tablet, button, face, pair
from tests.browser.test_accessibility import axe_page, check  # noqa: F401 (axe_page is a fixture)
from tests.browser.test_accessibility_pages import serious_findings
from tests.browser.test_layout import FORM, check_every_size

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "nb-NO"}
FRUIT = {"nb": "Vi vil ha frukt på bordet om morgenen.", "en": "We would like fruit on the table in the morning."}
FRUIT_DONE = {"nb": "Nå står det frukt på bordet hver morgen."}


def record(tablet: Tablet, heard: dict[str, str], status: LedgerStatus, **values) -> None:
    """Record an entry for the tablet's place, as staff would."""
    session = tablet.session
    session.rollback()
    add_entry(session, EntryValues(heard=heard, location_ids=[tablet.location_id], status=status, **values), today=date.today())
    session.commit()


def docs_screenshot(page: Page, name: str) -> None:
    """Save a screenshot for the docs when SIIFRA_SCREENSHOTS is set."""
    if os.environ.get("SIIFRA_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_an_entry_shows_on_its_places_tablet_offline_too_and_nowhere_else(browser: Browser, browser_context_args, page: Page, make_tablet, browser_errors) -> None:
    here = make_tablet()
    there = make_tablet(location_name="Solsida aktivitetshus")
    record(here, FRUIT, LedgerStatus.DONE, done=FRUIT_DONE)

    other = browser.new_context(**browser_context_args).new_page()
    pair(other, there)
    expect(face(other, 3)).to_be_visible()
    expect(other.locator("#ledger")).to_have_count(0)
    other.context.close()

    pair(page, here)
    ledger = page.get_by_role("region", name="Dette har vi gjort")
    expect(ledger).to_contain_text("Det er gjort")
    expect(ledger).to_contain_text("Dere sa: Vi vil ha frukt på bordet om morgenen.")
    expect(ledger).to_contain_text("Nå står det frukt på bordet hver morgen.")
    page.set_viewport_size({"width": 1280, "height": 800})
    docs_screenshot(page, "kiosk-idle-ledger")

    page.evaluate("navigator.serviceWorker.ready")  # the shell is cached before the network goes
    here.server.stop()
    page.context.set_offline(True)
    page.reload()
    expect(ledger).to_contain_text("Dere sa: Vi vil ha frukt på bordet om morgenen.")
    # The faces answer exactly as before, the entry below them.
    face(page, 4).click()
    expect(page.get_by_role("heading", name="Vil du si mer?")).to_be_visible()
    button(page, "Nei, ferdig").click()
    expect(ledger).to_contain_text("Det er gjort")


def test_entries_turn_one_at_a_time_and_are_read_aloud_in_the_chosen_language(page: Page, tablet: Tablet, browser_errors) -> None:
    record(tablet, {"nb": "Lengre åpningstid på fredager."}, LedgerStatus.NOT_POSSIBLE, reason={"nb": "Det er ikke nok ansatte."})
    record(tablet, FRUIT, LedgerStatus.PLANNED, done={"nb": "Frukt fra neste uke."})
    page.add_init_script("""
        window.spoken = [];
        speechSynthesis.speak = (utterance) => window.spoken.push([utterance.lang, utterance.text]);
    """)
    page.clock.install()
    pair(page, tablet)
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)  # time moves only when the test moves it
    ledger = page.get_by_role("region", name="Dette har vi gjort")
    expect(ledger).to_contain_text("Vi skal gjøre det")  # the latest first: ids break the tie of the day
    ledger.get_by_role("button", name="Les opp").click()

    page.clock.run_for(10_000)
    expect(ledger).to_contain_text("Vi kan ikke gjøre det")
    expect(ledger).to_contain_text("Grunnen er: Det er ikke nok ansatte.")
    page.get_by_role("button", name="English").click()
    ledger = page.get_by_role("region", name="What we have done")
    expect(ledger).to_contain_text("Lengre åpningstid på fredager.")  # no English text: Bokmål
    page.clock.run_for(10_000)
    expect(ledger).to_contain_text("We would like fruit on the table in the morning.")
    ledger.get_by_role("button", name="Read aloud").click()

    spoken = page.evaluate("window.spoken")
    assert spoken[0] == ["nb-NO", "Vi skal gjøre det. Dere sa: Vi vil ha frukt på bordet om morgenen. Frukt fra neste uke."]
    assert spoken[1][0] == "en-GB" and "We would like fruit on the table in the morning." in spoken[1][1]


def test_a_long_entry_leaves_the_faces_in_view_on_every_tablet(page: Page, make_tablet, browser_errors) -> None:
    tablet = make_tablet(FORM)  # a question over two lines
    record(tablet, {"nb": "Vi ønsker oss flere turer ut i naturen sammen med de ansatte. " * 9}, LedgerStatus.DONE,
           done={"nb": "Fra mai går vi tur hver tirsdag og torsdag, og alle som vil kan bli med. " * 8})
    pair(page, tablet)
    expect(page.locator("#ledger")).to_be_visible()
    check_every_size(page, "idle with an entry")


def test_the_phone_shows_the_latest_entries_and_the_places_page(browser: Browser, make_tablet) -> None:
    tablet = make_tablet()
    record(tablet, FRUIT, LedgerStatus.DONE, done=FRUIT_DONE, milestones=[(date(2026, 11, 2), {"nb": "Frukten er bestilt."})])
    record(tablet, {"nb": "Åpent på søndager."}, LedgerStatus.NOT_POSSIBLE, reason={"nb": "Det er ikke penger til flere ansatte nå."})
    record(tablet, {"nb": "Et stille rom å hvile i."}, LedgerStatus.CONSIDERING)
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{tablet.server.url}/s/{tablet.form_json['link']}")
    phone.get_by_role("radio", name="Bra", exact=True).check()
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", name="Takk!")).to_be_visible()

    latest = phone.get_by_role("region", name="Dette har vi gjort")
    expect(latest).to_contain_text("Dere sa: Vi vil ha frukt på bordet om morgenen.")
    latest.get_by_role("link", name="Se alt vi har gjort her").click()
    expect(phone.get_by_role("heading", name="Dette har vi gjort")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("Frukten er bestilt.")
    expect(phone.locator("main")).to_contain_text("Grunnen er: Det er ikke penger til flere ansatte nå.")
    docs_screenshot(phone, "phone-ledger")


def test_the_idle_screen_and_the_places_page_with_entries_pass_axe(axe_page: Page, tablet: Tablet) -> None:
    record(tablet, FRUIT, LedgerStatus.DONE, done=FRUIT_DONE, milestones=[(date(2026, 11, 2), {"nb": "Frukten er bestilt."})])
    record(tablet, {"nb": "Åpent på søndager."}, LedgerStatus.NOT_POSSIBLE, reason={"nb": "Det er ikke penger til flere ansatte nå."})
    pair(axe_page, tablet)
    expect(axe_page.locator("#ledger")).to_be_visible()
    check(axe_page, "idle with an entry")
    axe_page.set_viewport_size(PHONE["viewport"])
    for path in (f"/s/{tablet.form_json['link']}/gjort", f"/s/{tablet.form_json['link']}/takk?lang=en"):
        axe_page.goto(tablet.server.url + path)
        assert serious_findings(axe_page) == [], path


def test_without_speech_the_entry_shows_without_les_opp(page: Page, tablet: Tablet, browser_errors) -> None:
    record(tablet, FRUIT, LedgerStatus.DONE, done=FRUIT_DONE)
    page.add_init_script("delete Window.prototype.speechSynthesis; delete window.speechSynthesis;")
    pair(page, tablet)
    ledger = page.get_by_role("region", name="Dette har vi gjort")
    expect(ledger).to_contain_text("Dere sa: Vi vil ha frukt på bordet om morgenen.")
    expect(ledger.get_by_role("button")).to_have_count(0)
