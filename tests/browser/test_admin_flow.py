"""A new admin, in the browser alone: from `user create` to a downloaded poster and a paired tablet."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pyotp
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.admin.staffing import PASSWORD
from tests.browser.helpers import face

STAFF_VIEWPORT = {"width": 1280, "height": 900}


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def test_from_user_create_to_poster_and_paired_tablet(app, server, browser: Browser, tmp_path: Path, browser_errors) -> None:
    result = app.test_cli_runner().invoke(
        args=["user", "create", "--email", "leder@kommune.no", "--name", "Liv Leder", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output

    staff = browser.new_context(viewport=STAFF_VIEWPORT, locale="nb-NO", accept_downloads=True)
    page = staff.new_page()
    page.goto(f"{server.url}/admin/")
    page.get_by_label("E-post").fill("leder@kommune.no")
    page.get_by_label("Passord").fill(PASSWORD)
    click(page, "Logg inn")

    # Two-factor set-up is required for an admin: read the key, type a code from "the app".
    expect(page.get_by_role("heading", name="Slå på totrinnsinnlogging")).to_be_visible()
    secret = page.locator("code.secret").inner_text()
    page.get_by_role("textbox", name="Kode").fill(pyotp.TOTP(secret).now())
    click(page, "Slå på")
    expect(page.get_by_role("heading", name="Gjenopprettingskoder")).to_be_visible()
    page.get_by_role("link", name="Jeg har tatt vare på kodene").click()

    # A location.
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Steder").click()
    page.get_by_role("link", name="Nytt sted").click()
    page.get_by_label("Navn", exact=True).fill("Solsiden aktivitetshus")
    page.get_by_label("Type sted").select_option(label="Aktivitetshus")
    click(page, "Lagre")
    expect(page.get_by_role("cell", name="Solsiden aktivitetshus")).to_be_visible()

    # A form with a title and a smiley question, published.
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Skjemaer").click()
    page.get_by_role("link", name="Nytt skjema").click()
    page.get_by_label("Navn på skjemaet (bare for ansatte)").fill("Solsiden – hverdagen")
    click(page, "Lag skjemaet")
    page.get_by_role("link", name="Endre navn, tittel og innledning").click()
    page.locator("#title_nb").fill("Hvordan har du det på Solsiden?")
    page.locator("#title_nn").fill("Korleis har du det på Solsiden?")
    page.locator("#title_en").fill("How are things at Solsiden?")
    click(page, "Lagre")
    page.get_by_role("link", name="Smilefjes (fem ansikter)").click()
    page.locator("#text_nb").fill("Hvordan var dagen i dag?")
    page.locator("#text_nn").fill("Korleis var dagen i dag?")
    page.locator("#text_en").fill("How was your day today?")
    click(page, "Lagre spørsmålet")
    expect(page.get_by_text("Hvordan var dagen i dag?")).to_be_visible()
    click(page, "Publiser versjon 1")
    expect(page.get_by_text(re.compile("Publisert"))).to_be_visible()

    # A short link for the form at the location, and its A4 poster in Nynorsk.
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Lenker og plakater").click()
    page.get_by_label("Skjema").select_option(label="Solsiden – hverdagen")
    page.get_by_label("Sted").select_option(label="Solsiden aktivitetshus")
    click(page, "Lag lenke")
    expect(page.get_by_text("Lenken er klar. Last ned plakaten og heng den opp.")).to_be_visible()
    link_url = page.locator("a.url").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Plakat A4 på nynorsk, PDF").click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    assert pdf.name.endswith("-a4-nn.pdf")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "poster")], check=True)
    [decoded] = zxingcpp.read_barcodes(Image.open(tmp_path / "poster.png"))
    assert decoded.text == link_url

    # A tablet at the location: the code shown pairs a real kiosk page, which shows the form.
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Nettbrett").click()
    page.get_by_role("link", name=re.compile("Legg til")).first.click()
    page.get_by_label("Sted").select_option(label="Solsiden aktivitetshus")
    page.get_by_label("Navn på nettbrettet").fill("Ved kaffemaskinen")
    click(page, "Legg til og vis koden")
    code = page.locator(".code-huge").inner_text()
    page.goto(f"{server.url}/admin/locations")  # from the location page, show this form on the tablet
    page.get_by_role("link", name="Solsiden aktivitetshus").click()
    page.get_by_label("Skjema på nettbrettet").select_option(label="Solsiden – hverdagen")
    click(page, "Lagre")

    tablet = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True, locale="nb-NO")
    kiosk = tablet.new_page()
    kiosk.goto(f"{server.url}/kiosk/pair")
    kiosk.get_by_label("Koden fra de ansatte").fill(code)
    kiosk.get_by_role("button", name="Koble til").click()
    expect(kiosk.get_by_role("heading", name="Hvordan var dagen i dag?")).to_be_visible()
    expect(face(kiosk, 5)).to_be_visible()
    tablet.close()

    page.goto(f"{server.url}/admin/audit")
    for action in ("Laget sted", "Publiserte skjema", "Laget kort lenke", "La til nettbrett"):
        expect(page.get_by_role("cell", name=action).first).to_be_visible()
    staff.close()
