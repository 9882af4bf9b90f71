"""Moderation: free text arrives de-identified, waits until its period is over (urgent text at once), and
moderators release, hide, redact more, look behind one redaction (logged) or undo it; four eyes where a
council asks for it; quotes; local words; moderators' notes by e-mail carry a count, never content."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from kiosk.models import AuditEvent, Council, FreeText, HideReason, Location, Role, TextStatus
from kiosk.moderation.sealing import unseal
from tests.admin import staffing
from tests.conftest import NOW
from tests.kiosk.helpers import csrf_token

TYPED = "Ring Kari Nordmann på 912 34 567, hun er snill"
SCRUBBED = "Ring [navn] på [telefon], hun er snill"


@pytest.fixture
def moderator(client, make_staff, staff_login):
    """Return a test client signed in as a moderator, with post(url, data) that fills in the CSRF token."""
    staff = make_staff(Role.MODERATOR)
    staff_login(client, staff)
    token = csrf_token(client.get("/admin/account").get_data(as_text=True))

    def post(url: str, data: dict | None = None, **options):
        return client.post(url, data={"csrf_token": token, **(data or {})}, **options)

    client.post_form = post
    client.staff = staff
    return client


def item(session, item_id) -> FreeText:
    session.rollback()
    session.expire_all()
    return session.get(FreeText, item_id)


def actions(session) -> list[AuditEvent]:
    session.rollback()
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_free_text_is_stored_redacted_and_the_original_only_sealed(app, session, link, make_text):
    item_id = make_text(link, TYPED)
    stored = item(session, item_id)
    assert stored.text == SCRUBBED
    assert [r["kind"] for r in stored.redactions] == ["name", "phone"]
    assert stored.status is TextStatus.PENDING and not stored.urgent
    dump = "\n".join(str(row) for table in ("answer", "free_text", "submission") for row in session.execute(text(f"SELECT * FROM {table}")))
    for part in ("Kari", "Nordmann", "912 34 567", "91234567"):
        assert part not in dump
    with app.app_context():
        assert unseal(stored.sealed).original == TYPED
        assert unseal(stored.sealed).parts == ("Kari Nordmann", "912 34 567")


def test_the_queue_waits_for_the_period_to_close_but_shows_urgent_text_at_once(moderator, session, link, make_text):
    closed = make_text(link, "Mer frukt, takk", now=NOW)
    today = datetime.now(timezone.utc)
    still_open = make_text(link, "Maten var god i dag", now=today)
    urgent = make_text(link, "Jeg vil ikke leve lenger", now=today)
    page = moderator.get("/admin/moderation").get_data(as_text=True)
    assert "Mer frukt, takk" in page and "Jeg vil ikke leve lenger" in page
    assert "Maten var god i dag" not in page  # someone could still be standing at the tablet
    assert page.index("Jeg vil ikke leve lenger") < page.index("Mer frukt, takk")  # urgent first
    assert "Haster" in page
    assert moderator.get(f"/admin/moderation/{still_open}").status_code == 200  # by its id only
    assert item(session, urgent).urgent and not item(session, closed).urgent


def test_queue_order_is_period_then_random_never_arrival(moderator, session, link, make_text):
    ids = [make_text(link, f"Forslag nummer {n}", now=NOW - timedelta(days=n % 2)) for n in range(12)]
    page = moderator.get("/admin/moderation").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r"Forslag nummer (\d+)", page)]
    assert sorted(shown) == list(range(12))
    by_period_then_id = sorted(range(12), key=lambda n: ids[n].bytes)
    assert shown == by_period_then_id
    assert shown != list(range(12))


def test_release_deletes_the_original_and_logs_the_step(moderator, session, link, make_text):
    item_id = make_text(link, TYPED, now=NOW)
    assert moderator.post_form(f"/admin/moderation/{item_id}/release").status_code == 302
    released = item(session, item_id)
    assert released.status is TextStatus.RELEASED and released.sealed is None and released.moderated_on is not None
    assert [e.action for e in actions(session)][-1] == "text_released"
    again = moderator.post_form(f"/admin/moderation/{item_id}/hide", {"reason": "spam"}, follow_redirects=True)
    assert "allerede behandlet" in again.get_data(as_text=True)


def test_hide_keeps_the_reason(moderator, session, link, make_text):
    item_id = make_text(link, "Kjøp billige klokker her", now=NOW)
    moderator.post_form(f"/admin/moderation/{item_id}/hide", {"reason": "spam"})
    hidden = item(session, item_id)
    assert hidden.status is TextStatus.HIDDEN and hidden.hide_reason is HideReason.SPAM and hidden.sealed is None


def test_looking_behind_a_redaction_is_logged_without_what_it_hid(moderator, session, link, make_text):
    item_id = make_text(link, TYPED, now=NOW)
    page = moderator.post_form(f"/admin/moderation/{item_id}/reveal/1").get_data(as_text=True)
    assert "912 34 567" in page
    seen = [e for e in actions(session) if e.action == "text_original_seen"]
    assert len(seen) == 1 and seen[0].target == str(item_id)
    assert "912" not in str(seen[0].details) and "Kari" not in str(seen[0].details)
    assert moderator.post_form(f"/admin/moderation/{item_id}/reveal/7").status_code == 302  # no such redaction


def test_undo_a_false_positive_and_redact_more(moderator, session, link, make_text):
    item_id = make_text(link, "Storgata 5 er stengt, og Ola på kjøkkenet er sur", now=NOW)
    before = item(session, item_id)
    assert before.text == "[adresse] er stengt, og [navn] på kjøkkenet er sur"
    moderator.post_form(f"/admin/moderation/{item_id}/undo/0")
    assert item(session, item_id).text == "Storgata 5 er stengt, og [navn] på kjøkkenet er sur"
    moderator.post_form(f"/admin/moderation/{item_id}/redact", {"phrase": "kjøkkenet", "kind": "address"})
    after = item(session, item_id)
    assert after.text == "Storgata 5 er stengt, og [navn] på [adresse] er sur"
    assert [r["kind"] for r in after.redactions] == ["name", "address"]
    page = moderator.get(f"/admin/moderation/{item_id}").get_data(as_text=True)
    assert page.count('<mark class="redaction"') == 2


def test_four_eyes_needs_a_second_moderator(app, client, session, link, make_text, make_staff, staff_login):
    council = Council(name="Brukerrådet", created_at=NOW.replace(tzinfo=None), four_eyes=True,
                      locations=[session.get(Location, link.location_id)])
    session.add(council)
    session.commit()
    item_id = make_text(link, "Bedre stoler i stua", now=NOW)
    first, second = make_staff(Role.MODERATOR), make_staff(Role.MODERATOR)
    for staff, expected in ((first, TextStatus.SECOND_LOOK), (first, TextStatus.SECOND_LOOK), (second, TextStatus.RELEASED)):
        browser = app.test_client()
        staff_login(browser, staff)
        token = csrf_token(browser.get("/admin/account").get_data(as_text=True))
        browser.post(f"/admin/moderation/{item_id}/release", data={"csrf_token": token})
        assert item(session, item_id).status is expected
    assert item(session, item_id).first_release_by == first.id


def test_bulk_release_and_hide(moderator, session, link, make_text):
    ids = [make_text(link, f"Svar {n}", now=NOW) for n in range(4)]
    moderator.post_form("/admin/moderation/bulk", {"action": "release", "items": [str(i) for i in ids[:2]]})
    moderator.post_form("/admin/moderation/bulk", {"action": "hide", "reason": "duplicate", "items": [str(i) for i in ids[2:]] + ["nonsense"]})
    assert [item(session, i).status for i in ids] == [TextStatus.RELEASED] * 2 + [TextStatus.HIDDEN] * 2


def test_quotes_are_picked_from_released_text(moderator, session, link, make_text):
    item_id = make_text(link, "Det beste her er kaffen", now=NOW)
    moderator.post_form(f"/admin/moderation/{item_id}/quote")
    assert not item(session, item_id).quote  # only released text
    moderator.post_form(f"/admin/moderation/{item_id}/release")
    moderator.post_form(f"/admin/moderation/{item_id}/quote", query_string={"back": "released"})
    assert item(session, item_id).quote
    assert "Det beste her er kaffen" in moderator.get("/admin/moderation/released").get_data(as_text=True)


def test_local_words_are_redacted_in_new_text(moderator, session, link, make_text, runner):
    location_id = link.location_id
    response = moderator.post_form(f"/admin/words/{location_id}", {"word": "Snuppa"})
    assert response.status_code == 302
    assert make_text(link, "Snuppa på kjøkkenet er snill") and True
    newest = session.scalars(select(FreeText).order_by(FreeText.id)).all()
    assert any(t.text == "[navn] på kjøkkenet er snill" for t in newest)
    assert "Snuppa" not in [e.target for e in actions(session)]  # the log says a word was added, never which
    result = runner.invoke(args=["text", "scrub", "--location", str(location_id)], input="Snuppas kaffe\nRing 22 33 44 55\n")
    assert result.output.splitlines() == ["[navn] kaffe", "Ring [telefon]"]


def test_a_council_member_never_reaches_pending_text(app, session, link, make_text, make_staff, staff_login):
    item_id = make_text(link, TYPED, now=NOW)
    member = app.test_client()
    staff_login(member, make_staff(Role.COUNCIL))
    for path in ("/admin/moderation", f"/admin/moderation/{item_id}", "/admin/moderation/released", "/admin/words"):
        response = member.get(path)
        assert response.status_code == 403
        assert "hun er snill" not in response.get_data(as_text=True)


def test_moderators_are_told_a_count_and_a_link_never_content(app, session, link, make_text, make_staff, runner, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    make_staff(Role.MODERATOR)
    make_staff(Role.COUNCIL)
    make_text(link, "Jeg vil ta livet mitt", now=datetime.now(timezone.utc))
    make_text(link, "Mer kaffe på fredager", now=NOW)
    assert "Urgent notes: 1, reminders: 1" in runner.invoke(args=["moderation", "notify"]).output
    assert "Urgent notes: 0, reminders: 0" in runner.invoke(args=["moderation", "notify"]).output  # once a day
    assert len(smtp_server.messages) == 2  # the moderator only: council members read released text alone
    for message in smtp_server.messages:
        body = message.get_content()
        assert "livet" not in body and "kaffe" not in body
        assert "http://127.0.0.1:5000/admin/moderation" in body
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert subjects == ["Si ifra: 1 svar kan handle om noen i fare", "Si ifra: 2 svar venter på moderering"]


def test_retention_deletes_originals_and_old_periods(app, session, link, make_text, runner):
    old = make_text(link, TYPED, now=datetime(2024, 1, 10, 12, tzinfo=timezone.utc))
    recent = make_text(link, TYPED, now=datetime.now(timezone.utc) - timedelta(days=40))
    fresh = make_text(link, TYPED, now=datetime.now(timezone.utc))
    output = runner.invoke(args=["retention", "run"]).output
    assert "submissions and 0 digests from periods before" in output
    assert item(session, old) is None  # older than 24 months: gone with its submission
    assert item(session, recent).sealed is None and item(session, recent).text == SCRUBBED  # original past 30 days
    assert item(session, fresh).sealed is not None


def _statements(app, get) -> int:
    from sqlalchemy import event

    from kiosk.extensions import db

    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert get().status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_lists_read_their_items_in_a_few_statements_however_many_there_are(
    app, moderator, session, link, make_text
):
    """Each item shows its place and period: read with the list, not one query per item (at a million
    answers the queue made 1,007 statements for its 500 items)."""
    make_text(link, "Første forslag", now=NOW)
    few = _statements(app, lambda: moderator.get("/admin/moderation"))
    for n in range(12):
        make_text(link, f"Forslag nummer {n}", now=NOW - timedelta(days=n % 3))
    assert _statements(app, lambda: moderator.get("/admin/moderation")) == few
    page = moderator.get("/admin/moderation").get_data(as_text=True)
    assert page.count(link.location.name) >= 13

    ids = [make_text(link, f"Sluppet {n}", now=NOW - timedelta(days=n % 3)) for n in range(6)]
    released = _statements(app, lambda: moderator.get("/admin/moderation/released"))
    for item_id in ids:
        moderator.post_form(f"/admin/moderation/{item_id}/release")
    assert _statements(app, lambda: moderator.get("/admin/moderation/released")) == released
    page = moderator.get("/admin/moderation/released").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r"Sluppet (\d+)", page)]
    assert shown == sorted(range(6), key=lambda n: ids[n].bytes, reverse=True)  # newest period first
