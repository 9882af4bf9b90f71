"""Staff security: the role x route matrix (logout included), sessions that really end, no account
enumeration, two-factor enforcement for every role, invitations, cookies and CSRF.

Sign-in throttling is in test_login_throttle.py, limits on wrong codes in test_two_factor_limits.py."""
from __future__ import annotations

import statistics
import time
from datetime import date, datetime, timedelta, timezone

import pyotp
import pytest
from flask import Flask
from sqlalchemy import delete, func, select

from admin.accounts import invite, set_active
from kiosk.devices import create_device
from kiosk.ledger import EntryValues, add_entry
from kiosk.models import (
    Council,
    Digest,
    LedgerEntry,
    LocalWord,
    Location,
    LoginThrottle,
    Role,
    StaffSession,
    Submission,
    Theme,
)
from tests.admin.staffing import PASSWORD, csrf_from, sign_in, staff_cookie, user_row

A, M, C = Role.ADMIN, Role.MODERATOR, Role.COUNCIL
PUBLIC = "public"
ANY_STAFF = {A, M, C}
MODERATORS = {A, M}

# Who may open each admin page. A new admin route fails test_every_admin_route_is_in_the_matrix until it
# is added here on purpose.
EXPECTED: dict[str, set | str] = {
    "admin.login": PUBLIC,
    "admin.login_post": PUBLIC,
    "admin.invitation": PUBLIC,
    "admin.two_factor": "partial",
    "admin.two_factor_setup": "partial",
    "admin.logout": "partial",
    "admin.home": ANY_STAFF,
    "admin.account": ANY_STAFF,
    "admin.new_codes": ANY_STAFF,
    "admin.councils": ANY_STAFF,
    "admin.council": ANY_STAFF,
    "admin.create_council": {A},
    "admin.update_council": {A},
    "admin.users": {A},
    "admin.invite_user": {A},
    "admin.toggle_user": {A},
    "admin.user_role": {A},
    "admin.audit": {A},
    "admin.locations": {A},
    "admin.new_location": {A},
    "admin.edit_location": {A},
    "admin.retire_location": {A},
    "admin.forms": {A},
    "admin.form_new": {A},
    "admin.form_detail": {A},
    "admin.form_texts": {A},
    "admin.form_new_version": {A},
    "admin.form_question_new": {A},
    "admin.form_question_edit": {A},
    "admin.form_question_move": {A},
    "admin.form_question_remove": {A},
    "admin.form_publish": {A},
    "admin.form_retire": {A},
    "admin.form_preview": {A},
    "admin.form_preview_sent": {A},
    "admin.devices": {A},
    "admin.device_new": {A},
    "admin.device_detail": {A},
    "admin.device_pairing": {A},
    "admin.device_rename": {A},
    "admin.device_move": {A},
    "admin.device_code": {A},
    "admin.device_revoke": {A},
    "admin.links": {A},
    "admin.link_new": {A},
    "admin.link_detail": {A},
    "admin.link_retire": {A},
    "admin.link_poster": {A},
    "admin.link_ledger_poster": {A},
    "admin.link_qr_svg": {A},
    "admin.link_qr_png": {A},
    "admin.moderation_queue": MODERATORS,
    "admin.moderation_bulk": MODERATORS,
    "admin.moderation_item": MODERATORS,
    "admin.moderation_release": MODERATORS,
    "admin.moderation_hide": MODERATORS,
    "admin.moderation_redact": MODERATORS,
    "admin.moderation_reveal": MODERATORS,
    "admin.moderation_undo": MODERATORS,
    "admin.moderation_quote": MODERATORS,
    "admin.moderation_released": MODERATORS,
    "admin.local_word_locations": MODERATORS,
    "admin.local_words_page": MODERATORS,
    "admin.local_word_remove": MODERATORS,
    "admin.retention": {A},
    "admin.digests": ANY_STAFF,
    "admin.digest": ANY_STAFF,
    "admin.digest_pdf": ANY_STAFF,
    "admin.digest_csv_view": ANY_STAFF,
    "admin.digest_xlsx_view": ANY_STAFF,
    "admin.digest_json_view": ANY_STAFF,
    "admin.digest_send_again": {A},
    "admin.digest_build": {A},
    "admin.digest_email": ANY_STAFF,
    "admin.themes": {A},
    "admin.theme_new": {A},
    "admin.theme_edit": {A},
    "admin.theme_remove": {A},
    "admin.trends_page": MODERATORS,
    "admin.ledger_list": ANY_STAFF,
    "admin.ledger_new": {A, C},
    "admin.ledger_create": {A, C},
    "admin.ledger_entry": ANY_STAFF,
    "admin.ledger_update": {A, C},
    "admin.ledger_remove": {A, C},
    "admin.notes_page": ANY_STAFF,
    "admin.notes_save": MODERATORS,
    "admin.interview": ANY_STAFF,
    "admin.interview_save": ANY_STAFF,
}


