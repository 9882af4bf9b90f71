"""WCAG 2.1 AA on the respondent's phone form and on the staff pages: axe-core finds nothing serious."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page

from kiosk.models import Role
from tests.admin.staffing import PASSWORD, make_staff
from tests.browser.helpers import AXE

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_findings(page: Page) -> list[str]:
    """Return axe-core's serious and critical findings on the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("(tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } })", RULES)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def axe_context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    """A context that lets axe-core's injected script run (the pages' CSP rightly refuses it)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci --prefix tests/browser`")
    return new_context(bypass_csp=True)


def test_phone_form_and_code_page(axe_context: BrowserContext, server, make_link) -> None:
    link = make_link()
    page = axe_context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (f"/s/{link.code}", f"/s/{link.code}?lang=nn", f"/s/{link.code}/takk", "/", "/s/ZZZZZZ"):
        page.goto(server.url + path)
        assert serious_findings(page) == [], path


def test_staff_pages(axe_context: BrowserContext, server, app, session, link) -> None:
    staff = make_staff(app, session, Role.ADMIN)
    page = axe_context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server.url}/admin/login")
    assert serious_findings(page) == [], "login"
    page.get_by_label("E-post").fill(staff.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    assert serious_findings(page) == [], "code"
    page.get_by_role("textbox", name="Kode").fill(staff.next_code())
    page.get_by_role("button", name="Fortsett").click()
    pages = [
        "/admin/", "/admin/locations", "/admin/locations/new", "/admin/forms", f"/admin/forms/{link.form_id}",
        f"/admin/forms/{link.form_id}/questions/new?kind=scale", "/admin/devices", "/admin/devices/new",
        "/admin/links", f"/admin/links/{link.code}", "/admin/users", "/admin/councils", "/admin/audit", "/admin/account",
    ]
    page.goto(f"{server.url}/admin/forms/{link.form_id}")
    page.get_by_role("button", name="Lag en ny versjon å redigere").click()  # a draft, so the builder shows
    for path in pages:
        page.goto(server.url + path)
        assert page.url.endswith(path), f"{path} redirected to {page.url}"
        assert serious_findings(page) == [], path
