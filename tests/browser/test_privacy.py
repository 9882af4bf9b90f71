"""No trace for the next person: not on screen, not in history, not in storage once the server has it."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kiosk.models import QuestionKind
from kiosk.operations import QuestionDraft
from tests.browser.helpers import Tablet, answers_of, button, choose, face, outbox, pair, screenshot
from tests.conftest import t
from tests.kiosk.helpers import questions_by_kind

SECRET = "Kari på rom 12 vil ha mer kaffe"
# What the server keeps of it: the name is redacted on arrival (kiosk/moderation/deidentify.py).
STORED = "[navn] på rom 12 vil ha mer kaffe"
PROMISES = {
    "Bokmål": "Vi vet ikke hvem du er. Vi lagrer bare svaret, stedet og dagen – ikke klokkeslettet.",
    "Nynorsk": "Vi veit ikkje kven du er. Vi lagrar berre svaret, staden og dagen – ikkje klokkeslettet.",
    "English": "We don't know who you are. We keep only your answer, the place and the day – not the time.",
}
TEXT_QUESTION = "Hvordan hadde tjenesten sett ut hvis du kunne bestemme selv?"


@pytest.fixture
def impatient(page: Page, make_tablet, browser_errors) -> tuple[Page, Tablet]:
    """Return a kiosk that starts over after 12 idle seconds, showing the question with a text field."""
    tablet = make_tablet(idle_reset_seconds=12)
    pair(page, tablet)
    face(page, 3).click()
    button(page, "Ja, si mer").click()
    button(page, "Hopp over").click()
    choose(page, "Ja")
    button(page, "Neste").click()
    button(page, "Hopp over").click()
    button(page, "Hopp over").click()
    page.get_by_label(TEXT_QUESTION).fill(SECRET)
    return page, tablet


def answer_with_text(page: Page) -> None:
    face(page, 2).click()
    button(page, "Ja, si mer").click()
    for _ in range(4):
        button(page, "Hopp over").click()
    page.get_by_label(TEXT_QUESTION).fill(SECRET)
    button(page, "Ferdig").click()
    expect(page.get_by_role("heading", name="Takk!")).to_be_visible()


def test_idle_reset_counts_down_then_drops_typed_text_and_keeps_taps(impatient: tuple[Page, Tablet]) -> None:
    page, tablet = impatient
    countdown = page.locator("#countdown")
    expect(countdown).to_be_visible(timeout=5000)
    expect(countdown).to_contain_text("Starter på nytt om")
    expect(countdown).to_contain_text("sekunder")
    expect(countdown).to_have_css("background-color", "rgb(251, 250, 247)")  # opaque: the text does not show through
    screenshot(page, "countdown")

    expect(face(page, 3)).to_be_visible(timeout=15000)
    expect(countdown).to_be_hidden()
    [row] = tablet.wait_for_submissions(1)
    q = questions_by_kind(tablet.form_json)
    assert answers_of(row) == {int(q["smiley"]["id"]): 3, int(q["yes_no"]["id"]): 1}
    assert SECRET not in page.content()
    assert page.locator("textarea").count() == 0


def test_idle_reset_keeps_a_choice_tapped_without_neste(page: Page, make_tablet, browser_errors) -> None:
    tablet = make_tablet(
        [
            QuestionDraft(QuestionKind.SMILEY, t("Hvordan var dagen?")),
            QuestionDraft(QuestionKind.MULTIPLE_CHOICE, t("Hva vil du ha mer av?"), options=[t("Turer"), t("Mat")]),
        ],
        idle_reset_seconds=12,
    )
    pair(page, tablet)
    face(page, 4).click()
    button(page, "Ja, si mer").click()
    choose(page, "Mat")

    expect(face(page, 4)).to_be_visible(timeout=20000)
    [row] = tablet.wait_for_submissions(1)
    q = questions_by_kind(tablet.form_json)
    mat = next(o["id"] for o in q["multiple_choice"]["options"] if o["label"]["nb"] == "Mat")
    assert answers_of(row) == {int(q["smiley"]["id"]): 4, int(q["multiple_choice"]["id"]): mat}


def test_the_countdown_counts_in_proper_words(page: Page, make_tablet, browser_errors) -> None:
    tablet = make_tablet(
        [QuestionDraft(QuestionKind.SMILEY, t("Hvordan var dagen?")), QuestionDraft(QuestionKind.YES_NO, t("Blir du hørt?"))],
        idle_reset_seconds=20,
    )
    page.clock.install()
    pair(page, tablet)
    face(page, 1).click()
    button(page, "Ja, si mer").click()
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)  # time moves only when the test moves it
    text = page.locator("#countdown-text")

    choose(page, "Ja")  # the last touch
    page.clock.run_for(19_500)  # the tablet looks twice a second: its last look saw 0.5 to 1 s left
    expect(text).to_have_text("Starter på nytt om 1 sekund. Trykk hvor som helst for å fortsette.")
    page.locator("#countdown").tap()
    page.get_by_role("button", name="English").click()
    choose(page, "Yes")
    page.clock.run_for(19_500)
    expect(text).to_have_text("Starting over in 1 second. Tap anywhere to continue.")
    page.locator("#countdown").tap()
    page.clock.run_for(12_500)  # 7.5 to 8 s left
    expect(text).to_have_text("Starting over in 8 seconds. Tap anywhere to continue.")


def test_the_footer_says_what_is_kept_in_plain_words(kiosk: Page) -> None:
    for language, promise in PROMISES.items():
        kiosk.get_by_role("button", name=language).click()
        expect(kiosk.locator("#anon")).to_have_text(promise)


def test_a_tap_cancels_the_countdown(impatient: tuple[Page, Tablet]) -> None:
    page, tablet = impatient
    countdown = page.locator("#countdown")
    expect(countdown).to_be_visible(timeout=5000)
    countdown.tap()

    expect(countdown).to_be_hidden()
    expect(page.get_by_label(TEXT_QUESTION)).to_have_value(SECRET)
    button(page, "Ferdig").click()
    [row] = tablet.wait_for_submissions(1)
    assert STORED in answers_of(row).values()


def test_start_over_is_always_there_and_forgets_typed_text(kiosk: Page, tablet: Tablet) -> None:
    restart = kiosk.get_by_role("button", name="Start på nytt")
    expect(restart).to_be_visible()
    face(kiosk, 5).click()
    expect(restart).to_be_visible()
    button(kiosk, "Ja, si mer").click()
    for _ in range(4):
        button(kiosk, "Hopp over").click()
    kiosk.get_by_label(TEXT_QUESTION).fill(SECRET)
    restart.click()

    expect(face(kiosk, 5)).to_be_visible()
    [row] = tablet.wait_for_submissions(1)
    assert list(answers_of(row).values()) == [5]
    assert SECRET not in kiosk.content()


def test_history_never_shows_the_previous_person(kiosk: Page, tablet: Tablet) -> None:
    length = kiosk.evaluate("history.length")
    answer_with_text(kiosk)
    assert kiosk.evaluate("history.length") == length  # one page, never a pushed entry

    kiosk.go_back()
    assert kiosk.url == "about:blank"
    kiosk.go_forward()
    expect(face(kiosk, 2)).to_be_visible()
    assert SECRET not in kiosk.content()
    assert kiosk.locator("textarea").count() == 0
    tablet.wait_for_submissions(1)


def test_form_fields_ask_the_browser_not_to_remember(kiosk: Page) -> None:
    face(kiosk, 2).click()
    button(kiosk, "Ja, si mer").click()
    for _ in range(4):
        expect(kiosk.locator("#app input")).not_to_have_count(0)
        for field in kiosk.locator("#app input").all():
            expect(field).to_have_attribute("autocomplete", "off")
        button(kiosk, "Hopp over").click()
    expect(kiosk.locator("textarea")).to_have_attribute("autocomplete", "off")


def test_nothing_is_kept_once_the_server_has_it(kiosk: Page, tablet: Tablet) -> None:
    answer_with_text(kiosk)
    tablet.wait_for_submissions(1)
    expect(kiosk.locator("#pending")).to_be_empty()

    assert sorted(kiosk.evaluate("Object.keys(localStorage)")) == ["siifra.config", "siifra.token"]
    assert SECRET not in kiosk.evaluate("JSON.stringify(localStorage)")
    assert kiosk.evaluate("sessionStorage.length") == 0
    assert outbox(kiosk) == []
    assert kiosk.evaluate("indexedDB.databases().then((list) => list.map((db) => db.name))") == ["siifra-kiosk"]
    assert kiosk.context.cookies() == []
    kiosk.evaluate("navigator.serviceWorker.ready")
    cached = kiosk.evaluate("""async () => {
        const names = await caches.keys();
        const urls = [];
        for (const name of names) for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
        return { names, urls };
    }""")
    root = tablet.server.url
    assert cached["names"] == ["siifra-shell-2"]
    assert sorted(cached["urls"]) == sorted(
        [f"{root}/kiosk/", *(f"{root}/static/kiosk/{name}" for name in ("crisis.js", "kiosk.css", "kiosk.js", "queue.js", "receipt.js", "typed.js"))]
    )