def admin_rules(app: Flask):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.") and r.endpoint != "admin.static"]


def test_every_admin_route_is_in_the_matrix(app):
    assert {r.endpoint for r in admin_rules(app)} == set(EXPECTED)


@pytest.fixture
def world(app, session, link, make_staff, make_text, make_submission):
    """Objects for every URL parameter an admin route can take."""
    location = session.get(Location, link.location_id)
    item = make_text(link, "Kari Nordmann var snill")
    word = LocalWord(location_id=location.id, word="Fyrlykta")
    theme = Theme(name={"nb": "Mat"}, keywords={"nb": ["mat*"]}, position=1)
    session.add_all([word, theme])
    device, _ = create_device(session, location, "Gangen", now=datetime.now(timezone.utc), minutes=15)
    council = Council(name="Brukerrådet sentrum", created_at=datetime(2026, 1, 1), locations=[location])
    session.add(council)
    session.commit()
    staff = {role: make_staff(role, council=council if role is C else None) for role in (A, M, C)}
    digest = made_digest(app, session, link, council, make_submission)
    entry = add_entry(session, EntryValues(heard={"nb": "Mer frukt"}, location_ids=[location.id], council_id=council.id),
                      today=date(2026, 11, 24))
    session.commit()
    values = {
        "location_id": location.id,
        "council_id": council.id,
        "device_id": device.id,
        "form_id": link.form_id,
        "code": link.code,
        "token": "not-a-real-invitation-token",
        "user_id": staff[M].id,
        "question_id": link.form.published.questions[0].id,
        "number": 1,
        "lang": "nn",
        "direction": "up",
        "item_id": str(item),
        "index": 0,
        "word_id": word.id,
        "theme_id": theme.id,
        "digest_id": digest.id,
        "delivery_id": digest.deliveries[0].id,
        "entry_id": entry.id,
    }
    # End the read this fixture began: a test that writes later must not start from a stale snapshot.
    session.commit()
    return {"staff": staff, "values": values, "council": council}


def made_digest(app, session, link, council, make_submission) -> Digest:
    """Return a digest of council for a week with enough answers, with an e-mail queued to its member."""
    from kiosk.digests.build import build
    from kiosk.digests.periods import parse_period
    from kiosk.extensions import db

    smiley = str(link.form.published.questions[0].id)
    for n in range(6):
        make_submission(link, {smiley: 4}, now=datetime(2026, 11, 11, 12, tzinfo=timezone.utc))
    with app.app_context():
        result = build(db.session, db.session.get_one(Council, council.id), parse_period("2026-W46"),
                       now=datetime(2026, 11, 23, 9, tzinfo=timezone.utc))
        db.session.commit()
        digest_id = result.digest.id
    session.expire_all()
    return session.get(Digest, digest_id)


def routes(app: Flask, values: dict) -> list[tuple[str, str, str]]:
    out = []
    for rule in admin_rules(app):
        missing = set(rule.arguments) - set(values)
        assert not missing, f"add a value for {missing} used by {rule.rule}"
        url = rule.build({k: values[k] for k in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return out


def _request(client, method: str, url: str, token: str | None):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token} if token else {})


def _token(client) -> str:
    return csrf_from(client.get("/admin/login").get_data(as_text=True))


def test_anonymous_reaches_only_public_pages(app, world):
    client = app.test_client()
    token = _token(client)
    for endpoint, method, url in routes(app, world["values"]):
        response = _request(client, method, url, token)
        if EXPECTED[endpoint] == PUBLIC:
            assert response.status_code in (200, 302, 400, 401, 404), (endpoint, method, response.status_code)
            continue
        assert response.status_code == 302, (endpoint, method)
        assert "/admin/login" in response.headers["Location"], (endpoint, method)


