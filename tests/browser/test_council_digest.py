"""A council member, in the browser: sign in with a password and a code, read last week's digest, print it
as a PDF, and find no other council's digest."""
from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from pathlib import Path

from playwright.sync_api import Browser, expect

from kiosk.models import Council, Location, Role
from tests.admin import staffing
from tests.browser.helpers import watch
from tests.kiosk.test_digests import built, form_of, rate

STAFF_VIEWPORT = {"width": 1280, "height": 900}


def test_a_council_member_reads_and_prints_last_weeks_digest(app, server, session, client, browser: Browser, make_link,
                                                            make_submission, tmp_path: Path) -> None:
    here, elsewhere = make_link(location_name="Fyrlykta"), make_link(location_name="Verkstedet")
    ours = Council(name="Brukerrådet Fyrlykta", created_at=datetime(2026, 11, 1), k=5, language="nb",
                   locations=[session.get(Location, here.location_id)])
    theirs = Council(name="Brukerrådet Verkstedet", created_at=datetime(2026, 11, 1), k=5, language="nb",
                     locations=[session.get(Location, elsewhere.location_id)])
    session.add_all([ours, theirs])
    session.commit()
    for link in (here, elsewhere):
        form = form_of(client, link)
        for value in (5, 4, 4, 3, 5, 4):
            rate(make_submission, link, form, value)
    digest = built(app, ours.id, "2026-W46")
    other = built(app, theirs.id, "2026-W46")
    member = staffing.make_staff(app, session, Role.COUNCIL, council=session.get(Council, ours.id))

    context = browser.new_context(viewport=STAFF_VIEWPORT, locale="nb-NO", accept_downloads=True)
    errors: list[str] = []
    watch(context, errors)
    page = context.new_page()
    page.goto(f"{server.url}/admin/")
    page.get_by_label("E-post").fill(member.email)
    page.get_by_label("Passord").fill(staffing.PASSWORD)
    page.get_by_role("button", name="Logg inn", exact=True).click()
    page.get_by_role("textbox", name="Kode").fill(member.next_code())
    page.get_by_role("button", name="Fortsett", exact=True).click()

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Sammendrag").click()
    expect(page.get_by_role("link", name="Brukerrådet Verkstedet")).to_have_count(0)
    page.get_by_role("link", name="2026-W46").first.click()
    expect(page.get_by_role("heading", name="Dette sa dere")).to_be_visible()
    expect(page.get_by_text("Brukerrådet Fyrlykta").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned PDF for utskrift").click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    assert pdf.name.endswith("2026-W46.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Brukerrådet Fyrlykta" in text and "2026-W46" in text and "Dette sa dere" in text

    # Another council's digest is not there for this member, not even by its address.
    response = page.goto(f"{server.url}/admin/digests/{other.id}")
    assert response is not None and response.status == 404
    assert page.goto(f"{server.url}/admin/digests/{digest.id}").status == 200
    assert errors == []
