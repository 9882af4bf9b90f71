"""Council digests: built once when a period has closed, from per-period counts, through suppression."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy import text as sql

from kiosk.digests import build as build_module
from kiosk.digests.build import build, build_due
from kiosk.digests.periods import parse_period, week_of
from kiosk.extensions import db
from kiosk.models import Council, Digest, DigestStatus, Location, Theme
from kiosk.models.types import db_time
from tests.kiosk.helpers import questions_by_kind

WEEK = parse_period("2026-W46")  # 9-15 November 2026
IN_WEEK = datetime(2026, 11, 11, 12, tzinfo=timezone.utc)
AFTER = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)


@pytest.fixture
def places(make_link):
    """Three places with the same form: two busy, one small."""
    return {name: make_link(location_name=name) for name in ("Fyrlykta", "Verkstedet", "Øran")}


@pytest.fixture
def council(session, places):
    item = Council(name="Brukerrådet sentrum", created_at=datetime(2026, 11, 1), k=5, language="nb", cadence="weekly",
                   send="mon 08:00", locations=[session.get(Location, link.location_id) for link in places.values()])
    session.add(item)
    session.commit()
    return item


def rate(make_submission, link, form_json, value: int, *, text: str | None = None, now: datetime = IN_WEEK, **extra):
    q = questions_by_kind(form_json)
    answers = {q["smiley"]["id"]: value, q["yes_no"]["id"]: value >= 3}
    if text:
        answers[q["free_text"]["id"]] = text
    return make_submission(link, answers, now=now, **extra)


def form_of(client, link):
    return client.get(f"/api/v1/links/{link.code}").get_json()


def built(app, council_id: int, label: str, now: datetime = AFTER) -> Digest:
    with app.app_context():
        council = db.session.get_one(Council, council_id)
        result = build(db.session, council, parse_period(label), now=now)
        db.session.commit()
        digest = db.session.get_one(Digest, result.digest.id)
        db.session.expunge(digest)
        return digest


def test_a_digest_counts_places_and_questions_through_suppression(app, client, council, places, make_submission):
    forms = {name: form_of(client, link) for name, link in places.items()}
    for n in range(8):
        rate(make_submission, places["Fyrlykta"], forms["Fyrlykta"], 5 if n < 6 else 2)
    for n in range(6):
        rate(make_submission, places["Verkstedet"], forms["Verkstedet"], 4)
    for n in range(2):
        rate(make_submission, places["Øran"], forms["Øran"], 1)
    digest = built(app, council.id, "2026-W46")
    snap = digest.snapshot
    assert digest.status is DigestStatus.READY and snap["period"]["label"] == "2026-W46"
    # Øran's 2 are fewer than k and cannot be merged into k with other small places: carried into the next digest.
    assert snap["total"] == 14
    rows = {row["name"]: row for row in snap["locations"]}
    assert rows["Fyrlykta"]["submissions"] == 8 and rows["Verkstedet"]["submissions"] == 6
    assert "Øran" not in rows and "Andre steder" not in rows
    assert snap["carried_forward"][0]["location"] == "Øran" and snap["held_back"] == ["Øran"]
    smiley = next(q for q in snap["questions"] if q["kind"] == "smiley")
    counts = {o["label"]: o["count"] for o in smiley["options"]}
    assert counts["Veldig bra"] == 6 and counts["Bra"] == 6
    assert counts["Dårlig"] is None and counts["Veldig dårlig"] == 0  # 2 is below k; Øran's ones are not in it
    assert smiley["mean"] is None and smiley["n"] is None  # a shown mean or n would give the hidden count away
    assert "2" not in {str(o["count"]) for o in smiley["options"]}


def test_small_places_merge_when_they_have_k_together(app, client, council, places, make_submission, make_link):
    forms = {name: form_of(client, link) for name, link in places.items()}
    for n in range(7):
        rate(make_submission, places["Fyrlykta"], forms["Fyrlykta"], 4)
    for n in range(3):
        rate(make_submission, places["Verkstedet"], forms["Verkstedet"], 4)
        rate(make_submission, places["Øran"], forms["Øran"], 4)
    snap = built(app, council.id, "2026-W46").snapshot
    rows = {row["name"]: row for row in snap["locations"]}
    assert rows["Andre steder"]["submissions"] == 6 and rows["Andre steder"]["merged"] == ["Verkstedet", "Øran"]
    assert snap["total"] == 13 and snap["carried_forward"] == []


def test_councils_that_share_places_hide_small_places_alike(app, client, session, council, places, make_submission):
    """A council of two of the places with k = 5 would show Verkstedet's 5 on their own, where the council of
    all three with k = 7 merges them with Øran's 3: the two digests side by side would give Øran's 3 away,
    and their answers with them. Both hide with the larger k."""
    council.k = 7
    pair = Council(name="Brukerrådet for to steder", created_at=datetime(2026, 11, 1), k=5, language="nb",
                   cadence="weekly", send="mon 08:00",
                   locations=[session.get(Location, places[name].location_id) for name in ("Fyrlykta", "Verkstedet")])
    session.add(pair)
    session.commit()
    forms = {name: form_of(client, link) for name, link in places.items()}
    for name, times, value in (("Fyrlykta", 10, 4), ("Verkstedet", 5, 4), ("Øran", 3, 1)):
        for _ in range(times):
            rate(make_submission, places[name], forms[name], value)
    wide, narrow = built(app, council.id, "2026-W46").snapshot, built(app, pair.id, "2026-W46").snapshot
    assert wide["k"] == narrow["k"] == 7
    wide_rows = {row["name"]: row["submissions"] for row in wide["locations"]}
    assert wide_rows == {"Fyrlykta": 10, "Andre steder": 8}
    narrow_rows = {row["name"]: row["submissions"] for row in narrow["locations"]}
    assert narrow_rows == {"Fyrlykta": 10}  # not Verkstedet's 5: 8 - 5 would be Øran's 3
    assert [entry["location"] for entry in narrow["carried_forward"]] == ["Verkstedet"]


def test_building_again_changes_nothing(app, client, council, places, make_submission):
    form = form_of(client, places["Fyrlykta"])
    for n in range(6):
        rate(make_submission, places["Fyrlykta"], form, 4)
    first = built(app, council.id, "2026-W46")
    rate(make_submission, places["Fyrlykta"], form, 1)  # late data changes nothing already built
    again = built(app, council.id, "2026-W46")
    assert again.id == first.id and again.snapshot == first.snapshot


def test_a_digest_gathers_with_plans_for_its_own_days_and_records_its_texts_without(app, client, session, council, places,
                                                                                    make_submission, monkeypatch):
    """PostgreSQL's generic plan for a prepared statement guessed a digest's day ranges narrow (kiosk/database.py);
    forced custom plans would make every foreign-key check of the texts it records plan afresh."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no generic plans")
    setting = []

    def spy(real):
        def run(session, *args, **kwargs):
            setting.append((real.__name__, session.scalar(sql("SHOW plan_cache_mode"))))
            return real(session, *args, **kwargs)
        return run

    monkeypatch.setattr(build_module, "gather", spy(build_module.gather))
    monkeypatch.setattr(build_module, "_record_texts", spy(build_module._record_texts))
    form = form_of(client, places["Fyrlykta"])
    for n in range(6):
        rate(make_submission, places["Fyrlykta"], form, 4)
    digest = built(app, council.id, "2026-W46")

    assert digest.status is DigestStatus.READY
    assert setting == [("gather", "force_custom_plan"), ("_record_texts", "auto")]
    assert session.scalar(sql("SHOW plan_cache_mode")) == "auto"


