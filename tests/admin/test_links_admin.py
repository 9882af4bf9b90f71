"""Short links on the staff pages: list, create, retire and restore, and poster and QR downloads."""
from __future__ import annotations

import io
import subprocess

import pytest
from PIL import Image
from sqlalchemy import select

from kiosk.models import AuditEvent, LocationKind, Role, ShortLink
from kiosk.operations import create_location
from tests.conftest import NOW


def fresh(session, code: str) -> ShortLink:
    session.rollback()  # a new snapshot, and no stale rows: see what the requests committed
    session.expire_all()
    return session.get(ShortLink, code)


def actions(session) -> list[str]:
    session.rollback()
    session.expire_all()
    return session.scalars(select(AuditEvent.action)).all()


def test_links_need_an_admin(app, make_staff, staff_login, link):
    client = app.test_client()
    staff_login(client, make_staff(Role.MODERATOR))
    assert client.get("/admin/links").status_code == 403
    assert client.get(f"/admin/links/{link.code}/poster.pdf").status_code == 403
    assert client.get(f"/admin/links/{link.code}/qr.png").status_code == 403


def test_the_list_shows_links_by_location_with_full_address_and_status(admin_client, link):
    html = admin_client.get("/admin/links").get_data(as_text=True)
    assert "Fyrlykta dagsenter" in html and "Testskjema" in html
    assert f"http://127.0.0.1:5000/s/{link.code}" in html
    assert "Virker" in html


def test_a_link_is_made_for_a_published_form_at_a_location(admin_client, admin_post, session, link):
    place = create_location(session, "Aktivitetshuset", LocationKind.ACTIVITY_HOUSE, now=NOW)
    session.commit()
    response = admin_post("/admin/links", {"form": link.form_id, "location": place.id})
    assert response.status_code == 302
    code = response.headers["Location"].rsplit("/", 1)[1]
    assert code != link.code and fresh(session, code).location_id == place.id
    assert admin_client.get(f"/s/{code}").status_code == 200
    again = admin_post("/admin/links", {"form": link.form_id, "location": place.id})
    assert again.headers["Location"].endswith(f"/admin/links/{code}")  # one link per pair, so old posters keep working
    assert actions(session).count("link_created") == 2


def test_a_link_needs_a_published_form(admin_post, session, link):
    draft = admin_post("/admin/forms/new", {"name": "Uferdig"}).headers["Location"].rsplit("/", 1)[1]
    response = admin_post("/admin/links", {"form": draft, "location": link.location_id}, follow_redirects=True)
    assert "Velg et publisert skjema og et sted" in response.get_data(as_text=True)
    session.rollback()
    session.expire_all()
    assert len(session.scalars(select(ShortLink)).all()) == 1


def test_retire_and_restore(admin_client, admin_post, session, link):
    assert admin_post(f"/admin/links/{link.code}/retire").status_code == 302
    assert fresh(session, link.code).retired_at is not None
    assert admin_client.get(f"/s/{link.code}").status_code == 404
    assert "Tatt ut av bruk" in admin_client.get("/admin/links").get_data(as_text=True)
    restored = admin_post(f"/admin/links/{link.code}/retire?back=detail")
    assert restored.headers["Location"].endswith(f"/admin/links/{link.code}")
    assert fresh(session, link.code).retired_at is None
    assert admin_client.get(f"/s/{link.code}").status_code == 200
    logged = actions(session)
    assert "link_retired" in logged and "link_restored" in logged


def test_the_detail_page_offers_every_poster(admin_client, link):
    html = admin_client.get(f"/admin/links/{link.code}").get_data(as_text=True)
    for size in ("A4", "A3"):
        for lang in ("nb", "nn", "en"):
            assert f"/admin/links/{link.code}/poster.pdf?size={size}&amp;lang={lang}" in html
    assert f"/admin/links/{link.code}/qr.svg" in html and f"/admin/links/{link.code}/qr.png" in html
    assert "<svg" in html and " style=" not in html


@pytest.mark.parametrize("size", ["A4", "A3"])
@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_poster_pdf_downloads(admin_client, link, size, lang):
    response = admin_client.get(f"/admin/links/{link.code}/poster.pdf?size={size}&lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == f'attachment; filename="siifra-{link.code}-{size.lower()}-{lang}.pdf"'


@pytest.mark.parametrize("query", ["size=A5&lang=nb", "size=A4&lang=de"])
def test_poster_refuses_unknown_sizes_and_languages(admin_client, link, query):
    assert admin_client.get(f"/admin/links/{link.code}/poster.pdf?{query}").status_code == 404


def test_qr_code_alone_as_svg_and_png(admin_client, link):
    svg = admin_client.get(f"/admin/links/{link.code}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert svg.headers["Content-Disposition"] == f'attachment; filename="siifra-{link.code}-qr.svg"'
    png = admin_client.get(f"/admin/links/{link.code}/qr.png")
    assert png.mimetype == "image/png"
    assert png.headers["Content-Disposition"] == f'attachment; filename="siifra-{link.code}-qr.png"'
    with Image.open(io.BytesIO(png.data)) as image:
        assert image.width >= 2000


def test_unknown_codes_are_not_found(admin_client):
    assert admin_client.get("/admin/links/ZZZZZZ").status_code == 404
    assert admin_client.get("/admin/links/ZZZZZZ/qr.svg").status_code == 404


@pytest.mark.parametrize(("drafts", "says"), [("one smiley", "det går fort"), ("every kind", "det tar et par minutter")])
def test_poster_says_how_long_the_form_really_takes(admin_client, make_link, drafts, says, tmp_path):
    from kiosk.models import QuestionKind
    from kiosk.operations import QuestionDraft

    one = [QuestionDraft(QuestionKind.SMILEY, {"nb": "Hvordan var dagen?"})]
    link = make_link(one if drafts == "one smiley" else None)
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(admin_client.get(f"/admin/links/{link.code}/poster.pdf?size=A4&lang=nb").data)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert says in text
    assert ("ett minutt" in text) is False
