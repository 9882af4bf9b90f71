"""The form builder: every kind of question through the pages, order, preview, publish, new versions."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from kiosk.models import AuditEvent, Form, FormVersion, Question, QuestionKind, Role, ShortLink, Submission
from kiosk.operations import SMILEY_LABELS, create_location
from tests.conftest import NOW
from tests.kiosk.helpers import count, csrf_token, submission_key

QUESTIONS = {
    "smiley": {"text_nb": "Hvordan var dagen?", "text_nn": "Korleis var dagen?", "text_en": "How was the day?"},
    "scale": {
        "text_nb": "Hvor trygg er du her?", "text_nn": "Kor trygg er du her?", "scale_min": "0", "scale_max": "10",
        "low_nb": "Ikke trygg", "low_nn": "Ikkje trygg", "high_nb": "Helt trygg", "high_nn": "Heilt trygg",
    },
    "yes_no": {"text_nb": "Blir du hørt?", "text_nn": "Blir du høyrd?", "help_nb": "Av de ansatte", "help_nn": "Av dei tilsette"},
    "single_choice": {
        "text_nb": "Hvor ofte kommer du?", "text_nn": "Kor ofte kjem du?",
        "options_nb": "Sjelden\nOfte\nHver dag", "options_nn": "Sjeldan\nOfte\nKvar dag", "options_en": "Rarely\nOften\nDaily",
    },
    "multiple_choice": {
        "text_nb": "Hva vil du ha mer av?", "text_nn": "Kva vil du ha meir av?",
        "options_nb": "Turer\nMat\nPrat", "options_nn": "Turar\nMat\nPrat",
    },
    "free_text": {
        "text_nb": "Hvordan hadde tjenesten sett ut hvis du kunne bestemme selv?",
        "text_nn": "Korleis hadde tenesta sett ut om du kunne bestemme sjølv?",
    },
}




def draft(session, form_id: int) -> FormVersion:
    session.rollback()  # a new snapshot, and no stale rows: see what the requests committed
    session.expire_all()
    return session.scalars(
        select(FormVersion).where(FormVersion.form_id == form_id).order_by(FormVersion.number.desc())
    ).first()


def actions(session) -> list[str]:
    session.rollback()
    session.expire_all()
    return session.scalars(select(AuditEvent.action)).all()


def texts(version: FormVersion) -> list[str]:
    return [q.text["nb"] for q in version.questions]


@pytest.fixture
def new_form(admin_post) -> int:
    """Create a form through the page and return its id."""
    response = admin_post("/admin/forms/new", {"name": "Hverdagen på huset"})
    assert response.status_code == 302
    return int(re.search(r"/admin/forms/(\d+)$", response.headers["Location"]).group(1))


@pytest.fixture
def built_form(admin_post, new_form) -> int:
    """Add one question of every kind through the pages and return the form's id."""
    for kind, fields in QUESTIONS.items():
        response = admin_post(f"/admin/forms/{new_form}/questions/new", {"kind": kind, "shown_kind": kind, **fields})
        assert response.status_code == 302, response.get_data(as_text=True)
    return new_form


def test_forms_need_an_admin(app, make_staff, staff_login, new_form):
    client = app.test_client()
    staff_login(client, make_staff(Role.MODERATOR))
    assert client.get("/admin/forms").status_code == 403
    assert client.get(f"/admin/forms/{new_form}").status_code == 403


def test_every_kind_is_built_through_the_pages(admin_client, session, built_form):
    version = draft(session, built_form)
    assert version.published_at is None
    assert [q.kind.value for q in version.questions] == list(QUESTIONS)
    smiley, scale, yes_no, single, multiple, free = version.questions
    assert [o.label for o in smiley.options] == SMILEY_LABELS
    assert (scale.scale_min, scale.scale_max, scale.scale_min_label) == (0, 10, {"nb": "Ikke trygg", "nn": "Ikkje trygg"})
    assert yes_no.help == {"nb": "Av de ansatte", "nn": "Av dei tilsette"}
    assert [o.label for o in single.options][2] == {"nb": "Hver dag", "nn": "Kvar dag", "en": "Daily"}
    assert [o.label for o in multiple.options][0] == {"nb": "Turer", "nn": "Turar"}
    assert free.options == [] and free.text["nn"].startswith("Korleis")
    page = admin_client.get(f"/admin/forms/{built_form}").get_data(as_text=True)
    assert "Hvordan var dagen?" in page and "Publiser versjon 1" in page
    assert "Mangler engelsk" in page  # the scale question has no English text


