"""Trends for staff, in the browser: a question's weeks as a chart and a table, under the strict CSP and axe-core."""
from __future__ import annotations

import os
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, expect

from kiosk.digests.periods import week_of
from kiosk.models import Role
from kiosk.reporting.tallies import count_periods
from tests.admin.staffing import make_staff
from tests.browser.helpers import SCREENSHOTS, sign_in, watch
from tests.browser.test_accessibility_pages import serious_findings
from tests.kiosk.helpers import questions_by_kind

STAFF_VIEWPORT = {"width": 1280, "height": 900}


def test_staff_read_the_weeks_as_a_chart_and_a_table(app, session, client, server, browser: Browser, link,
                                                      make_submission) -> None:
    q = questions_by_kind(client.get(f"/api/v1/links/{link.code}").get_json())
    today = datetime.now(ZoneInfo(app.config["TIMEZONE"])).date()
    weeks = [week_of(today - timedelta(weeks=n)) for n in (4, 3, 2)]  # three closed weeks in a row
    for week, (fives, fours) in zip(weeks, [(5, 5), (6, 5), (5, 7)], strict=True):
        moment = datetime.combine(week.first_day, time(12), tzinfo=timezone.utc)
        for value, times in ((5, fives), (4, fours)):
            for _ in range(times):
                make_submission(link, {q["smiley"]["id"]: value, q["yes_no"]["id"]: value == 5}, now=moment)
    count_periods(session, weeks[0].first_day, today, open_from=today)
    session.commit()
    staff = make_staff(app, session, Role.ADMIN)

    context = browser.new_context(viewport=STAFF_VIEWPORT, locale="nb-NO")
    errors: list[str] = []
    watch(context, errors)  # an inline style refused by the CSP would show here
    page = context.new_page()
    sign_in(page, server.url, staff)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Utvikling").click()
    expect(page.get_by_role("heading", name="Utvikling over tid", level=1)).to_be_visible()
    smiley = page.locator("section.card", has=page.get_by_role("heading", name=q["smiley"]["text"]["nb"]))
    expect(smiley.get_by_role("img", name="Snitt per uke")).to_be_visible()
    # One line through the three weeks, drawn by the stylesheet (no inline style is allowed).
    line = smiley.locator("svg.trend polyline")
    expect(line).to_have_count(1)
    assert line.evaluate("e => getComputedStyle(e).fill") == "none"
    assert line.evaluate("e => parseFloat(getComputedStyle(e).strokeWidth)") == 2
    expect(smiley.locator("svg.trend circle")).to_have_count(3)
    rows = smiley.locator("tbody tr")
    expect(rows).to_have_text([f"{weeks[0].label}4,5", f"{weeks[1].label}4,5", f"{weeks[2].label}4,4"])
    if os.environ.get("SIIFRA_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / "admin-trends.png"), full_page=True)
    assert not errors
    context.close()

    checked = browser.new_context(viewport=STAFF_VIEWPORT, locale="nb-NO", bypass_csp=True)  # for axe-core's script
    page = checked.new_page()
    sign_in(page, server.url, staff)
    page.goto(f"{server.url}/admin/trends")
    assert serious_findings(page) == []
    checked.close()