def allowed(endpoint: str) -> set:
    """Return the roles that may open a signed-in page; "partial" pages (second factor, logout) are everyone's."""
    return ANY_STAFF if EXPECTED[endpoint] == "partial" else EXPECTED[endpoint]


@pytest.mark.parametrize("role", [A, M, C])
def test_each_role_reaches_exactly_its_pages_and_can_sign_out(app, world, role):
    client = app.test_client()
    assert sign_in(client, world["staff"][role]).status_code == 302
    token = csrf_from(client.get("/admin/account").get_data(as_text=True))
    for endpoint, method, url in routes(app, world["values"]):
        if endpoint in ("admin.logout", "admin.login_post") or EXPECTED[endpoint] == PUBLIC:
            continue
        if method == "POST" and role in allowed(endpoint):
            continue  # what an allowed change does is tested with each feature
        response = _request(client, method, url, token)
        if role in allowed(endpoint):
            assert response.status_code in (200, 302, 404), (role, endpoint, method, response.status_code)
            if response.status_code == 302:
                assert "/admin/login" not in response.headers["Location"], (role, endpoint)
        else:
            assert response.status_code == 403, (role, endpoint, method, response.status_code)
    assert client.get("/admin/").status_code == 200  # still signed in: nothing above ended the session
    # Signing out works for every role, and ends the session on the server: the old cookie, sent
    # again, opens no page that needs a signed-in user.
    old_cookie = staff_cookie(client)
    response = client.post("/admin/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login"), (role, response.status_code)
    assert staff_cookie(client) is None
    client.set_cookie("siifra_admin", old_cookie)
    token = _token(client)
    for endpoint, method, url in routes(app, world["values"]):
        if EXPECTED[endpoint] == PUBLIC:
            continue
        response = _request(client, method, url, token)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"], (role, endpoint, method)


def test_disabled_account_is_refused_everywhere_at_once(app, session, world):
    staff = world["staff"][A]
    client = app.test_client()
    sign_in(client, staff)
    assert client.get("/admin/users").status_code == 200
    set_active(session, user_row(session, staff), False, now=datetime.now(timezone.utc))
    session.commit()
    token = _token(client)
    for endpoint, method, url in routes(app, world["values"]):
        if EXPECTED[endpoint] in (PUBLIC, "partial"):
            continue
        response = _request(client, method, url, token)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"], (endpoint, method)
    # and signing in again fails like a wrong password
    assert sign_in(app.test_client(), staff).status_code == 401


def test_council_member_sees_only_their_own_council(app, session, world):
    other = Council(name="Brukerrådet nord", created_at=datetime(2026, 1, 1))
    session.add(other)
    session.commit()
    client = app.test_client()
    sign_in(client, world["staff"][C])
    own = world["council"].id
    assert client.get(f"/admin/councils/{own}").status_code == 200
    assert client.get(f"/admin/councils/{other.id}").status_code == 404
    assert client.get("/admin/councils").headers["Location"].endswith(f"/admin/councils/{own}")


def test_cookie_replayed_after_logout_is_refused(app, session, make_staff):
    staff = make_staff(A)
    client = app.test_client()
    sign_in(client, staff)
    stolen = staff_cookie(client)
    assert stolen
    token = csrf_from(client.get("/admin/account").get_data(as_text=True))
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("siifra_admin", stolen)
    response = thief.get("/admin/users")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_session_id_changes_at_sign_in(app, session, make_staff):
    staff = make_staff(A)
    client = app.test_client()
    token = _token(client)
    client.post("/admin/login", data={"csrf_token": token, "email": staff.email, "password": PASSWORD})
    after_password = staff_cookie(client)
    client.post("/admin/login/code", data={"csrf_token": token, "code": staff.next_code()})
    after_code = staff_cookie(client)
    assert after_password and after_code and after_password != after_code
    planted = app.test_client()
    planted.set_cookie("siifra_admin", "planted-by-an-attacker")
    sign_in(planted, make_staff(C))
    assert staff_cookie(planted) != "planted-by-an-attacker"


