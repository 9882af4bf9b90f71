"""The ledger, "Dette har vi gjort": what an entry must say, what each place sees, the digest's section
(open entries carried over, closed ones shown once, the headline share), and the command line."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from kiosk import ledger
from kiosk.database import begin_write
from kiosk.extensions import db
from kiosk.models import AuditEvent, Council, FreeText, LedgerEntry, LedgerStatus, Location, TextStatus, Theme
from tests.kiosk.test_digests import built, form_of, rate

TODAY = date(2026, 11, 24)


@pytest.fixture
def places(make_link):
    return {name: make_link(location_name=name) for name in ("Fyrlykta", "Verkstedet")}


@pytest.fixture
def council(session, places):
    item = Council(name="Brukerrådet sentrum", created_at=datetime(2026, 11, 1), k=5, language="nb", cadence="weekly",
                   send="mon 08:00", locations=[session.get(Location, places["Fyrlykta"].location_id)])
    session.add(item)
    session.commit()
    return item


def add(session, heard: str, location_ids: list[int], *, today: date = TODAY, **values) -> LedgerEntry:
    entry = ledger.add_entry(session, ledger.EntryValues(heard={"nb": heard}, location_ids=location_ids, **values),
                             today=today)
    session.commit()
    return entry


def test_an_entry_must_say_what_was_heard_and_what_came_of_it(session, places):
    here = [places["Fyrlykta"].location_id]
    cases = [
        ({"heard": {"nb": "  "}}, "heard"),
        ({"heard": {"nn": "Berre nynorsk"}}, "heard"),  # Bokmål is what the others fall back to
        ({"status": LedgerStatus.DONE}, "done"),
        ({"status": LedgerStatus.NOT_POSSIBLE, "done": {"nb": "Ingenting"}}, "reason"),
        ({"location_ids": []}, "locations"),
        ({"location_ids": [9999]}, "locations"),
        ({"heard": {"nb": "x" * 2001}}, "too_long"),
    ]
    for changes, key in cases:
        values = {"heard": {"nb": "Mer frukt"}, "location_ids": here, **changes}
        with pytest.raises(ledger.LedgerError) as raised:
            ledger.add_entry(session, ledger.EntryValues(**values), today=TODAY)
        assert raised.value.key == key, changes
        session.rollback()
    assert session.scalars(select(LedgerEntry)).all() == []


def test_text_may_be_linked_only_once_released(session, places, make_text):
    here = [places["Fyrlykta"].location_id]
    item_id = make_text(places["Fyrlykta"], "Mer frukt til lunsj")
    with pytest.raises(ledger.LedgerError) as raised:
        add(session, "Mer frukt", here, free_text_ids=[item_id])
    assert raised.value.key == "texts"
    session.rollback()
    session.get(FreeText, item_id).status = TextStatus.RELEASED
    session.commit()
    entry = add(session, "Mer frukt", here, free_text_ids=[item_id])
    assert [t.id for t in entry.texts] == [item_id]


def test_a_council_writes_only_for_its_own_places(session, places, council):
    with pytest.raises(ledger.LedgerError) as raised:
        add(session, "Lengre åpningstid", [places["Verkstedet"].location_id], council_id=council.id)
    assert raised.value.key == "council_locations"


def test_each_place_sees_its_own_entries_once_something_has_happened(app, session, places):
    fyr, verk = places["Fyrlykta"].location_id, places["Verkstedet"].location_id
    add(session, "Bare mottatt", [fyr])
    planned = add(session, "Mer frukt", [fyr], status=LedgerStatus.PLANNED, done={"nb": "Frukt hver dag fra januar"})
    add(session, "Lengre åpningstid", [verk], status=LedgerStatus.CONSIDERING)
    with app.app_context():
        shown = ledger.latest_for_location(db.session, fyr)
        assert [e.id for e in shown] == [planned.id]  # "mottatt" only says someone heard it
        data = ledger.public_json(shown[0], "en")
    assert data["heard"] == "Mer frukt" and data["done"] == "Frukt hver dag fra januar"  # English falls back
    assert data["status"] == "planlagt" and data["status_words"] == "We are going to do it"


def test_open_entries_carry_over_and_closed_ones_are_shown_once(app, client, session, council, places, make_submission):
    fyr = places["Fyrlykta"]
    form = form_of(client, fyr)
    weeks = [datetime(2026, 11, d, 12, tzinfo=timezone.utc) for d in (11, 18, 25)]  # W46, W47, W48
    for moment in weeks:
        for _ in range(5):
            rate(make_submission, fyr, form, 4, now=moment)
    open_entry = add(session, "Mer frukt", [fyr.location_id], status=LedgerStatus.PLANNED, today=date(2026, 11, 12))
    closing = add(session, "Ny sofa", [fyr.location_id], status=LedgerStatus.CONSIDERING, today=date(2026, 11, 12))
    first = built(app, council.id, "2026-W46", now=datetime(2026, 11, 16, 9, tzinfo=timezone.utc)).snapshot
    assert {e["heard"] for e in first["ledger"]["entries"]} == {"Mer frukt", "Ny sofa"}

    session.rollback()
    ledger.update_entry(session, session.get(LedgerEntry, closing.id), ledger.EntryValues(
        heard={"nb": "Ny sofa"}, location_ids=[fyr.location_id], status=LedgerStatus.DONE,
        done={"nb": "Sofaen kom på mandag"}), today=date(2026, 11, 19))
    session.commit()
    second = built(app, council.id, "2026-W47", now=datetime(2026, 11, 23, 9, tzinfo=timezone.utc)).snapshot
    entries = {e["heard"]: e for e in second["ledger"]["entries"]}
    assert set(entries) == {"Mer frukt", "Ny sofa"}
    assert entries["Ny sofa"]["closed"] and entries["Ny sofa"]["status_name"] == "Gjort"
    assert entries["Mer frukt"]["id"] == open_entry.id and not entries["Mer frukt"]["closed"]

    third = built(app, council.id, "2026-W48", now=datetime(2026, 11, 30, 9, tzinfo=timezone.utc)).snapshot
    assert [e["heard"] for e in third["ledger"]["entries"]] == ["Mer frukt"]  # done news once; open until closed


def test_the_headline_counts_raised_themes_that_got_a_change(app, client, session, council, places, make_submission):
    fyr = places["Fyrlykta"]
    form = form_of(client, fyr)
    food = Theme(name={"nb": "Mat"}, keywords={"nb": ["mat*", "frukt*"]}, position=1)
    trips = Theme(name={"nb": "Turer"}, keywords={"nb": ["tur*"]}, position=2)
    session.add_all([food, trips])
    session.commit()
    for text in ("Mer frukt", "Maten er kald", "Flere turer", "Turer i skogen", "Bedre stoler"):
        rate(make_submission, fyr, form, 4, text=text, now=datetime(2026, 11, 11, 12, tzinfo=timezone.utc))
    session.rollback()
    for item in session.scalars(select(FreeText)):
        item.status = TextStatus.RELEASED
    session.commit()
    before = built(app, council.id, "2026-W46", now=datetime(2026, 11, 16, 9, tzinfo=timezone.utc)).snapshot
    assert before["ledger"]["headline"] == {"raised": 0, "acted": 0}  # this digest is the first to raise them
    add(session, "Mer frukt", [fyr.location_id], status=LedgerStatus.PLANNED, theme_id=food.id)
    add(session, "Turer", [fyr.location_id], status=LedgerStatus.CONSIDERING, theme_id=trips.id)
    with app.app_context():
        assert ledger.headline(db.session, db.session.get_one(Council, council.id), TODAY) == {"raised": 2, "acted": 1}


def test_the_command_line_adds_and_lists_entries(runner, session, places):
    fyr = places["Fyrlykta"].location_id
    result = runner.invoke(args=["ledger", "add", "--location", str(fyr), "--status", "planlagt",
                                 "--heard", "Mer frukt", "--done", "Frukt hver dag fra januar",
                                 "--milestone", "2027-01-04 Første fruktlevering"])
    assert result.exit_code == 0, result.output
    entry_id = int(result.output.split("\t")[0])
    refused = runner.invoke(args=["ledger", "add", "--location", str(fyr), "--status", "ikke-mulig", "--heard", "Basseng"])
    assert refused.exit_code != 0 and "--reason is needed" in refused.output
    bad_day = runner.invoke(args=["ledger", "add", "--location", str(fyr), "--heard", "X", "--milestone", "snart"])
    assert bad_day.exit_code != 0 and "YYYY-MM-DD" in bad_day.output

    listed = runner.invoke(args=["ledger", "list", "--location", str(fyr)]).output.strip().splitlines()
    assert len(listed) == 1
    assert listed[0].split("\t")[:2] == [str(entry_id), "planlagt"]
    assert "Fyrlykta" in listed[0] and "Frukt hver dag fra januar" in listed[0]
    assert runner.invoke(args=["ledger", "list", "--location", str(places["Verkstedet"].location_id)]).output == ""
    session.rollback()
    entry = session.get(LedgerEntry, entry_id)
    assert [(m.on, m.text) for m in entry.milestones] == [(date(2027, 1, 4), {"nb": "Første fruktlevering"})]
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "ledger_saved")).all() == ["ledger_saved"]


def test_typed_notes_are_scrubbed_moderated_and_counted_apart_in_the_digest(app, client, session, council, places,
                                                                            make_submission):
    from kiosk import notes

    fyr = places["Fyrlykta"]
    form = form_of(client, fyr)
    for _ in range(6):
        rate(make_submission, fyr, form, 4, now=datetime(2026, 11, 11, 12, tzinfo=timezone.utc))
    typed = "\n\n".join(["Mer frukt", "Ring Kari på 912 34 567", "Flere turer", "Bedre stoler", "Lengre åpent"])
    with app.app_context():
        begin_write(db.session)
        location = db.session.get_one(Location, fyr.location_id)
        stored = notes.type_in(db.session, location, "paper", date(2026, 11, 9), notes.split_notes(typed),
                               now=datetime(2026, 11, 20, 10, tzinfo=timezone.utc), config=app.config)
        db.session.commit()
    assert stored == 5
    session.rollback()
    texts = {t.text: t for t in session.scalars(select(FreeText))}
    assert "Ring [navn] på [telefon]" in texts and {t.status for t in texts.values()} == {TextStatus.PENDING}
    for item in texts.values():
        item.status = TextStatus.RELEASED
    session.commit()
    snap = built(app, council.id, "2026-W46", now=datetime(2026, 11, 23, 9, tzinfo=timezone.utc)).snapshot
    row = next(r for r in snap["locations"] if r["name"] == "Fyrlykta")
    assert row["channels"]["paper"] == {"count": 5} and row["channels"]["qr"] == {"count": 6}
    assert "Ring [navn] på [telefon]" in str(snap["themes"]) and "912" not in str(snap)
