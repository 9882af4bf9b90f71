"""Offline: answers wait on the tablet, survive a reload, and reach the server exactly once."""
from __future__ import annotations

from collections import Counter

from playwright.sync_api import Page, expect

from tests.browser.helpers import Tablet, answers_of, button, face, outbox, screenshot


def test_a_hundred_answers_given_offline_arrive_exactly_once(kiosk: Page, tablet: Tablet) -> None:
    kiosk.evaluate("navigator.serviceWorker.ready")  # the shell is cached before the network goes
    # A real outage: the server is gone and the tablet's network is down too.
    tablet.server.stop()
    kiosk.context.set_offline(True)

    for n in range(100):
        if n == 50:
            kiosk.reload()
        face(kiosk, n % 5 + 1).click()
        button(kiosk, "Nei, ferdig").click()
    pending = kiosk.locator("#pending")
    expect(pending).to_have_text("100 svar venter på å bli sendt")
    screenshot(kiosk, "offline")
    assert len(outbox(kiosk)) == 100
    assert tablet.submissions() == []

    tablet.server.start()
    kiosk.context.set_offline(False)

    rows = tablet.wait_for_submissions(100, timeout=60)
    expect(pending).to_be_empty(timeout=10000)
    assert outbox(kiosk) == []
    assert Counter(value for row in rows for value in answers_of(row).values()) == {1: 20, 2: 20, 3: 20, 4: 20, 5: 20}
    assert len(tablet.submissions()) == 100
    assert all(row.period.isoformat() == kiosk.evaluate("new Date().toLocaleDateString('sv-SE')") for row in rows)


def test_waiting_answers_are_counted_in_proper_words(kiosk: Page, tablet: Tablet) -> None:
    kiosk.route("**/api/v1/submissions", lambda route: route.abort())  # the network is down
    pending = kiosk.locator("#pending")
    face(kiosk, 2).click()
    button(kiosk, "Nei, ferdig").click()
    expect(pending).to_have_text("1 svar venter på å bli sendt")
    kiosk.get_by_role("button", name="English").click()
    expect(pending).to_have_text("1 answer is waiting to be sent")

    kiosk.get_by_role("button", name="Start over").click()
    face(kiosk, 3).click()
    button(kiosk, "Nei, ferdig").click()
    expect(pending).to_have_text("2 svar venter på å bli sendt")
    kiosk.get_by_role("button", name="English").click()
    expect(pending).to_have_text("2 answers are waiting to be sent")
    kiosk.get_by_role("button", name="Nynorsk").click()
    expect(pending).to_have_text("2 svar ventar på å bli sende")


def test_a_busy_server_is_waited_for_and_nothing_is_lost(kiosk: Page, tablet: Tablet) -> None:
    # The server asks the tablet to wait (429 Retry-After, as when it sends too fast) and then errs (503).
    answers = iter([429, 503])

    def flaky(route):
        status = next(answers, None)
        if status is None:
            route.continue_()
        else:
            route.fulfill(status=status, headers={"Retry-After": "1"}, json={"error": "busy"})

    kiosk.route("**/api/v1/submissions", flaky)
    face(kiosk, 3).click()
    button(kiosk, "Nei, ferdig").click()

    [row] = tablet.wait_for_submissions(1, timeout=15, page=kiosk)
    assert list(answers_of(row).values()) == [3]
    expect(kiosk.locator("#pending")).to_be_empty()
    assert outbox(kiosk) == []


def test_the_queue_survives_a_tablet_restart(browser_type, browser_type_launch_args, browser_context_args, tablet: Tablet, tmp_path) -> None:
    """The browser (the tablet) is shut down during an outage, with answers waiting and one person
    mid-way; started again, it sends every tap, each exactly once."""
    profile = tmp_path / "tablet-profile"

    def start_tablet():
        context = browser_type.launch_persistent_context(profile, **browser_type_launch_args, **browser_context_args)
        return context, context.pages[0] if context.pages else context.new_page()

    context, page = start_tablet()
    page.goto(tablet.pair_url)
    expect(face(page, 5)).to_be_visible()
    page.evaluate("navigator.serviceWorker.ready")
    tablet.server.stop()
    for value in (1, 2, 3):
        face(page, value).click()
        button(page, "Nei, ferdig").click()
    face(page, 4).click()  # the fourth person walks away at "Vil du si mer?" as the tablet goes off
    expect(page.get_by_role("heading", name="Vil du si mer?")).to_be_visible()
    assert len(outbox(page)) == 4
    context.close()

    tablet.server.start()
    context, page = start_tablet()
    page.goto(tablet.kiosk_url)
    rows = tablet.wait_for_submissions(4, timeout=60)
    assert sorted(value for row in rows for value in answers_of(row).values()) == [1, 2, 3, 4]
    expect(page.locator("#pending")).to_be_empty(timeout=10000)
    assert outbox(page) == []
    context.close()
