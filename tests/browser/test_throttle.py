"""A tablet that sends faster than the server allows is told to wait (429), waits, and loses nothing."""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kiosk.models import QuestionKind
from kiosk.operations import QuestionDraft
from tests.browser.helpers import face, pair
from tests.conftest import t


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"KIOSK_RATE_PER_MINUTE": 60, "KIOSK_RATE_BURST": 2}


def test_answers_refused_with_429_are_sent_again_later(page: Page, make_tablet, browser_errors) -> None:
    tablet = make_tablet([QuestionDraft(QuestionKind.SMILEY, t("Hvordan var dagen?"))])
    pair(page, tablet)
    for value in [1, 2, 3, 4, 5]:
        face(page, value).click()
        expect(page.get_by_role("heading", name="Takk!")).to_be_visible()
        page.get_by_role("button", name="Start på nytt").click()

    rows = tablet.wait_for_submissions(5, timeout=30)
    assert sorted(row.answers[0].number for row in rows) == [1, 2, 3, 4, 5]
    # The fifth row is stored a moment before its 201 is sent and logged: wait for the log as well.
    hits = tablet.server.wait_for_hits("/api/v1/submissions", lambda hits: [h.status for h in hits].count(201) >= 5)
    statuses = [hit.status for hit in hits]
    assert 429 in statuses and statuses.count(201) == 5
    expect(page.locator("#pending")).to_be_empty()
