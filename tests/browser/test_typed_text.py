"""Typed text on a shared tablet: counted near the limit and never cut unsaid, hidden soon, gone sooner."""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from kiosk.models import QuestionKind
from kiosk.operations import QuestionDraft
from tests.browser.helpers import Tablet, answers_of, button, choose, face, pair, screenshot
from tests.conftest import t
from tests.kiosk.helpers import questions_by_kind

LIMIT = 50
QUESTION = "Hvordan hadde tjenesten sett ut hvis du kunne bestemme selv?"
SECRET = "Kari på rom 12\nvil ha mer kaffe"
HIDDEN = "Teksten er skjult. Trykk for å vise den."
FORM = [
    QuestionDraft(QuestionKind.SMILEY, t("Hvordan var dagen?")),
    QuestionDraft(QuestionKind.YES_NO, t("Blir du hørt?")),
    QuestionDraft(QuestionKind.FREE_TEXT, t(QUESTION)),
]

# Whether text can be read anywhere on the page: in what it shows, or in any field, shown or not.
READABLE = """(text) => document.body.innerText.includes(text)
    || [...document.querySelectorAll('input, textarea')].some((field) => field.value.includes(text))"""


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"MAX_FREE_TEXT": LIMIT}


@pytest.fixture
def writing(page: Page, make_tablet, browser_errors) -> tuple[Page, Tablet]:
    """Return a kiosk on its text question, with the page's clock in the test's hands from there on.

    The clock stands still unless the test moves it: "15 s without a touch" is then exactly that.
    """
    tablet = make_tablet(FORM, idle_reset_seconds=60)
    page.clock.install()
    pair(page, tablet)
    face(page, 4).click()
    button(page, "Ja, si mer").click()
    choose(page, "Ja")
    button(page, "Neste").click()
    expect(field(page)).to_be_visible()
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)
    return page, tablet


def field(page: Page) -> Locator:
    return page.get_by_label(QUESTION)


def cover(page: Page) -> Locator:
    return page.get_by_role("button", name=HIDDEN)


def test_typed_text_is_hidden_after_a_pause_and_a_tap_brings_it_back(writing: tuple[Page, Tablet]) -> None:
    page, tablet = writing
    field(page).fill(SECRET)
    field(page).evaluate("(el) => el.setSelectionRange(4, 7)")
    page.clock.run_for(10_000)
    field(page).press("ArrowRight")  # still writing: every key starts the pause again
    field(page).evaluate("(el) => el.setSelectionRange(4, 7)")
    page.clock.run_for(10_000)
    expect(field(page)).to_have_value(SECRET)
    expect(cover(page)).to_be_hidden()

    page.clock.run_for(6_000)  # 16 s without a touch
    expect(cover(page)).to_be_visible()
    assert not page.evaluate(READABLE, "Kari")
    expect(page.get_by_role("heading", name=QUESTION)).to_be_hidden()
    expect(page.locator("#countdown")).to_be_hidden()
    screenshot(page, "text-hidden")
    hidden = page.screenshot()

    cover(page).tap()
    expect(field(page)).to_have_value(SECRET)
    expect(field(page)).to_be_focused()
    assert field(page).evaluate("(el) => [el.selectionStart, el.selectionEnd]") == [4, 7]

    # Another text, hidden the same way, leaves the very same picture: nothing of either shows.
    field(page).fill("Noe helt annet, mye lengre enn det første")
    page.clock.run_for(16_000)
    expect(cover(page)).to_be_visible()
    assert page.screenshot() == hidden

    cover(page).tap()
    field(page).fill(SECRET)
    button(page, "Ferdig").click()
    [row] = tablet.wait_for_submissions(1, page=page)
    # Stored as typed, but for the name, which is redacted on arrival.
    assert answers_of(row)[int(questions_by_kind(tablet.form_json)["free_text"]["id"])] == SECRET.replace("Kari", "[navn]")


def test_a_screen_with_typed_text_starts_over_sooner_than_one_without(writing: tuple[Page, Tablet]) -> None:
    page, tablet = writing
    page.clock.run_for(45_000)  # without text, the place's whole minute applies
    expect(field(page)).to_be_visible()

    field(page).fill(SECRET)
    page.clock.run_for(31_000)  # with text, half of it
    expect(face(page, 4)).to_be_visible()
    assert not page.evaluate(READABLE, "Kari")
    [row] = tablet.wait_for_submissions(1, page=page)
    q = questions_by_kind(tablet.form_json)
    assert answers_of(row) == {int(q["smiley"]["id"]): 4, int(q["yes_no"]["id"]): 1}


def test_a_language_change_keeps_hidden_text_for_the_person_who_taps(writing: tuple[Page, Tablet]) -> None:
    page, _ = writing
    field(page).fill(SECRET)
    page.clock.run_for(16_000)
    expect(cover(page)).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.get_by_label(f"{QUESTION} (en)")).to_have_value(SECRET)


def test_the_count_shows_near_the_limit_and_nothing_is_cut_unsaid(writing: tuple[Page, Tablet]) -> None:
    page, tablet = writing
    room = page.locator("#answer-room")
    field(page).fill("a" * 39)
    expect(room).to_be_empty()
    field(page).fill("Flere turer i skogen, og mer kaffe om dagen")
    expect(room).to_have_text("7 tegn igjen")
    screenshot(page, "question-text")
    field(page).fill("a" * 40)  # 80 % of the limit
    expect(room).to_have_text("10 tegn igjen")
    field(page).fill("a" * 49)
    expect(room).to_have_text("1 tegn igjen")
    page.clock.run_for(1_000)  # a screen reader hears it once typing pauses
    expect(page.locator("[aria-live=polite]")).to_have_text("1 tegn igjen")

    too_long = "Mer kaffe, " * 5 + "og te"  # 60 characters, pasted in one go
    field(page).fill(too_long)
    expect(field(page)).to_have_value(too_long)
    expect(room).to_have_text("10 tegn for mye. Gjør teksten litt kortere.")
    expect(field(page)).to_have_attribute("aria-invalid", "true")

    button(page, "Ferdig").click()  # nothing cut, nothing lost: the person stays, and is told why
    expect(field(page)).to_have_value(too_long)
    expect(field(page)).to_be_focused()
    expect(page.locator("[aria-live=polite]")).to_have_text("10 tegn for mye. Gjør teksten litt kortere.")
    assert tablet.submissions() == []

    field(page).fill(too_long[:LIMIT])
    expect(room).to_have_text("0 tegn igjen")
    button(page, "Ferdig").click()
    [row] = tablet.wait_for_submissions(1, page=page)
    assert answers_of(row)[int(questions_by_kind(tablet.form_json)["free_text"]["id"])] == too_long[:LIMIT].strip()


def test_the_count_speaks_english_with_plurals(writing: tuple[Page, Tablet]) -> None:
    page, _ = writing
    page.get_by_role("button", name="English").click()
    room = page.locator("#answer-room")
    field(page).fill("a" * 49)
    expect(room).to_have_text("1 character left")
    field(page).fill("a" * 52)
    expect(room).to_have_text("2 characters too many. Please make the text a little shorter.")
