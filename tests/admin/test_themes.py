"""Themes for grouping free text in digests: made, changed and removed by admins; a mistake keeps what was typed."""
from __future__ import annotations

from sqlalchemy import select

from kiosk.models import AuditEvent, Theme


def test_an_admin_adds_changes_and_removes_a_theme(session, admin_post):
    response = admin_post("/admin/themes", {"name_nb": "Mat", "name_en": "Food", "words_nb": "Mat*, lunsj*\nfrukt"})
    assert response.status_code == 302
    session.rollback()
    theme = session.scalars(select(Theme)).one()
    assert theme.name == {"nb": "Mat", "en": "Food"} and theme.keywords == {"nb": ["mat*", "lunsj*", "frukt"]}
    assert admin_post(f"/admin/themes/{theme.id}", {"name_nb": "Mat og drikke", "words_nb": "mat*"}).status_code == 302
    session.rollback()
    assert session.get(Theme, theme.id).name == {"nb": "Mat og drikke"}
    assert admin_post(f"/admin/themes/{theme.id}/remove").status_code == 302
    session.rollback()
    assert session.scalars(select(Theme)).all() == []
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("theme%"))).all()
    assert actions == ["theme_saved", "theme_saved", "theme_removed"]


def test_a_theme_without_keywords_is_shown_again_as_typed(session, admin_post):
    response = admin_post("/admin/themes", {"name_nb": "Aktiviteter", "name_nn": "Aktivitetar", "words_nb": " , "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv et navn på bokmål og minst ett nøkkelord." in page
    assert 'value="Aktivitetar"' in page
    session.rollback()
    assert session.scalars(select(Theme)).all() == []