def test_a_week_below_k_waits_and_merges_with_the_next(app, client, session, council, places, make_submission):
    form = form_of(client, places["Fyrlykta"])
    for n in range(3):
        rate(make_submission, places["Fyrlykta"], form, 4, now=datetime(2026, 11, 4, 12, tzinfo=timezone.utc))  # W45
    for n in range(3):
        rate(make_submission, places["Fyrlykta"], form, 2)  # W46
    with app.app_context():
        made = build_due(db.session, now=datetime(2026, 11, 24, 9, tzinfo=timezone.utc))
        db.session.commit()
        labels = [d.period for d in made]
    session.rollback()
    digests = {d.period: d for d in session.scalars(select(Digest))}
    assert digests["2026-W45"].status is DigestStatus.WAITING and digests["2026-W45"].snapshot is None
    merged = digests["2026-W45–W46"]
    assert merged.status is DigestStatus.READY and merged.snapshot["total"] == 6
    assert merged.snapshot["merged"]["periods"] == ["2026-W45"]
    assert merged.snapshot["period"]["weeks"] == ["2026-W45", "2026-W46"]
    assert labels == ["2026-W45–W46"]


def test_released_text_by_theme_with_quotes_and_urgent_counted_never_shown(app, client, session, council, places, make_submission, make_text):
    from kiosk.models import FreeText, TextStatus

    form = form_of(client, places["Fyrlykta"])
    session.add(Theme(name={"nb": "Mat", "nn": "Mat", "en": "Food"}, keywords={"nb": ["mat*", "lunsj*"], "en": ["food"]}, position=1))
    session.commit()
    for text in ("Maten er for dårlig", "Lunsjen kommer for sent", "Flere turer i skogen", "Mer kaffe", "Bedre stoler"):
        rate(make_submission, places["Fyrlykta"], form, 4, text=text)
    rate(make_submission, places["Fyrlykta"], form, 2, text="Jeg vil ikke leve lenger")
    session.rollback()
    for item in session.scalars(select(FreeText)):
        item.status = TextStatus.HIDDEN if item.urgent else TextStatus.RELEASED
        item.quote = item.text == "Maten er for dårlig"
    session.commit()
    snap = built(app, council.id, "2026-W46").snapshot
    themes = {t["name"]: t for t in snap["themes"]}
    assert themes["Mat"]["count"] == 2 and themes["Mat"]["quotes"] == ["Maten er for dårlig"]
    assert sorted(themes["Uten tema"]["texts"]) == ["Bedre stoler", "Flere turer i skogen", "Mer kaffe"]
    assert snap["urgent"] == {"count": None, "suppressed": "small"}  # one: fewer than k, and never its words
    assert "leve" not in str(snap)


