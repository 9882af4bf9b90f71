"""The digest's staff page and downloads: the right content for those who may read it, 404 for other councils."""
from __future__ import annotations

import io
import json

import openpyxl
import pytest

from kiosk.models import Role
from tests.kiosk.digest_data import COUNCIL, fill_week

DOWNLOADS = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@pytest.fixture
def week(app, session, client, make_link, make_submission):
    return fill_week(app, session, client, make_link, make_submission)


def test_admin_reads_the_digest_page_under_the_strict_csp(admin_client, week):
    response = admin_client.get(f"/admin/digests/{week.digest_id}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert COUNCIL in html and "Dette sa dere" in html and "Slik beskytter vi deg" in html
    assert "/static/digest.css" in html and "style=" not in html
    assert "style-src" not in response.headers["Content-Security-Policy"]  # default-src 'self': no inline style
    for kind in DOWNLOADS:
        assert f"/admin/digests/{week.digest_id}/{kind}" in html


@pytest.mark.parametrize("kind", DOWNLOADS)
def test_admin_downloads_each_format(admin_client, week, kind):
    response = admin_client.get(f"/admin/digests/{week.digest_id}/{kind}")
    assert response.status_code == 200 and response.headers["Content-Type"] == DOWNLOADS[kind]
    assert response.headers["Content-Disposition"] == f'attachment; filename="siifra-brukerradet-saeter-og-oyer-2026-W46.{kind}"'
    data = response.get_data()
    if kind == "pdf":
        assert data.startswith(b"%PDF-")
    elif kind == "csv":
        assert data.startswith(b"\xef\xbb\xbf") and "Svar per sted" in data.decode("utf-8-sig")
    elif kind == "xlsx":
        assert "Svar per sted" in openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    else:
        assert json.loads(data)["council"] == COUNCIL


def test_a_member_reads_their_own_councils_digest_and_not_anothers(app, week, make_staff, staff_login, session):
    from kiosk.models import Council

    own = app.test_client()
    staff_login(own, make_staff(Role.COUNCIL, council=session.get(Council, week.council_id)))
    assert own.get(f"/admin/digests/{week.digest_id}").status_code == 200
    assert own.get(f"/admin/digests/{week.digest_id}/pdf").status_code == 200
    other = app.test_client()
    staff_login(other, make_staff(Role.COUNCIL))  # a member of a council of their own
    for suffix in ("", "/pdf", "/csv", "/xlsx", "/json"):
        assert other.get(f"/admin/digests/{week.digest_id}{suffix}").status_code == 404, suffix
    assert COUNCIL not in other.get("/admin/digests").get_data(as_text=True)
