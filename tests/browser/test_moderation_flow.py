"""Free text with a name and a phone number, typed on the tablet and on a phone, reaches the moderation queue
redacted and is released; a council member signed in meanwhile reaches no page with pending text or an
original. And typed on a tablet that is offline, words that suggest danger still show where to get help."""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kiosk.models import QuestionKind, Role
from kiosk.operations import QuestionDraft
from tests.admin import staffing
from tests.browser.helpers import button, face, pair
from tests.browser.helpers import sign_in as pages_sign_in
from tests.conftest import t

STAFF_VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "nb-NO"}
FORM = [
    QuestionDraft(QuestionKind.SMILEY, t("Hvordan var dagen?")),
    QuestionDraft(QuestionKind.FREE_TEXT, t("Vil du si noe mer?")),
]


@pytest.fixture
def app_config() -> dict[str, Any]:
    # The test cannot wait for today to end: let moderators see today's text (never in service).
    return {"MODERATION_SHOWS_OPEN_PERIODS": True}


def sign_in(browser: Browser, base: str, staff: staffing.Staff) -> Page:
    """Sign a staff member in through the pages, in a browser context of their own."""
    page = browser.new_context(viewport=STAFF_VIEWPORT, locale="nb-NO").new_page()
    pages_sign_in(page, base, staff)
    expect(page.get_by_role("heading", name=f"Hei, Test {staff.role.value}")).to_be_visible()
    return page


def test_text_from_tablet_and_phone_arrives_redacted_and_is_released(app, session, server, browser: Browser, make_tablet, page: Page, browser_errors) -> None:
    tablet = make_tablet(FORM)
    pair(page, tablet)
    face(page, 4).click()
    button(page, "Ja, si mer").click()
    page.get_by_label("Vil du si noe mer?").fill("Kari Nordmann på kjøkkenet er grei, ring 912 34 567")
    button(page, "Ferdig").click()
    expect(page.get_by_role("heading", name="Takk!")).to_be_visible()
    tablet.wait_for_submissions(1)

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{server.url}/s/{tablet.form_json['link']}")
    phone.get_by_label("Vil du si noe mer?").fill("Per Hansen sa at maten var kald. Mail meg på per@example.no")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", name="Takk!")).to_be_visible()
    tablet.wait_for_submissions(2)

    council = sign_in(browser, server.url, staffing.make_staff(app, session, Role.COUNCIL))
    moderator = sign_in(browser, server.url, staffing.make_staff(app, session, Role.MODERATOR))
    moderator.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Moderering").click()
    queue = moderator.locator("ol.items")
    expect(queue.get_by_text("[navn] på kjøkkenet er grei, ring [telefon]")).to_be_visible()
    expect(queue.get_by_text("[navn] sa at maten var kald. Mail meg på [e-post]")).to_be_visible()
    assert "Kari" not in moderator.content() and "912 34 567" not in moderator.content()
    assert "Hansen" not in moderator.content() and "per@example.no" not in moderator.content()

    # Meanwhile the council member finds no way to pending text, nor to an original.
    for path in ("/admin/moderation", "/admin/moderation/released", "/admin/words"):
        response = council.goto(f"{server.url}{path}")
        assert response.status == 403
        assert "[navn]" not in council.content() and "Kari" not in council.content()
    council.goto(f"{server.url}/admin/")
    assert "Moderering" not in council.get_by_role("navigation", name="Hovedmeny").inner_text()

    for _ in range(2):
        moderator.locator("ol.items li").first.get_by_role("link", name="Åpne").click()
        moderator.get_by_role("button", name="Slipp fram slik det står").click()
        expect(moderator.get_by_role("status").or_(moderator.locator(".flash"))).to_contain_text("sluppet fram")
    expect(moderator.get_by_text("Ingen svar venter nå.")).to_be_visible()
    moderator.get_by_role("link", name="Svar som er sluppet fram, og sitater til brukerrådet").click()
    expect(moderator.get_by_text("[navn] på kjøkkenet er grei, ring [telefon]")).to_be_visible()
    assert council.goto(f"{server.url}/admin/moderation/released").status == 403


def test_words_of_danger_typed_offline_still_show_where_to_get_help(context: BrowserContext, page: Page, make_tablet, browser_errors) -> None:
    tablet = make_tablet(FORM)
    pair(page, tablet)
    context.set_offline(True)
    face(page, 2).click()
    button(page, "Ja, si mer").click()
    page.get_by_label("Vil du si noe mer?").fill("Jeg orker ikke å leve lenger")
    button(page, "Ferdig").click()
    help_box = page.get_by_role("region", name="Har du det vondt nå? Du er ikke alene.")
    expect(help_box).to_be_visible()
    for number in ("116 123", "116 117", "113"):
        expect(help_box.get_by_text(number, exact=True)).to_be_visible()
    context.set_offline(False)
    [row] = tablet.wait_for_submissions(1, timeout=30)
    assert row.free_texts[0].urgent  # moderators see it first; nothing else is kept about the person


def test_ordinary_words_show_no_help(page: Page, make_tablet, browser_errors) -> None:
    tablet = make_tablet(FORM)
    pair(page, tablet)
    face(page, 5).click()
    button(page, "Ja, si mer").click()
    page.get_by_label("Vil du si noe mer?").fill("Maten var dødsbra i dag")
    button(page, "Ferdig").click()
    expect(page.get_by_role("heading", name="Takk!")).to_be_visible()
    expect(page.get_by_role("region", name="Har du det vondt nå? Du er ikke alene.")).to_have_count(0)
