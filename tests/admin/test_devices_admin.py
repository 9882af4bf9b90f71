"""Tablets on the staff pages: add with a pairing code and QR, rename, move, new code, revoke, last seen."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from kiosk.devices import PairingFailed, pair
from kiosk.models import AuditEvent, Device, LocationKind, Role
from kiosk.operations import create_location
from tests.conftest import NOW


@pytest.fixture
def places(session) -> tuple[int, int]:
    """Return the ids of two locations."""
    first = create_location(session, "Fyrlykta dagsenter", LocationKind.DAY_CENTRE, now=NOW)
    second = create_location(session, "Aktivitetshuset", LocationKind.ACTIVITY_HOUSE, now=NOW)
    session.commit()
    return first.id, second.id


def now() -> datetime:
    """Return the real time: the pages issue codes that expire in real minutes."""
    return datetime.now(timezone.utc)


def pairs(session, code: str, *, later: timedelta = timedelta()) -> bool:
    """Return whether code pairs a tablet now (or later), through the kiosk's own pairing."""
    session.rollback()  # a new snapshot, and no stale rows: see what the requests committed
    session.expire_all()
    try:
        pair(session, code, now=now() + later)
    except PairingFailed:
        session.rollback()
        session.expire_all()
        return False
    session.commit()
    return True


def shown_code(html: str) -> str:
    """Return the pairing code shown big on the page."""
    return re.search(r'class="code-huge"[^>]*>([A-Z0-9-]+)<', html).group(1)


def device(session, device_id: int) -> Device:
    session.rollback()  # a new snapshot, and no stale rows: see what the requests committed
    session.expire_all()
    return session.get(Device, device_id)


@pytest.fixture
def added(admin_post, places) -> tuple[int, str]:
    """Add a tablet through the page; return its id and the pairing code shown."""
    response = admin_post("/admin/devices/new", {"location": places[0], "name": "Ved inngangen"})
    assert response.status_code == 302  # post, then redirect: reloading the code page resends nothing
    device_id = int(re.search(r"/admin/devices/(\d+)/pairing$", response.headers["Location"]).group(1))
    return device_id, shown_code(admin_post.client.get(response.headers["Location"]).get_data(as_text=True))


def test_devices_need_an_admin(app, make_staff, staff_login):
    client = app.test_client()
    staff_login(client, make_staff(Role.MODERATOR))
    assert client.get("/admin/devices").status_code == 403
    assert client.get("/admin/devices/new").status_code == 403


def test_adding_shows_the_code_big_with_a_qr_code_and_instructions(admin_post, places):
    response = admin_post("/admin/devices/new", {"location": places[0], "name": "Ved inngangen"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", shown_code(html))
    assert "<svg" in html and "<path" in html
    assert "15 minutter" in html
    assert "http://127.0.0.1:5000/kiosk/pair" in html
    assert " style=" not in html  # the CSP allows no inline style
    assert re.findall(r"<script[^>]*>", html) == ['<script type="module" src="/admin/static/admin.js">']  # nor inline scripts


def test_the_code_shown_pairs_the_tablet(session, added):
    device_id, code = added
    assert device(session, device_id).status == "waiting"
    assert pairs(session, code)
    assert device(session, device_id).status == "paired"


def test_the_list_shows_name_place_status_and_last_day_seen(admin_client, session, added):
    device_id, _code = added
    assert "Venter på tilkobling" in admin_client.get("/admin/devices").get_data(as_text=True)
    tablet = device(session, device_id)
    tablet.token_hash, tablet.pairing_code_hash, tablet.last_seen_on = "x" * 64, None, date(2026, 11, 17)
    session.commit()
    html = admin_client.get("/admin/devices").get_data(as_text=True)
    assert "Ved inngangen" in html and "Fyrlykta dagsenter" in html
    assert "Koblet til" in html and "17.11.2026" in html


def test_rename_move_new_code_and_revoke_are_done_and_logged(admin_client, admin_post, session, places, added):
    device_id, first_code = added
    assert admin_post(f"/admin/devices/{device_id}/rename", {"name": "På kjøkkenet"}).status_code == 302
    assert device(session, device_id).name == "På kjøkkenet"
    assert admin_post(f"/admin/devices/{device_id}/move", {"location": places[1]}).status_code == 302
    assert device(session, device_id).location_id == places[1]
    renewed = admin_post(f"/admin/devices/{device_id}/code", follow_redirects=True)
    new_code = shown_code(renewed.get_data(as_text=True))
    assert new_code != first_code
    assert not pairs(session, first_code)
    assert admin_post(f"/admin/devices/{device_id}/revoke").status_code == 302
    assert device(session, device_id).status == "revoked"
    assert not pairs(session, new_code)
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events if e.action.startswith("device")] == [
        "device_added", "device_renamed", "device_moved", "device_code_issued", "device_revoked",
    ]
    moved = next(e for e in events if e.action == "device_moved")
    assert moved.details == {"device": device_id, "old_location": "Fyrlykta dagsenter", "location": "Aktivitetshuset"}
    assert all(first_code not in str(e.details) and new_code not in str(e.details) for e in events)
    audit = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Koblet fra nettbrett" in audit and "På kjøkkenet" in audit


def test_a_revoked_tablet_can_be_paired_again_with_a_new_code(admin_post, session, added):
    device_id, _code = added
    admin_post(f"/admin/devices/{device_id}/revoke")
    code = shown_code(admin_post(f"/admin/devices/{device_id}/code", follow_redirects=True).get_data(as_text=True))
    assert device(session, device_id).status == "waiting"
    assert pairs(session, code)
    assert device(session, device_id).status == "paired"


def test_an_expired_code_does_not_pair(session, added):
    _device_id, code = added
    assert not pairs(session, code, later=timedelta(minutes=16))


def test_bad_input_changes_nothing(admin_client, admin_post, session, places, added):
    device_id, _code = added
    response = admin_post(f"/admin/devices/{device_id}/rename", {"name": " "}, follow_redirects=True)
    assert "Skriv et navn på nettbrettet" in response.get_data(as_text=True)
    assert admin_post(f"/admin/devices/{device_id}/move", {"location": 999}).status_code == 302
    assert device(session, device_id).location_id == places[0] and device(session, device_id).name == "Ved inngangen"
    assert admin_post("/admin/devices/new", {"location": places[0], "name": ""}).status_code == 200
    assert len(session.scalars(select(Device)).all()) == 1
    assert admin_client.get("/admin/devices/999").status_code == 404


def test_the_code_is_shown_once(admin_client, added):
    device_id, _code = added
    again = admin_client.get(f"/admin/devices/{device_id}/pairing")
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/admin/devices/{device_id}")
