"""Receipt codes in the browser: asked for on the phone's thank-you page and on the tablet (offline too),
then typed at /kvittering, which says in plain words what happened to the text."""
from __future__ import annotations

import os
import re
import time

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from kiosk.models import QuestionKind, Receipt
from kiosk.operations import QuestionDraft
from tests.browser.helpers import SCREENSHOTS, Tablet, button, face, outbox, pair, watch
from tests.conftest import t

FORM = [
    QuestionDraft(QuestionKind.SMILEY, t("Hvordan var dagen?")),
    QuestionDraft(QuestionKind.FREE_TEXT, t("Hva kan bli bedre?")),
]
PHONE = {"width": 390, "height": 844}
CODE = re.compile(r"[2-9A-Z]{5} [2-9A-Z]{5}")


def save(page: Page, name: str) -> None:
    """Save a screenshot for the docs when SIIFRA_SCREENSHOTS is set."""
    if os.environ.get("SIIFRA_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def look_up(page: Page, base: str, code: str) -> None:
    """Type a code at /kvittering, without JavaScript's help, and show what it says."""
    page.goto(f"{base}/kvittering")
    page.get_by_label("Koden din").fill(code)
    page.get_by_role("button", name="Vis").click()


def test_phone_opt_in_gives_a_code_that_kvittering_follows(browser: Browser, server, make_link, browser_errors) -> None:
    link = make_link(FORM)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="nb-NO")
    watch(context, browser_errors)
    page = context.new_page()
    page.goto(f"{server.url}/s/{link.code}")
    page.get_by_label("Hva kan bli bedre?").fill("Mer kaffe om morgenen")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Vil du følge med på hva som skjer med det du skrev?")).to_be_visible()
    assert "kvittering" not in page.url and "receipt" not in page.url
    page.get_by_role("button", name="Ja, gi meg en kode").click()
    shown = page.locator("#receipt-code")
    expect(shown).to_have_text(CODE)
    code = shown.text_content().strip()
    expect(page.get_by_role("button", name="Kopier koden")).to_be_visible()  # the script shows it where it can copy
    save(page, "phone-receipt")
    assert code not in page.url

    look_up(page, server.url, code.lower())
    expect(page.locator('[data-step="received"]')).to_contain_text("Mottatt")
    expect(page.locator('[data-step="read"]')).to_contain_text("ikke ennå")
    assert code not in page.url and code not in page.content()
    save(page, "receipt-status")
    context.close()


def test_tablet_receipt_made_offline_reaches_the_server_once(page: Page, make_tablet, browser_errors) -> None:
    tablet: Tablet = make_tablet(FORM, idle_reset_seconds=60)
    page.set_viewport_size({"width": 1280, "height": 800})
    pair(page, tablet)
    page.evaluate("navigator.serviceWorker.ready")
    tablet.server.stop()
    page.context.set_offline(True)

    face(page, 4).click()
    button(page, "Ja, si mer").click()
    page.locator("#answer").fill("Flere turer i skogen")
    button(page, "Ferdig").click()
    expect(page.get_by_text("Vil du følge med på hva som skjer med det du skrev?")).to_be_visible()
    button(page, "Ja, gi meg en kode").click()
    shown = page.locator("#receipt-code")
    expect(shown).to_have_text(CODE)
    code = shown.text_content().strip()
    expect(page.locator(".receipt-address")).to_have_text(re.compile(r"/kvittering$"))
    if os.environ.get("SIIFRA_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "kiosk-receipt.png"))
    kinds = sorted(entry.get("kind", "answers") for entry in outbox(page))
    assert kinds == ["answers", "receipt"]
    expect(page.locator("#pending")).to_have_text("1 svar venter på å bli sendt")  # a receipt is not an answer

    tablet.server.start()
    page.context.set_offline(False)
    tablet.wait_for_submissions(1, timeout=30)
    deadline = time.monotonic() + 20
    while not tablet.session.scalars(select(Receipt)).all():
        assert time.monotonic() < deadline, "the receipt never arrived"
        tablet.session.rollback()
        time.sleep(0.1)
    expect(shown).to_have_text(code)  # coming back online does not wipe the code off the screen
    deadline = time.monotonic() + 10
    while outbox(page):
        assert time.monotonic() < deadline, outbox(page)
        time.sleep(0.1)
    assert len(tablet.session.scalars(select(Receipt)).all()) == 1

    button(page, "Ferdig").click()  # the screen wipes itself: the code is gone
    expect(face(page, 5)).to_be_visible()
    assert code not in page.content()

    look_up(page, tablet.server.url, code)
    expect(page.locator('[data-step="received"]')).to_contain_text("Mottatt")
