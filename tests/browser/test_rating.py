"""One tap gives a rating at once; saying more is optional, one question per screen."""
from __future__ import annotations

from playwright.sync_api import Page, Route, expect

from kiosk.models import QuestionKind
from kiosk.operations import QuestionDraft
from tests.browser.helpers import MEASURE_TAP, Tablet, answers_of, button, choose, face, pair, screenshot
from tests.conftest import t
from tests.kiosk.helpers import questions_by_kind

def test_one_tap_stores_one_rating_and_thanks_before_the_server_answers(page: Page, make_tablet, browser_errors) -> None:
    tablet = make_tablet([QuestionDraft(QuestionKind.SMILEY, t("Hvordan var dagen?"))])
    pair(page, tablet)
    held: list[Route] = []
    page.route("**/api/v1/submissions", lambda route: held.append(route))
    page.evaluate(MEASURE_TAP)

    with page.expect_request("**/api/v1/submissions"):
        face(page, 5).click()
    expect(page.get_by_role("heading", name="Takk!")).to_be_visible()
    expect(page.get_by_text("Svaret ditt er tatt vare på.")).to_be_visible()

    # The thank-you is up while the answer has not reached the server.
    assert page.evaluate("window.tapToThanks") < 100
    assert tablet.submissions() == []
    for _ in range(50):  # Playwright hands the held request to the route handler while it waits
        if held:
            break
        page.wait_for_timeout(20)
    assert len(held) == 1
    held[0].continue_()

    [row] = tablet.wait_for_submissions(1, page=page)
    question = tablet.form_json["form"]["questions"][0]["id"]
    assert answers_of(row) == {int(question): 5}
    assert (row.channel, row.device_id, row.burst) == ("kiosk", tablet.device_id, False)
    expect(page.locator("#pending")).to_be_empty()
    assert len(tablet.submissions()) == 1


def test_a_tap_then_no_more_stores_only_the_rating(kiosk: Page, tablet: Tablet) -> None:
    screenshot(kiosk, "idle")
    face(kiosk, 1).click()
    expect(kiosk.get_by_role("heading", name="Vil du si mer?")).to_be_visible()
    button(kiosk, "Nei, ferdig").click()
    expect(face(kiosk, 1)).to_be_visible()

    [row] = tablet.wait_for_submissions(1)
    assert answers_of(row) == {int(questions_by_kind(tablet.form_json)["smiley"]["id"]): 1}


def test_saying_more_stores_every_kind_of_answer(kiosk: Page, tablet: Tablet) -> None:
    q = questions_by_kind(tablet.form_json)
    face(kiosk, 4).click()
    screenshot(kiosk, "thanks")
    button(kiosk, "Ja, si mer").click()

    expect(kiosk.get_by_text("Spørsmål 1 av 5")).to_be_visible()
    choose(kiosk, "7")
    expect(kiosk.get_by_role("radio", name="7", exact=True)).to_be_checked()
    button(kiosk, "Neste").click()
    choose(kiosk, "Nei")
    button(kiosk, "Neste").click()
    choose(kiosk, "Hver dag")
    button(kiosk, "Neste").click()
    expect(kiosk.get_by_text("Velg så mange du vil.")).to_be_visible()
    choose(kiosk, "Turer")
    choose(kiosk, "Prat")
    screenshot(kiosk, "question")
    button(kiosk, "Neste").click()
    expect(kiosk.get_by_text("Spørsmål 5 av 5")).to_be_visible()
    expect(button(kiosk, "Neste")).to_have_count(0)
    kiosk.get_by_label("Hvordan hadde tjenesten sett ut hvis du kunne bestemme selv?").fill("Flere turer i skogen")
    button(kiosk, "Ferdig").click()
    expect(kiosk.get_by_role("heading", name="Takk!")).to_be_visible()

    [row] = tablet.wait_for_submissions(1)
    choices = {kind: {o["label"]["nb"]: o["id"] for o in q[kind]["options"]} for kind in ("single_choice", "multiple_choice")}
    assert answers_of(row) == {
        int(q["smiley"]["id"]): 4,
        int(q["scale"]["id"]): 7,
        int(q["yes_no"]["id"]): 0,
        int(q["single_choice"]["id"]): choices["single_choice"]["Hver dag"],
        int(q["multiple_choice"]["id"]): sorted([choices["multiple_choice"]["Turer"], choices["multiple_choice"]["Prat"]]),
        int(q["free_text"]["id"]): "Flere turer i skogen",
    }
    # After free text the thank-you offers a receipt code and waits for an answer (or the idle time);
    # "Nei takk" goes back to the start at once.
    # (A tap within 0.4 s at the same spot as "Ferdig" counts as a double tap and is ignored, so wait as
    # a person reading the offer would.)
    kiosk.wait_for_timeout(500)
    button(kiosk, "Nei takk").click()
    expect(face(kiosk, 4)).to_be_visible()