def test_text_from_a_small_place_is_held_back_and_carried_over(app, client, session, council, places, make_submission):
    from kiosk.models import FreeText, TextStatus

    form = form_of(client, places["Øran"])
    big = form_of(client, places["Fyrlykta"])
    for n in range(6):
        rate(make_submission, places["Fyrlykta"], big, 4)
    rate(make_submission, places["Øran"], form, 4, text="Trappa er glatt om vinteren")
    session.rollback()
    for item in session.scalars(select(FreeText)):
        item.status = TextStatus.RELEASED
    session.commit()
    first = built(app, council.id, "2026-W46").snapshot
    assert first["held_back"] == ["Øran"] and "Trappa" not in str(first["themes"])
    next_week = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)
    for n in range(5):
        rate(make_submission, places["Øran"], form, 3, now=next_week)
    later = built(app, council.id, "2026-W47", now=datetime(2026, 11, 30, 9, tzinfo=timezone.utc)).snapshot
    assert "Trappa er glatt om vinteren" in str(later["themes"])
    assert later["carried_over"] == [{"location": "Øran", "from": "2026-W46"}]
    assert {row["name"]: row["submissions"] for row in later["locations"]}["Øran"] == 6  # W46's one answer too


def test_text_released_after_its_digest_comes_in_the_next_and_never_twice(app, client, session, council, places, make_submission):
    """The next digest reads its own week whole and, from before, only text released since the last digest."""
    from kiosk.models import FreeText, Role, TextStatus
    from kiosk.moderation.queue import release
    from admin.accounts import create_user

    moderator = create_user(session, email="moderator@example.no", name="Moderator", password="langt-passord-123",
                            role=Role.MODERATOR, now=datetime.now(timezone.utc))
    session.commit()
    form = form_of(client, places["Fyrlykta"])
    for text in ("Kaffen er kald", "Bussen går for sjelden", "Trenger flere benker", "Mer musikk", "Lengre åpningstid"):
        rate(make_submission, places["Fyrlykta"], form, 4, text=text)
    session.rollback()
    by_text = {item.text: item for item in session.scalars(select(FreeText))}
    for text in ("Kaffen er kald", "Bussen går for sjelden"):
        release(session, by_text[text], session.get_one(type(moderator), moderator.id), today=date(2026, 11, 16))
    # The day before the digest is built: the next digest reads it again (released since), and leaves it out.
    release(session, by_text["Lengre åpningstid"], session.get_one(type(moderator), moderator.id), today=date(2026, 11, 22))
    session.commit()
    first = built(app, council.id, "2026-W46").snapshot  # built 23 November
    assert sorted(t for theme in first["themes"] for t in theme["texts"]) == [
        "Bussen går for sjelden", "Kaffen er kald", "Lengre åpningstid"]
    assert first["text_places"] == [places["Fyrlykta"].location_id]

    # Moderated after W46's digest was built: the W47 digest carries it, once.
    release(session, session.get_one(FreeText, by_text["Mer musikk"].id), session.get_one(type(moderator), moderator.id),
            today=date(2026, 11, 24))
    session.commit()
    next_week = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)
    for n in range(5):
        rate(make_submission, places["Fyrlykta"], form, 3, text="Bra uke" if n == 0 else None, now=next_week)
    session.rollback()
    for item in session.scalars(select(FreeText).where(FreeText.status == TextStatus.PENDING, FreeText.text == "Bra uke")):
        release(session, item, session.get_one(type(moderator), moderator.id), today=date(2026, 11, 24))
    session.commit()
    later = built(app, council.id, "2026-W47", now=datetime(2026, 11, 30, 9, tzinfo=timezone.utc)).snapshot
    assert sorted(t for theme in later["themes"] for t in theme["texts"]) == ["Bra uke", "Mer musikk"]
    assert later["carried_over"] == [{"location": "Fyrlykta", "from": "2026-W46"}]
    # Still pending, then: nothing shown twice, nothing lost.
    assert "Trenger flere benker" not in str(later) and "Kaffen" not in str(later["themes"])
    assert "Lengre åpningstid" not in str(later["themes"])