def test_idle_timeout_and_absolute_lifetime(app, session, make_staff):
    staff = make_staff(A)
    client = app.test_client()
    sign_in(client, staff)
    record = session.scalars(select(StaffSession).where(StaffSession.ended_at.is_(None), StaffSession.two_factor_done)).one()
    record.last_seen_at -= timedelta(minutes=31)
    session.commit()
    assert client.get("/admin/").status_code == 302
    sign_in(client, staff)
    record = session.scalars(select(StaffSession).where(StaffSession.ended_at.is_(None), StaffSession.two_factor_done)).one()
    record.created_at -= timedelta(hours=8, minutes=1)
    session.commit()
    assert client.get("/admin/").status_code == 302


def test_cookie_flags_over_http_and_https(app, session, make_staff):
    staff = make_staff(C)
    client = app.test_client()
    sign_in(client, staff)
    cookie = client.get_cookie("siifra_admin")
    assert cookie.http_only and cookie.same_site == "Strict" and not cookie.secure
    secure = app.test_client()
    token = csrf_from(secure.get("/admin/login", base_url="https://localhost").get_data(as_text=True))
    response = secure.post(
        "/admin/login",
        data={"csrf_token": token, "email": staff.email, "password": PASSWORD},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/admin/login"},
    )
    header = response.headers["Set-Cookie"]
    assert header.startswith("__Host-siifra_admin=")
    assert "Secure" in header and "HttpOnly" in header and "Path=/" in header and "Domain" not in header