def test_the_list_shows_versions_drafts_and_links(admin_client, built_form):
    page = admin_client.get("/admin/forms").get_data(as_text=True)
    assert "Hverdagen på huset" in page
    assert "Ikke publisert" in page and "Ja, versjon 1" in page


def test_questions_move_up_and_down_and_are_removed(admin_post, session, built_form):
    ids = [q.id for q in draft(session, built_form).questions]
    assert admin_post(f"/admin/forms/{built_form}/questions/{ids[5]}/move/up").status_code == 302
    assert admin_post(f"/admin/forms/{built_form}/questions/{ids[0]}/move/down").status_code == 302
    admin_post(f"/admin/forms/{built_form}/questions/{ids[1]}/move/up")  # now first: stays first
    version = draft(session, built_form)
    assert [q.id for q in version.questions] == [ids[1], ids[0], ids[2], ids[3], ids[5], ids[4]]
    assert admin_post(f"/admin/forms/{built_form}/questions/{ids[2]}/remove").status_code == 302
    version = draft(session, built_form)
    assert [q.id for q in version.questions] == [ids[1], ids[0], ids[3], ids[5], ids[4]]
    assert [q.position for q in version.questions] == [1, 2, 3, 4, 5]
    logged = actions(session)
    assert logged.count("question_moved") == 2 and "question_removed" in logged  # the no-op move is not logged


def test_a_question_is_edited_and_can_change_kind(admin_client, admin_post, session, built_form):
    question = draft(session, built_form).questions[3]
    page = admin_client.get(f"/admin/forms/{built_form}/questions/{question.id}").get_data(as_text=True)
    assert "Sjelden\nOfte\nHver dag" in page and "Kvar dag" in page
    data = {"kind": "single_choice", "shown_kind": "single_choice", "text_nb": "Hvor ofte?", "options_nb": "Ofte\nSjelden"}
    assert admin_post(f"/admin/forms/{built_form}/questions/{question.id}", data).status_code == 302
    question = draft(session, built_form).questions[3]
    assert question.text == {"nb": "Hvor ofte?"}
    assert [o.label for o in question.options] == [{"nb": "Ofte"}, {"nb": "Sjelden"}]
    # Changing the kind first shows the new kind's fields; the second post saves.
    changed = admin_post(f"/admin/forms/{built_form}/questions/{question.id}", {**data, "kind": "scale"})
    assert changed.status_code == 200 and "Typen er endret" in changed.get_data(as_text=True)
    assert "Laveste tall" in changed.get_data(as_text=True)
    scale = {**data, "kind": "scale", "shown_kind": "scale", "scale_min": "1", "scale_max": "5"}
    assert admin_post(f"/admin/forms/{built_form}/questions/{question.id}", scale).status_code == 302
    question = draft(session, built_form).questions[3]
    assert question.kind is QuestionKind.SCALE and question.options == [] and question.scale_max == 5


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"kind": "single_choice", "text_nb": "Valg?", "options_nb": "Bare en"}, "Skriv minst to svaralternativer"),
        (
            {"kind": "multiple_choice", "text_nb": "Valg?", "options_nb": "A\nB", "options_nn": "A"},
            "Skriv like mange linjer som på bokmål (2)",
        ),
        ({"kind": "smiley", "text_nb": "Dagen?", "options_nb": "Trist\nGlad"}, "Skriv fem linjer"),
        ({"kind": "scale", "text_nb": "Skala?", "scale_min": "5", "scale_max": "5"}, "Høyeste tall må være større"),
        ({"kind": "scale", "text_nb": "Skala?", "scale_min": "0", "scale_max": "11"}, "Bruk et helt tall fra 0 til 10"),
        ({"kind": "yes_no", "text_nn": "Berre nynorsk?"}, "Skriv spørsmålet på bokmål"),
    ],
)
def test_mistakes_get_kind_specific_messages(admin_post, session, new_form, fields, message):
    response = admin_post(f"/admin/forms/{new_form}/questions/new", {"shown_kind": fields["kind"], **fields})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert draft(session, new_form).questions == []


