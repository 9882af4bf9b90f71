"""Staff pages for what did not come through a screen (suggestion-box notes, meeting topics, peer interviews)
and for the ledger: what they store, what a mistake keeps, and who may do what where."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from kiosk.models import AuditEvent, Council, FreeText, LedgerEntry, LedgerStatus, Location, Role, Submission, TextStatus
from kiosk.notes import weeks
from kiosk.periods import local_today
from tests.admin import staffing
from tests.kiosk.helpers import csrf_token


def signed_in(client, staff):
    staffing.sign_in(client, staff)
    token = csrf_token(client.get("/admin/account").get_data(as_text=True))

    def post(url: str, data: dict | None = None, **options):
        return client.post(url, data={"csrf_token": token, **(data or {})}, **options)

    client.post_form = post
    return client


@pytest.fixture
def this_week() -> date:
    return weeks(local_today("Europe/Oslo", datetime.now(UTC)))[0]


@pytest.fixture
def council(session, link):
    item = Council(name="Brukerrådet sentrum", created_at=datetime(2026, 1, 1),
                   locations=[session.get(Location, link.location_id)])
    session.add(item)
    session.commit()
    return item


def test_typed_notes_become_de_identified_submissions_of_their_week(app, session, client, make_staff, link, this_week):
    moderator = signed_in(client, make_staff(Role.MODERATOR))
    last_week = this_week - timedelta(weeks=1)
    typed = "Mer frukt til lunsj\n\nRing Kari Nordmann på 912 34 567\n\nLengre åpningstid\npå fredager"
    response = moderator.post_form("/admin/notes", {"channel": "paper", "location": link.location_id,
                                                    "week": last_week.isoformat(), "text": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "3 lagret" in page
    assert 'name="text" rows="12"></textarea>' in page  # emptied for the next pile; place and week stay
    assert f'value="{last_week.isoformat()}" selected' in page
    session.rollback()
    stored = session.scalars(select(Submission).where(Submission.channel == "paper")).all()
    assert len(stored) == 3
    assert {(s.period, s.period_unit, s.location_id) for s in stored} == {(last_week, "week", link.location_id)}
    texts = sorted(t.text for t in session.scalars(select(FreeText)))
    assert texts == ["Lengre åpningstid\npå fredager", "Mer frukt til lunsj", "Ring [navn] på [telefon]"]
    assert {t.status for t in session.scalars(select(FreeText))} == {TextStatus.PENDING}
    # Nothing says who typed them, or when: no audit line for notes.
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.action.not_in(["login", "login_code"]))).all() == []


@pytest.mark.parametrize(("change", "message"), [
    ({"week": "2020-01-06"}, "Velg en av ukene i lista."),
    ({"channel": "email"}, "Velg om det er lapper fra forslagskassa eller saker fra et møte."),
    ({"text": " \n \n"}, "Skriv minst én lapp eller sak."),
    ({"location": "99999"}, "Velg et sted."),
])
def test_a_mistake_keeps_what_was_typed_and_stores_nothing(session, client, make_staff, link, this_week, change, message):
    admin = signed_in(client, make_staff(Role.ADMIN))
    given = {"channel": "meeting", "location": link.location_id, "week": this_week.isoformat(),
             "text": "Vi vil ha flere turer", **change}
    response = admin.post_form("/admin/notes", given)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    if change.get("text") is None:
        assert "Vi vil ha flere turer</textarea>" in page
    session.rollback()
    assert session.scalars(select(Submission)).all() == []


def test_a_stale_form_keeps_the_notes(client, make_staff, link, this_week):
    admin = signed_in(client, make_staff(Role.ADMIN))
    response = client.post("/admin/notes", data={"csrf_token": "stale", "channel": "paper", "location": link.location_id,
                                                 "week": this_week.isoformat(), "text": "Bedre stoler"})
    assert response.status_code == 400
    assert "Bedre stoler</textarea>" in response.get_data(as_text=True)
    assert client.get("/admin/notes").status_code == 200  # still signed in: a stale token ends nothing
    stale_entry = client.post("/admin/ledger/new", data={**entry_form(link.location_id), "csrf_token": "stale"})
    assert stale_entry.status_code == 422 and "Mer frukt til lunsj</textarea>" in stale_entry.get_data(as_text=True)
    assert "trykk «Lagre» en gang til" in stale_entry.get_data(as_text=True)
    assert admin.post_form("/admin/notes", {"channel": "paper", "location": link.location_id,
                                            "week": this_week.isoformat(), "text": "Bedre stoler"}).status_code == 200


def test_a_peer_interview_is_stored_as_channel_interview(session, client, make_staff, link, council, form_json):
    member = signed_in(client, make_staff(Role.COUNCIL, council=council))
    assert f"/admin/interview/{link.code}" in client.get("/admin/notes").get_data(as_text=True)
    page = client.get(f"/admin/interview/{link.code}").get_data(as_text=True)
    smiley = next(q for q in form_json["form"]["questions"] if q["kind"] == "smiley")
    field = f"q{smiley['id']}"
    assert f'name="{field}"' in page
    response = member.post_form(f"/admin/interview/{link.code}", {field: "4"})
    assert response.status_code == 200 and "Intervjuet er lagret" in response.get_data(as_text=True)
    session.rollback()
    assert [s.channel for s in session.scalars(select(Submission))] == ["interview"]
    empty = member.post_form(f"/admin/interview/{link.code}", {})
    assert empty.status_code == 400 and "Ingenting er fylt ut ennå." in empty.get_data(as_text=True)


def test_a_council_member_interviews_only_at_their_own_places(client, make_staff, make_link, council):
    elsewhere = make_link(location_name="Verkstedet")
    member = signed_in(client, make_staff(Role.COUNCIL, council=council))
    assert client.get(f"/admin/interview/{elsewhere.code}").status_code == 404
    assert member.post_form("/admin/notes", {"text": "x"}).status_code == 403  # notes are for admins and moderators


def entry_form(location_id: int, **changes) -> dict:
    return {"status": "planlagt", "council": "0", "theme": "0", "digest": "0", "locations": str(location_id),
            "heard_nb": "Mer frukt til lunsj", "done_nb": "Frukt hver dag fra januar", "milestones": "", **changes}


def test_an_admin_records_and_changes_an_entry(session, client, make_staff, link):
    admin = signed_in(client, make_staff(Role.ADMIN))
    response = admin.post_form("/admin/ledger/new", entry_form(link.location_id,
                                                              milestones="2027-01-04 Første levering"))
    assert response.status_code == 302
    session.rollback()
    entry = session.scalars(select(LedgerEntry)).one()
    assert entry.status is LedgerStatus.PLANNED and entry.heard == {"nb": "Mer frukt til lunsj"}
    assert [m.on for m in entry.milestones] == [date(2027, 1, 4)]
    listing = client.get("/admin/ledger").get_data(as_text=True)
    assert "Mer frukt til lunsj" in listing
    changed = admin.post_form(f"/admin/ledger/{entry.id}", entry_form(link.location_id, status="ikke_mulig",
                                                                     reason_nb="Budsjettet er brukt opp"))
    assert changed.status_code == 302
    session.rollback()
    assert session.get(LedgerEntry, entry.id).reason == {"nb": "Budsjettet er brukt opp"}
    assert admin.post_form(f"/admin/ledger/{entry.id}/remove").status_code == 302
    session.rollback()
    assert session.scalars(select(LedgerEntry)).all() == []
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("ledger%"))).all() == [
        "ledger_saved", "ledger_saved", "ledger_removed"]


@pytest.mark.parametrize(("change", "message"), [
    ({"heard_nb": "", "heard_nn": "Berre nynorsk"}, "Skriv hva dere hørte, i hvert fall på bokmål."),
    ({"status": "gjort", "done_nb": ""}, "Skriv hva som ble gjort, i hvert fall på bokmål."),
    ({"locations": ""}, "Velg minst ett sted."),
    ({"milestones": "snart Nye stoler"}, "Hver linje må begynne med en dato, som 2027-01-15."),
])
def test_an_entry_with_a_mistake_is_shown_again_as_typed(session, client, make_staff, link, change, message):
    admin = signed_in(client, make_staff(Role.ADMIN))
    response = admin.post_form("/admin/ledger/new", entry_form(link.location_id, heard_en="More fruit", **change))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert "More fruit</textarea>" in page
    session.rollback()
    assert session.scalars(select(LedgerEntry)).all() == []


def test_a_council_member_writes_for_their_council_and_reads_no_other(session, client, make_staff, make_link, link,
                                                                       council):
    other_place = make_link(location_name="Verkstedet")
    member = signed_in(client, make_staff(Role.COUNCIL, council=council))
    refused = member.post_form("/admin/ledger/new", entry_form(other_place.location_id))
    assert refused.status_code == 422 and "Velg bare steder som brukerrådet følger." in refused.get_data(as_text=True)
    assert member.post_form("/admin/ledger/new", entry_form(link.location_id)).status_code == 302
    session.rollback()
    own = session.scalars(select(LedgerEntry)).one()
    assert own.council_id == council.id  # whatever the form said
    from kiosk.ledger import EntryValues, add_entry
    theirs = add_entry(session, EntryValues(heard={"nb": "Annet sted"}, location_ids=[other_place.location_id]),
                       today=date(2026, 11, 24))
    session.commit()
    assert client.get(f"/admin/ledger/{own.id}").status_code == 200
    assert client.get(f"/admin/ledger/{theirs.id}").status_code == 404
    assert "Annet sted" not in client.get("/admin/ledger").get_data(as_text=True)
    assert member.post_form(f"/admin/ledger/{theirs.id}/remove").status_code == 404


def test_an_entry_finds_its_texts_among_a_digests_and_keeps_what_was_chosen_and_typed(app, session, client, make_staff,
                                                                                    link, council, make_text,
                                                                                    monkeypatch):
    """A first digest may carry thousands of texts: the form lists a few, a search finds the rest, nothing is lost."""
    from kiosk.digests.build import build
    from kiosk.digests.periods import parse_period

    monkeypatch.setattr("admin.views.ledger.TEXTS_SHOWN", 3)
    said = ["Mer kaffe om morgenen", "Kaffen er kald", "Flere turer", "Lengre åpent", "Bedre stoler", "Mer musikk"]
    ids = {text: make_text(link, text, now=datetime(2026, 11, 11, 12, tzinfo=UTC)) for text in said}
    for item in session.scalars(select(FreeText)):
        item.status, item.moderated_on = TextStatus.RELEASED, date(2026, 11, 20)
    session.commit()
    digest = build(session, council, parse_period("2026-W46"), now=datetime(2026, 11, 23, 9, tzinfo=UTC)).digest
    session.commit()
    admin = signed_in(client, make_staff(Role.ADMIN))

    page = client.get(f"/admin/ledger/new?digest={digest.id}&text={ids['Flere turer'].hex}").get_data(as_text=True)
    assert f'value="{ids["Flere turer"].hex}" checked> «Flere turer»' in page  # chosen on the digest's page
    assert page.count('name="texts"') == 4  # the chosen one and 3 of the other 5
    assert "Her vises 3 av de 5 svarene." in page

    typed = entry_form(link.location_id, digest=str(digest.id), heard_nb="Dere vil ha bedre kaffe",
                       texts=[ids["Flere turer"].hex], words="  KAFFE ", find="1")
    found = admin.post_form("/admin/ledger/new", typed)
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and "Dere vil ha bedre kaffe</textarea>" in page  # as typed, not saved
    assert "Svar som inneholder «KAFFE»: 2." in page and "Her vises" not in page
    assert f'value="{ids["Mer kaffe om morgenen"].hex}"> «Mer kaffe om morgenen»' in page
    assert f'value="{ids["Kaffen er kald"].hex}"> «Kaffen er kald»' in page
    assert f'value="{ids["Flere turer"].hex}" checked>' in page  # chosen, though it does not say kaffe
    assert "Bedre stoler" not in page
    session.rollback()
    assert session.scalars(select(LedgerEntry)).all() == []

    del typed["find"]
    typed["texts"] = [ids["Flere turer"].hex, ids["Kaffen er kald"].hex]
    assert admin.post_form("/admin/ledger/new", typed).status_code == 302
    session.rollback()
    entry = session.scalars(select(LedgerEntry)).one()
    assert sorted(t.text for t in entry.texts) == ["Flere turer", "Kaffen er kald"]
    page = client.get(f"/admin/ledger/{entry.id}").get_data(as_text=True)
    assert page.count(" checked> «") == 2 and page.count('name="texts"') == 5  # both chosen, 3 of the other 4

    nothing = admin.post_form(f"/admin/ledger/{entry.id}", {**typed, "words": "sykkel", "find": "1"})
    assert "Svar som inneholder «sykkel»: 0." in nothing.get_data(as_text=True)
    assert nothing.get_data(as_text=True).count(" checked> «") == 2