def test_two_factor_is_required_for_every_role(app, session, make_staff):
    for role in (A, M, C):  # council members read free text too
        staff = make_staff(role, two_factor=False)
        client = app.test_client()
        response = sign_in(client, staff)
        assert response.headers["Location"].endswith("/admin/two-factor/setup")
        for path in ("/admin/", "/admin/account", "/admin/councils"):
            assert client.get(path).headers["Location"].endswith("/admin/two-factor/setup")
        page = client.get("/admin/two-factor/setup").get_data(as_text=True)
        secret = page.split('<code class="secret">')[1].split("</code>")[0]
        token = csrf_from(page)
        assert client.post("/admin/two-factor/setup", data={"csrf_token": token, "code": "000000"}).status_code == 200
        assert client.get("/admin/").status_code == 302
        response = client.post("/admin/two-factor/setup", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
        assert "Gjenopprettingskoder" in response.get_data(as_text=True)
        assert client.get("/admin/").status_code == 200


def test_wrong_or_reused_code_is_refused_and_recovery_codes_work_once(app, session, make_staff):
    staff = make_staff(A)
    client = app.test_client()
    token = _token(client)
    client.post("/admin/login", data={"csrf_token": token, "email": staff.email, "password": PASSWORD})
    assert client.post("/admin/login/code", data={"csrf_token": token, "code": "123456"}).status_code == 200
    assert client.get("/admin/").status_code == 302
    code = staff.next_code()
    assert client.post("/admin/login/code", data={"csrf_token": token, "code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
    # the same code again, in another browser, within its 30 seconds: refused
    other = app.test_client()
    other.post("/admin/login", data={"csrf_token": _token(other), "email": staff.email, "password": PASSWORD})
    assert other.post("/admin/login/code", data={"csrf_token": _token(other), "code": code}).status_code == 200
    # a recovery code works, once
    account = client.get("/admin/account").get_data(as_text=True)
    codes_page = client.post("/admin/two-factor/recovery-codes", data={"csrf_token": csrf_from(account)}).get_data(as_text=True)
    recovery = codes_page.split("<li><code>")[1].split("</code>")[0]
    for expected in (302, 200):
        fresh = app.test_client()
        t = _token(fresh)
        fresh.post("/admin/login", data={"csrf_token": t, "email": staff.email, "password": PASSWORD})
        assert fresh.post("/admin/login/code", data={"csrf_token": t, "code": recovery}).status_code == expected


def _login_attempt(app, email: str, password: str):
    client = app.test_client()
    token = _token(client)
    started = time.perf_counter()
    response = client.post("/admin/login", data={"csrf_token": token, "email": email, "password": password})
    return response, time.perf_counter() - started


def test_unknown_address_looks_like_a_wrong_password(app, session, make_staff):
    staff = make_staff(C)
    known, unknown = [], []
    for i in range(8):
        session.execute(delete(LoginThrottle))  # throttling is tested in test_login_throttle.py
        session.commit()
        response_known, t_known = _login_attempt(app, staff.email if i < 4 else staff.email.upper(), f"wrong password {i}xx")
        response_unknown, t_unknown = _login_attempt(app, f"nobody{i % 2}@example.no", f"wrong password {i}xx")
        assert response_known.status_code == response_unknown.status_code == 401
        strip = lambda html: html.replace(staff.email, "X").replace(staff.email.upper(), "X").replace(f"nobody{i % 2}@example.no", "X")
        assert strip(response_known.get_data(as_text=True)).split("csrf_token")[0] == strip(response_unknown.get_data(as_text=True)).split("csrf_token")[0]
        known.append(t_known)
        unknown.append(t_unknown)
    # both sides run one argon2 verification: the medians differ by far less than a hash takes
    assert abs(statistics.median(known) - statistics.median(unknown)) < 0.5 * statistics.median(known)


def test_invitation_is_single_use_and_expires(app, session, make_staff):
    admin_staff = make_staff(A)
    now = datetime.now(timezone.utc)
    council = Council(name="Rådet", created_at=now.replace(tzinfo=None))
    session.add(council)
    session.flush()
    admin_user = user_row(session, admin_staff)
    _, token = invite(session, email="ny@example.no", name="Ny Person", role=C, council=council, invited_by=admin_user, now=now, hours=72)
    _, old_token = invite(session, email="gammel@example.no", name="Gammel", role=C, council=council, invited_by=admin_user, now=now - timedelta(hours=73), hours=72)
    session.commit()
    client = app.test_client()
    page = client.get(f"/admin/invitation/{token}")
    assert page.status_code == 200
    form = {"csrf_token": csrf_from(page.get_data(as_text=True)), "password": "kort", "repeat": "kort"}
    assert "minst 12 tegn" in client.post(f"/admin/invitation/{token}", data=form).get_data(as_text=True)
    form.update(password="password1234", repeat="password1234")
    assert "vanligste" in client.post(f"/admin/invitation/{token}", data=form).get_data(as_text=True)
    form.update(password="fire tilfeldige ord på rad", repeat="fire tilfeldige ord på rad")
    assert client.post(f"/admin/invitation/{token}", data=form).status_code == 302
    assert client.get(f"/admin/invitation/{token}").status_code == 404
    assert client.post(f"/admin/invitation/{token}", data=form).status_code == 404
    assert client.get(f"/admin/invitation/{old_token}").status_code == 404


def test_invitation_is_emailed_through_smtp(app, session, smtp_server, make_staff):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    staff = make_staff(A)
    client = app.test_client()
    sign_in(client, staff)
    page = client.get("/admin/users").get_data(as_text=True)
    response = client.post(
        "/admin/users/invite",
        data={"csrf_token": csrf_from(page), "name": "Kari", "email": "kari@example.no", "role": "moderator", "council": "0"},
    )
    assert response.status_code == 200
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "kari@example.no"
    link = next(line for line in message.get_content().splitlines() if "/admin/invitation/" in line).strip()
    assert client.get(link.replace("http://localhost", "")).status_code == 200


# Forms with long typed text check their own token, so that a stale page comes back with what was typed.
SELF_CHECKED = {"admin.ledger_create", "admin.ledger_update", "admin.notes_save", "admin.interview_save"}


def test_every_post_needs_a_csrf_token(app, session, world):
    client = app.test_client()
    sign_in(client, world["staff"][A])
    before = {model: session.scalar(select(func.count()).select_from(model)) for model in (LedgerEntry, Submission)}
    for endpoint, method, url in routes(app, world["values"]):
        if method != "POST":
            continue
        response = client.post(url, data={"text": "Mer frukt", "heard_nb": "Mer frukt"})
        if endpoint in SELF_CHECKED:
            assert response.status_code in (400, 422), (endpoint, response.status_code)
            assert "Mer frukt</textarea>" in response.get_data(as_text=True) or endpoint == "admin.interview_save"
            continue
        assert response.status_code == 400, (endpoint, response.status_code)
        assert "Siden var utløpt" in response.get_data(as_text=True)
    session.rollback()
    assert before == {model: session.scalar(select(func.count()).select_from(model)) for model in (LedgerEntry, Submission)}


def test_audit_log_records_staff_actions(app, session, make_staff):
    staff = make_staff(A)
    client = app.test_client()
    sign_in(client, staff)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Logget inn" in page and "Test admin" in page