def test_title_and_intro_in_each_language(admin_post, session, new_form):
    data = {"name": "Huset", "title_nb": "Si ifra", "title_nn": "Sei frå", "title_en": "Speak up", "intro_nn": "Velkomen"}
    assert admin_post(f"/admin/forms/{new_form}/texts", data).status_code == 302
    version = draft(session, new_form)
    assert version.title == {"nb": "Si ifra", "nn": "Sei frå", "en": "Speak up"} and version.intro == {"nn": "Velkomen"}
    assert version.form.name == "Huset"
    missing = admin_post(f"/admin/forms/{new_form}/texts", {**data, "title_nb": ""})
    assert missing.status_code == 200 and draft(session, new_form).title["nb"] == "Si ifra"


def test_preview_in_nynorsk_is_the_respondent_page_and_stores_nothing(admin_client, admin_post, session, built_form):
    admin_post(f"/admin/forms/{built_form}/texts", {"name": "Huset", "title_nb": "Si ifra", "title_nn": "Sei frå"})
    response = admin_client.get(f"/admin/forms/{built_form}/versions/1/preview/nn")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="nn">' in page and "Forhåndsvisning" in page
    assert "Sei frå" in page and "Korleis var dagen?" in page and "Svært dårleg" in page and "Kvar dag" in page
    assert "/s/" not in page  # the form cannot reach the public submit address
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    assert action == f"/admin/forms/{built_form}/versions/1/preview/nn"
    sent = admin_client.post(action, data={"csrf_token": csrf_token(page), "lang": "nn", "submission_key": submission_key(page)})
    assert sent.status_code == 303
    again = admin_client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Ingenting ble sendt eller lagret" in again
    assert count(session, Submission) == 0


def test_preview_language_links_do_not_change_the_staff_language(admin_client, built_form):
    switch = admin_client.get(f"/admin/forms/{built_form}/versions/1/preview/nb?lang=en")
    assert switch.headers["Location"].endswith(f"/admin/forms/{built_form}/versions/1/preview/en")
    assert "How was the day?" in admin_client.get(switch.headers["Location"]).get_data(as_text=True)
    same = admin_client.get(f"/admin/forms/{built_form}/versions/1/preview/nn?lang=nn")
    assert same.headers["Location"].endswith(f"/admin/forms/{built_form}/versions/1/preview/nn")
    assert 'lang="nb"' in admin_client.get("/admin/forms").get_data(as_text=True)


def test_publishing_with_missing_translations_warns_and_asks_first(admin_client, admin_post, session, built_form):
    detail = admin_client.get(f"/admin/forms/{built_form}").get_data(as_text=True)
    assert "Noen tekster mangler på andre språk" in detail
    assert 'name="confirm_missing"' in detail
    refused = admin_post(f"/admin/forms/{built_form}/publish", follow_redirects=True)
    assert "Kryss av for at du vil publisere likevel" in refused.get_data(as_text=True)
    assert draft(session, built_form).published_at is None
    assert admin_post(f"/admin/forms/{built_form}/publish", {"confirm_missing": "1"}).status_code == 302
    assert draft(session, built_form).published_at is not None
    location = create_location(session, "Fyrlykta dagsenter", "day_centre", now=NOW)
    session.commit()
    code = admin_post("/admin/links", {"form": built_form, "location": location.id}).headers["Location"].rsplit("/", 1)[1]
    # Respondents are offered only the languages the version fully has, and never get English
    # buttons over Norwegian questions.
    page = admin_client.get(f"/s/{code}?lang=en").get_data(as_text=True)
    assert '<html lang="nb">' in page and 'hreflang="en"' not in page and 'hreflang="nn"' not in page
    assert "Hvordan var dagen?" in page and ">Send<" in page


