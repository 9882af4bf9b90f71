"""Answers queued on a tablet survive what changes while they wait: a new form version, a wrong clock."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from playwright.sync_api import Page, Route, expect

from kiosk.database import begin_write
from kiosk.models import Form, QuestionKind
from kiosk.operations import QuestionDraft, add_version, publish
from tests.browser.helpers import Tablet, answers_of, button, face, outbox
from tests.conftest import t


def test_answers_queued_before_a_new_version_keep_their_version(kiosk: Page, tablet: Tablet) -> None:
    kiosk.route("**/api/v1/submissions", lambda route: route.abort())  # the network is down
    face(kiosk, 2).click()
    button(kiosk, "Nei, ferdig").click()
    expect(face(kiosk, 5)).to_be_visible()
    kiosk.wait_for_function("() => document.getElementById('pending').textContent.trim() !== ''")
    shown = tablet.form_json["form"]["version_id"]

    # Staff publish a new version with other questions while the answer waits.
    session = tablet.session
    session.rollback()
    begin_write(session)
    form = session.get_one(Form, tablet.form_json["form"]["id"])
    publish(session, add_version(session, form, t("Ny"), [QuestionDraft(QuestionKind.YES_NO, t("Ja eller nei?"))]), now=datetime.now(timezone.utc))
    session.commit()

    kiosk.unroute("**/api/v1/submissions")
    kiosk.evaluate("() => window.dispatchEvent(new Event('online'))")
    [row] = tablet.wait_for_submissions(1, timeout=90, page=kiosk)
    assert row.form_version_id == shown
    assert answers_of(row) == {int(tablet.form_json["form"]["questions"][0]["id"]): 2}
    expect(kiosk.locator("#pending")).to_be_empty()


def test_a_day_the_server_refuses_is_sent_again_without_a_day(kiosk: Page, tablet: Tablet) -> None:
    """A tablet whose clock runs a day ahead still gets its answers counted, once, for today."""
    seen: list[dict] = []

    def clock_ahead(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        seen.append({"key": route.request.headers["idempotency-key"], **body})
        if body.get("day"):
            body["day"] = (date.today() + timedelta(days=2)).isoformat()
        route.continue_(post_data=json.dumps(body))

    kiosk.route("**/api/v1/submissions", clock_ahead)
    face(kiosk, 4).click()
    button(kiosk, "Nei, ferdig").click()
    [row] = tablet.wait_for_submissions(1, timeout=60, page=kiosk)
    assert answers_of(row) == {int(tablet.form_json["form"]["questions"][0]["id"]): 4}
    assert len(seen) == 2 and seen[0]["day"] and seen[1].get("day") is None
    assert seen[0]["key"] != seen[1]["key"]
    kiosk.wait_for_function("() => document.getElementById('pending').textContent.trim() === ''")
    assert outbox(kiosk) == []
