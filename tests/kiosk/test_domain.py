"""Short codes, time periods, key expiry and the immutability of published forms."""
import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from kiosk import shortcodes
from kiosk.models import IdempotencyKey, Option, Question, QuestionKind
from kiosk.models.immutability import PublishedFormChanged
from kiosk.operations import InvalidDraft, QuestionDraft, add_version, publish
from kiosk.periods import local_today, period_label, period_start
from tests.kiosk.helpers import post_json, rating


def test_codes_use_no_look_alikes():
    for ch in "0O1Il":
        assert ch not in shortcodes.ALPHABET
    codes = {shortcodes.new_code() for _ in range(2000)}
    assert len(codes) > 1990
    assert all(len(c) == 6 and set(c) <= set(shortcodes.ALPHABET) for c in codes)


@pytest.mark.parametrize(
    "typed,expected",
    [("ab2 3cd", "AB23CD"), ("AB-23CD", "AB23CD"), ("AB23C", None), ("AB23C0", None), ("ABI3CD", None)],
)
def test_normalise(typed, expected):
    assert shortcodes.normalise(typed) == expected


def test_periods():
    sunday = date(2026, 11, 22)
    assert period_start(sunday, "day") == sunday
    assert period_start(sunday, "week") == date(2026, 11, 16)
    assert period_label(date(2026, 11, 16), "week") == "2026-W47"
    assert period_label(sunday, "day") == "2026-11-22"
    # 23:30 UTC on 22 November is already 23 November in Oslo.
    assert local_today("Europe/Oslo", datetime(2026, 11, 22, 23, 30, tzinfo=timezone.utc)) == date(2026, 11, 23)


def test_expired_keys_are_deleted(client, session, link, app):
    from kiosk.submissions import expire_idempotency_keys

    post_json(client, {"link": link.code, "answers": rating(link)})
    session.rollback()
    created = session.scalar(select(IdempotencyKey.created_on))
    assert expire_idempotency_keys(session, created.replace(day=created.day), days=7) == 0
    later = date.fromordinal(created.toordinal() + 8)
    assert expire_idempotency_keys(session, later, days=7) == 1
    session.commit()
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


@pytest.mark.parametrize("change", ["text", "add_question", "delete_option", "unpublish"])
def test_published_version_never_changes(session, link, change):
    version = link.form.published
    session.add(version)
    if change == "text":
        version.questions[0].text = {"nb": "Endret"}
    elif change == "add_question":
        version.questions.append(Question(position=99, kind=QuestionKind.YES_NO, text={"nb": "Ny?"}))
    elif change == "delete_option":
        session.delete(version.questions[0].options[0])
    else:
        version.published_at = None
    with pytest.raises(PublishedFormChanged):
        session.flush()
    session.rollback()


def test_editing_makes_a_new_version(session, link, client):
    form = link.form
    session.add(form)
    old = form.published
    new = add_version(session, form, {"nb": "Ny tittel"}, [QuestionDraft(QuestionKind.YES_NO, {"nb": "Er du fornøyd?"})])
    new.questions[0].text = {"nb": "Er du fornøyd nå?"}  # drafts may change
    session.flush()
    publish(session, new, now=datetime.now(timezone.utc))
    session.commit()
    data = client.get(f"/api/v1/links/{link.code}").get_json()
    assert data["form"]["version"] == old.number + 1
    assert [q["text"]["nb"] for q in data["form"]["questions"]] == ["Er du fornøyd nå?"]
    assert session.get(Option, old.questions[0].options[0].id) is not None


@pytest.mark.parametrize(
    "draft",
    [
        QuestionDraft(QuestionKind.SINGLE_CHOICE, {"nb": "Velg"}, options=[{"nb": "Bare én"}]),
        QuestionDraft(QuestionKind.SCALE, {"nb": "Skala"}, scale_min=5, scale_max=5),
        QuestionDraft(QuestionKind.SMILEY, {"nb": "Fjes"}, options=[{"nb": "a"}, {"nb": "b"}]),
        QuestionDraft(QuestionKind.YES_NO, {"nn": "Berre nynorsk"}),
    ],
)
def test_invalid_drafts_are_refused(session, link, draft):
    session.add(link.form)
    with pytest.raises(InvalidDraft):
        add_version(session, link.form, {"nb": "x"}, [draft])
    session.rollback()


def test_submission_ids_are_the_period_then_random(client, session, link):
    from kiosk.ids import period_of
    from kiosk.models import Submission

    ids = {uuid.UUID(post_json(client, {"link": link.code, "answers": rating(link)}).get_json()["id"]) for _ in range(5)}
    assert len(ids) == 5
    assert all(i.version == 8 for i in ids)
    session.rollback()
    assert {period_of(i) for i in ids} == {session.scalars(select(Submission.period)).first()}