def test_the_hint_to_choose_many_shows_once(page: Page, make_tablet, browser_errors) -> None:
    many = t("Velg så mange du vil.", "Vel så mange du vil.", "Choose as many as you like.")
    tablet = make_tablet([
        QuestionDraft(QuestionKind.SMILEY, t("Hvordan var dagen?")),
        QuestionDraft(QuestionKind.MULTIPLE_CHOICE, t("Hva vil du ha mer av?"), help=many, options=[t("Turer"), t("Mat")]),
        QuestionDraft(QuestionKind.MULTIPLE_CHOICE, t("Hva savner du?"), options=[t("Ro"), t("Prat")]),
        QuestionDraft(QuestionKind.MULTIPLE_CHOICE, t("Hva liker du?"), help=t("Tenk på den siste uka."), options=[t("Kaffe"), t("Te")]),
    ])
    pair(page, tablet)
    face(page, 3).click()
    button(page, "Ja, si mer").click()

    expect(page.get_by_text("Spørsmål 1 av 3")).to_be_visible()
    expect(page.locator("#app").get_by_text(many["nb"], exact=True)).to_have_count(1)  # the question says it
    page.get_by_role("button", name="Nynorsk").click()
    expect(page.locator("#app").get_by_text(many["nn"], exact=True)).to_have_count(1)
    page.get_by_role("button", name="Bokmål").click()
    button(page, "Neste").click()
    expect(page.locator("#app").get_by_text(many["nb"], exact=True)).to_have_count(1)  # the tablet says it
    button(page, "Neste").click()
    expect(page.get_by_text("Tenk på den siste uka.")).to_be_visible()
    expect(page.locator("#app").get_by_text(many["nb"], exact=True)).to_have_count(1)


def test_skip_and_done_work_at_any_step(kiosk: Page, tablet: Tablet) -> None:
    q = questions_by_kind(tablet.form_json)
    face(kiosk, 2).click()
    button(kiosk, "Ja, si mer").click()
    choose(kiosk, "3")
    button(kiosk, "Hopp over").click()
    choose(kiosk, "Ja")
    button(kiosk, "Ferdig").click()

    [row] = tablet.wait_for_submissions(1)
    assert answers_of(row) == {int(q["smiley"]["id"]): 2, int(q["yes_no"]["id"]): 1}


def test_language_choice_shows_names_and_goes_back_to_bokmal(kiosk: Page, tablet: Tablet) -> None:
    languages = kiosk.locator("#langs button")
    expect(languages).to_have_text(["Bokmål", "Nynorsk", "English"])
    kiosk.get_by_role("button", name="Nynorsk").click()

    expect(kiosk.get_by_role("heading", name="Korleis var dagen?")).to_be_visible()
    expect(kiosk.locator(".faces").get_by_role("button", name="Svært dårleg")).to_be_visible()
    assert kiosk.evaluate("document.documentElement.lang") == "nn"
    kiosk.get_by_role("button", name="Start på nytt").click()

    expect(kiosk.get_by_role("heading", name="Hvordan var dagen?")).to_be_visible()
    expect(kiosk.get_by_role("button", name="Bokmål")).to_have_attribute("aria-pressed", "true")


def test_a_burst_of_taps_is_marked(kiosk: Page, tablet: Tablet) -> None:
    for value in [1, 2, 3, 4, 5] * 3:  # 15 ratings in well under a minute; the limit is 10
        face(kiosk, value).click()
        button(kiosk, "Nei, ferdig").click()

    rows = tablet.wait_for_submissions(15)
    # The 11th and later taps are in a burst; the first ones went to the server before it started.
    assert 5 <= sum(row.burst for row in rows) <= 14
