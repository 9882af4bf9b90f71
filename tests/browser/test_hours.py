"""Outside opening hours a tablet may sleep: a calm screen that a tap does not wake."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.browser.helpers import face, pair, screenshot

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def weekday(days_from_now: int) -> str:
    return DAYS[(datetime.now(ZoneInfo("Europe/Oslo")) + timedelta(days=days_from_now)).weekday()]


def test_a_closed_place_shows_the_sleep_screen(page: Page, make_tablet, browser_errors) -> None:
    tablet = make_tablet(sleep_outside_hours=True, opening_hours={weekday(1): [["08:00", "16:00"]]})
    page.goto(tablet.pair_url)

    expect(page.get_by_role("heading", name="Vi har stengt nå")).to_be_visible()
    expect(page.get_by_text("Kom gjerne tilbake når vi har åpent.")).to_be_visible()
    screenshot(page, "sleep")
    page.locator("#app").tap()
    expect(page.get_by_role("heading", name="Vi har stengt nå")).to_be_visible()
    expect(page.locator(".faces")).to_have_count(0)


def test_an_open_place_shows_the_question(page: Page, make_tablet, browser_errors) -> None:
    tablet = make_tablet(sleep_outside_hours=True, opening_hours={weekday(0): [["00:00", "24:00"]]})
    pair(page, tablet)

    expect(face(page, 3)).to_be_visible()