def test_periods_are_written_as_people_write_them():
    assert parse_period("2026-W48").first_day == date(2026, 11, 23)
    assert parse_period("2026-11").last_day == date(2026, 11, 30)
    assert parse_period("2026-W52–W01").label == "2026-W52–2027-W01"
    assert parse_period("2026-W52–2027-W01").last_day == date(2027, 1, 10)
    assert week_of(date(2027, 1, 1)).label == "2026-W53"
    with pytest.raises(ValueError, match="2026-W48"):
        parse_period("week 48")


def test_retention_deletes_old_digests_and_counts_with_their_answers(app, client, session, council, places, make_submission):
    from kiosk import ledger
    from kiosk.models import AnswerTally, CountedPeriod, LedgerEntry, SettledPeriod, SubmissionTally
    from kiosk.retention import Policy, run

    form = form_of(client, places["Fyrlykta"])
    for n in range(6):
        rate(make_submission, places["Fyrlykta"], form, 4, now=datetime(2024, 11, 13, 12, tzinfo=timezone.utc))
        rate(make_submission, places["Fyrlykta"], form, 4)
    old = built(app, council.id, "2024-W46", now=datetime(2024, 11, 25, 9, tzinfo=timezone.utc))
    kept = built(app, council.id, "2026-W46")
    entry = ledger.add_entry(session, ledger.EntryValues(heard={"nb": "Mer frukt"}, location_ids=[places["Fyrlykta"].location_id],
                                                         digest_id=old.id), today=date(2024, 11, 26))
    session.add_all([SettledPeriod(period=date(2024, 11, 13)), SettledPeriod(period=date(2026, 11, 11))])
    session.commit()
    assert session.scalar(select(func.count()).select_from(CountedPeriod).where(CountedPeriod.period < date(2024, 11, 24)))
    with app.app_context():
        report = run(db.session, today=date(2026, 11, 24), rules=Policy(months=24, original_days=30, key_days=7))
        db.session.commit()
    assert report.digests == 1 and report.submissions == 6
    session.rollback()
    assert [d.id for d in session.scalars(select(Digest))] == [kept.id]
    session.expire_all()
    assert session.get(LedgerEntry, entry.id).digest_id is None  # the entry stays, without the link
    assert session.scalars(select(SubmissionTally.period).where(SubmissionTally.period < date(2024, 11, 24))).all() == []
    assert session.scalars(select(AnswerTally.period).where(AnswerTally.period < date(2024, 11, 24))).all() == []
    assert session.scalars(select(SubmissionTally)).all()  # this year's counts stay
    # The marks that said which of those periods were counted, and settled, go with them.
    assert session.scalars(select(CountedPeriod.period).where(CountedPeriod.period < date(2024, 11, 24))).all() == []
    assert session.scalars(select(CountedPeriod.period).where(CountedPeriod.period >= date(2024, 11, 24))).all()
    assert session.scalars(select(SettledPeriod.period)).all() == [date(2026, 11, 11)]


def test_a_theme_prints_a_stable_sample_of_its_texts_and_counts_them_all():
    import uuid

    from kiosk.digests import shown, texts
    from kiosk.ids import period_id

    day = date(2026, 11, 11)
    many = [texts.Text(period_id(day), f"Tekst nummer {n}", 1, n == 77, day) for n in range(100)]
    [group] = texts.theme_groups(many, None, [], "nb", "Uten tema")
    assert group["count"] == 100 and len(group["texts"]) == texts.TEXTS_PER_THEME
    assert "Tekst nummer 77" in group["texts"]  # a quote is always among those printed
    assert shown.more_texts(group) == 100 - texts.TEXTS_PER_THEME
    shuffled = sorted(many, key=lambda t: uuid.uuid4().bytes)
    [again] = texts.theme_groups(shuffled, None, [], "nb", "Uten tema")
    assert sorted(again["texts"]) == sorted(group["texts"])  # the same sample whatever order they came in
    numbers = sorted(int(t.rsplit(" ", 1)[1]) for t in group["texts"] if t != "Tekst nummer 77")
    assert numbers[0] < 20 and numbers[-1] > 80  # spread over them all, not the first forty
