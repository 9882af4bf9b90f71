"""A council member, in the browser: signs in, reads last week's digest, and downloads it to print."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from playwright.sync_api import Browser, expect

from kiosk.models import Council, Role
from tests.admin.staffing import make_staff
from tests.browser.helpers import SCREENSHOTS, sign_in, watch
from tests.kiosk.digest_data import COUNCIL, fill_week

STAFF_VIEWPORT = {"width": 1280, "height": 900}


def test_a_member_reads_the_digest_and_downloads_the_pdf(app, session, client, server, browser: Browser, make_link,
                                                          make_submission, tmp_path: Path) -> None:
    week = fill_week(app, session, client, make_link, make_submission)
    member = make_staff(app, session, Role.COUNCIL, council=session.get(Council, week.council_id))

    context = browser.new_context(viewport=STAFF_VIEWPORT, locale="nb-NO", accept_downloads=True)
    errors: list[str] = []
    watch(context, errors)  # a style attribute refused by the CSP would show here
    page = context.new_page()
    sign_in(page, server.url, member)

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Sammendrag").click()
    page.get_by_role("link", name="2026-W46").click()
    expect(page.get_by_role("heading", name=COUNCIL, level=1)).to_be_visible()
    for heading in ("Dette sa dere", "Dette har vi gjort", "Dette skjer nå", "Slik beskytter vi deg", "Spørsmålene"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    # The stylesheet applied (no inline styles allowed): a bar is as wide as its cell, the box has its colour.
    def bar(label: str):
        return page.locator("tr", has=page.get_by_role("rowheader", name=label, exact=True)).locator("svg.meter rect")

    assert bar("Bra").first.evaluate("e => getComputedStyle(e).fill") == "rgb(236, 238, 238)"  # the light track
    widths = {label: bar(label).nth(1).bounding_box()["width"] for label in ("Sånn passe", "Bra")}
    assert widths["Bra"] > 150 and 0.68 < widths["Sånn passe"] / widths["Bra"] < 0.75  # 5 of the largest, 7
    assert bar("Veldig dårlig").count() == 1 and bar("Dårlig").count() == 0  # 0: an empty track; hidden: no bar
    assert page.locator(".box-cell").first.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(232, 243, 239)"
    if os.environ.get("SIIFRA_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / "admin-digest.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned PDF for utskrift").click()
    assert download.value.suggested_filename == "siifra-brukerradet-saeter-og-oyer-2026-W46.pdf"
    pdf = tmp_path / "digest.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert COUNCIL in text and "Dette sa dere" in text
    if os.environ.get("SIIFRA_SCREENSHOTS"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(SCREENSHOTS / "digest-pdf")], check=True)

    # From the digest to what the council does about it: an entry linked to the answer it answers, found by a word.
    page.get_by_role("link", name="Skriv hva dere gjør med dette, i «Dette har vi gjort»").click()
    page.get_by_label("Bokmål").first.fill("Dere vil ha bedre kaffe")
    page.get_by_label("Finn svar med disse ordene").fill("kaffe")
    page.get_by_label("Finn svar med disse ordene").press("Enter")  # finds; saves nothing
    expect(page.get_by_role("status")).to_have_text("Svar som inneholder «kaffe»: 1.")
    expect(page.get_by_label("Bokmål").first).to_have_value("Dere vil ha bedre kaffe")  # what was typed stays
    page.get_by_role("checkbox", name="«Mer kaffe, takk»").check()
    if os.environ.get("SIIFRA_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / "admin-ledger-entry.png"), full_page=True)
    page.get_by_role("button", name="Lagre", exact=True).click()
    expect(page.get_by_text("Oppføringen er lagret.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="«Mer kaffe, takk»")).to_be_checked()
    assert not errors
    context.close()