def test_a_fully_translated_version_publishes_in_one_click(admin_post, session, link):
    assert admin_post(f"/admin/forms/{link.form_id}/versions").status_code == 302
    assert admin_post(f"/admin/forms/{link.form_id}/publish").status_code == 302
    newest = draft(session, link.form_id)
    assert newest.number == 2 and newest.published_at is not None


def test_publish_puts_the_form_behind_its_link(admin_client, admin_post, session, built_form):
    assert admin_post(f"/admin/forms/{built_form}/publish", {"confirm_missing": "1"}).status_code == 302
    assert draft(session, built_form).published_at is not None
    location = create_location(session, "Fyrlykta dagsenter", "day_centre", now=NOW)
    session.commit()
    created = admin_post("/admin/links", {"form": built_form, "location": location.id})
    code = created.headers["Location"].rsplit("/", 1)[1]
    page = admin_client.get(f"/s/{code}").get_data(as_text=True)
    assert "Hvordan var dagen?" in page and "Fyrlykta dagsenter" in page
    detail = admin_client.get(f"/admin/forms/{built_form}").get_data(as_text=True)
    assert "Lag en ny versjon å redigere" in detail
    assert "form_published" in actions(session)


def test_an_empty_draft_is_not_published(admin_post, session, new_form):
    response = admin_post(f"/admin/forms/{new_form}/publish", follow_redirects=True)
    assert "Legg til minst ett spørsmål" in response.get_data(as_text=True)
    assert draft(session, new_form).published_at is None


def answer(client, code: str, smiley_id: int) -> None:
    """Answer the smiley question of a link's form as a respondent."""
    page = client.get(f"/s/{code}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "submission_key": submission_key(page), "lang": "nb", f"q{smiley_id}": "4"}
    assert client.post(f"/s/{code}", data=data).status_code == 302


def test_editing_a_published_form_makes_version_2_and_old_answers_keep_version_1(admin_client, admin_post, session, link):
    v1 = link.form.published
    old_question = v1.questions[0]
    answer(admin_client, link.code, old_question.id)
    change = {"kind": "smiley", "shown_kind": "smiley", "text_nb": "Endret"}
    refused = admin_post(f"/admin/forms/{link.form_id}/questions/{old_question.id}", change, follow_redirects=True)
    assert "Denne versjonen er publisert og kan ikke endres" in refused.get_data(as_text=True)
    assert admin_post(f"/admin/forms/{link.form_id}/versions").status_code == 302
    v2 = draft(session, link.form_id)
    assert v2.number == 2 and v2.published_at is None and texts(v2) == texts(v1) and v2.title == v1.title
    edit = {"kind": "smiley", "shown_kind": "smiley", "text_nb": "Hvordan var uka?", "text_nn": "Korleis var veka?"}
    assert admin_post(f"/admin/forms/{link.form_id}/questions/{v2.questions[0].id}", edit).status_code == 302
    assert admin_post(f"/admin/forms/{link.form_id}/publish", {"confirm_missing": "1"}).status_code == 302
    assert "Hvordan var uka?" in admin_client.get(f"/s/{link.code}").get_data(as_text=True)
    session.rollback()
    session.expire_all()
    assert session.get(Question, old_question.id).text["nb"] == "Hvordan var dagen?"
    assert session.scalars(select(Submission.form_version_id)).all() == [v1.id]
    assert [v.number for v in session.get(Form, link.form_id).versions if v.published_at] == [1, 2]


def test_retire_and_restore_a_form(admin_client, admin_post, session, link):
    assert admin_post(f"/admin/forms/{link.form_id}/retire").status_code == 302
    assert admin_client.get(f"/s/{link.code}").status_code == 404
    assert "Ikke i bruk" in admin_client.get("/admin/forms").get_data(as_text=True)
    admin_post(f"/admin/forms/{link.form_id}/retire")
    assert admin_client.get(f"/s/{link.code}").status_code == 200
    logged = actions(session)
    assert "form_retired" in logged and "form_restored" in logged
    assert session.scalar(select(func.count()).select_from(ShortLink)) == 1
