"""Every tablet screen fits the common tablet sizes, upright and on its side, with its buttons in view."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kiosk.models import QuestionKind
from kiosk.operations import QuestionDraft
from tests.browser.helpers import button, face, pair
from tests.conftest import t

# Android tablets on their side and upright, and an iPad upright (the browser's area, without its bars).
SIZES = [(1280, 800), (800, 1280), (810, 1080), (1024, 768)]

# Texts as long as real forms have them: five options, help texts, a question over two lines.
FORM = [
    QuestionDraft(QuestionKind.SMILEY, t("Hvordan har dagen din vært her i dag?")),
    QuestionDraft(
        QuestionKind.SCALE, t("Hvor trygg føler du deg når du er her hos oss?"),
        help=t("0 betyr ikke trygg i det hele tatt, 10 betyr helt trygg."),
        scale_min=0, scale_max=10, scale_min_label=t("Ikke trygg i det hele tatt"), scale_max_label=t("Helt trygg"),
    ),
    QuestionDraft(QuestionKind.YES_NO, t("Blir du hørt når du sier hva du mener om tilbudet?")),
    QuestionDraft(
        QuestionKind.SINGLE_CHOICE, t("Hvor ofte pleier du å komme hit til dagsenteret?"),
        options=[t("Nesten hver dag"), t("Et par ganger i uka"), t("En gang i uka"), t("Sjeldnere enn det"), t("Dette er første gang")],
    ),
    QuestionDraft(
        QuestionKind.MULTIPLE_CHOICE, t("Hva vil du at det skal være mer av her på huset?"),
        help=t("Velg så mange du vil."),
        options=[t("Turer ute i naturen"), t("Mat som vi lager sammen"), t("Noen å prate med"), t("Kurs og aktiviteter"), t("Ro og tid til å hvile")],
    ),
    QuestionDraft(QuestionKind.SMILEY, t("Hvordan var maten i dag?")),
    QuestionDraft(
        QuestionKind.FREE_TEXT, t("Hvordan hadde tjenesten sett ut hvis du kunne bestemme helt selv?"),
        help=t("Skriv så mye eller så lite du vil."),
    ),
]

# Every control a person needs on the screen: the answers, the buttons that move on, the bar's tools.
OUTSIDE = """() => {
    window.scrollTo(0, 0);
    const controls = '#app .actions button, #app .choice, #app .face-btn, #app textarea, #bar button:not([hidden])';
    const out = [...document.querySelectorAll(controls)].filter((el) => el.checkVisibility()).flatMap((el) => {
        const box = el.getBoundingClientRect();
        const inside = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
        const name = el.textContent.trim() || el.id || el.tagName;
        return inside ? [] : [`${name}: ${Math.round(box.left)},${Math.round(box.top)} to ${Math.round(box.right)},${Math.round(box.bottom)}`];
    });
    const page = document.scrollingElement;
    if (page.scrollHeight > innerHeight) out.push(`the page scrolls: ${page.scrollHeight} px high`);
    return out;
}"""


def check_every_size(page: Page, screen: str) -> None:
    """Fail when any control of the current screen lies outside the viewport at any of the sizes."""
    problems = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        problems += [f"{screen} at {width}x{height}: {p}" for p in page.evaluate(OUTSIDE)]
    page.set_viewport_size({"width": 1024, "height": 768})
    assert not problems, "\n".join(problems)


def test_every_step_fits_the_screen_with_its_buttons(page: Page, make_tablet, browser_errors) -> None:
    pair(page, make_tablet(FORM))
    check_every_size(page, "idle")
    face(page, 4).click()
    check_every_size(page, "thanks")
    button(page, "Ja, si mer").click()
    for n, draft in enumerate(FORM[1:], start=1):
        expect(page.get_by_text(f"Spørsmål {n} av {len(FORM) - 1}")).to_be_visible()
        if draft.kind == QuestionKind.FREE_TEXT:
            page.get_by_role("textbox").fill("Mer tid ute. " * 131)  # near the limit: the count of what is left shows too
        check_every_size(page, f"{draft.kind.value} step")
        button(page, "Neste" if n < len(FORM) - 1 else "Ferdig").click()
    expect(page.get_by_role("heading", name="Takk!")).to_be_visible()


@pytest.mark.parametrize("first", FORM[1:], ids=lambda draft: draft.kind.value)
def test_every_kind_of_first_question_fits_the_idle_screen(page: Page, make_tablet, browser_errors, first) -> None:
    """The first question is the idle screen: one tap for smileys, scales, yes/no and one choice."""
    page.goto(make_tablet([first, FORM[0]]).pair_url)
    expect(page.get_by_role("heading", name=first.text["nb"])).to_be_visible()
    check_every_size(page, f"idle {first.kind.value}")
