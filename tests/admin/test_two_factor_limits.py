"""Wrong TOTP codes are limited: a few per partial session, then the password again; and per account,
waits that grow after a few wrong codes in a row, whichever session typed them. Both are audited."""
from __future__ import annotations

import re
import threading
from urllib.parse import urlsplit
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from admin.twofactor import TRIES_PER_SESSION, code_wait_after
from kiosk.models import AuditEvent, Role
from tests.admin.staffing import PASSWORD, csrf_from, sign_in, staff_cookie, user_row

A, C = Role.ADMIN, Role.COUNCIL


def password_only(client, staff) -> str:
    """Give the right password; return the CSRF token of the code page that follows."""
    token = csrf_from(client.get("/admin/login").get_data(as_text=True))
    response = client.post("/admin/login", data={"csrf_token": token, "email": staff.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/admin/login/code")
    return csrf_from(client.get("/admin/login/code").get_data(as_text=True))


def code(client, token: str, value: str):
    return client.post("/admin/login/code", data={"csrf_token": token, "code": value})


def test_a_few_wrong_codes_end_the_partial_session(app, session, make_staff):
    staff = make_staff(C)
    client = app.test_client()
    token = password_only(client, staff)
    partial_cookie = staff_cookie(client)
    statuses = [code(client, token, f"{100000 + i}").status_code for i in range(TRIES_PER_SESSION)]
    assert statuses == [200] * (TRIES_PER_SESSION - 1) + [302]
    # The password must be given again: the session is over, for this cookie and any copy of it.
    assert urlsplit(client.get("/admin/login/code").headers["Location"]).path == "/admin/login"
    assert "For mange feil koder" in client.get("/admin/login").get_data(as_text=True)
    thief = app.test_client()
    thief.set_cookie("siifra_admin", partial_cookie)
    response = code(thief, csrf_from(thief.get("/admin/login").get_data(as_text=True)), staff.next_code())
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/admin/login"
    assert urlsplit(thief.get("/admin/").headers["Location"]).path == "/admin/login"
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "two_factor_too_many_codes")).all()
    assert [event.actor_id for event in events] == [staff.id]


def test_wrong_codes_make_the_account_wait_in_every_session(app, session, make_staff):
    assert [code_wait_after(n).total_seconds() for n in range(1, 7)] == [0, 0, 15, 30, 60, 120]
    assert code_wait_after(30) == timedelta(hours=1)
    staff = make_staff(A)
    first = app.test_client()
    token = password_only(first, staff)
    for i in range(TRIES_PER_SESSION):
        code(first, token, f"{200000 + i}")
    # A new session, with the right password: the code is not looked at until the wait is over.
    second = app.test_client()
    token = password_only(second, staff)
    right = staff.next_code()
    response = code(second, token, right)
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 15
    assert "For mange feil koder" in re.sub(r"\s+", " ", response.get_data(as_text=True))
    assert second.get("/admin/").status_code == 302  # not signed in
    user = user_row(session, staff)
    assert user.code_failures == TRIES_PER_SESSION and user.totp_last_step != staff.last_step  # right code not used up
    user.code_wait_until = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(seconds=1)
    session.commit()
    assert code(second, token, right).status_code == 302
    assert second.get("/admin/").status_code == 200
    assert user_row(session, staff).code_failures == 0


def test_the_audit_log_names_the_event(app, session, make_staff, staff_login):
    staff = make_staff(C)
    client = app.test_client()
    token = password_only(client, staff)
    for i in range(TRIES_PER_SESSION):
        code(client, token, f"{300000 + i}")
    admin = app.test_client()
    staff_login(admin, make_staff(A))
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "Skrev feil kode for mange ganger og må logge inn på nytt" in page
    assert "two_factor_too_many_codes" not in page
    assert sign_in(app.test_client(), staff).status_code == 429  # the account still waits for its codes


def test_codes_posted_in_parallel_are_each_counted(app, session, make_staff):
    """Forty codes at once must not all be checked because each request saw "no failures yet"."""
    staff = make_staff(C)
    client = app.test_client()
    token = password_only(client, staff)
    cookies = {name: client.get_cookie(name).value for name in ("siifra", "siifra_admin")}
    statuses: list[int] = []

    def post(i: int) -> None:
        browser = app.test_client()
        for name, value in cookies.items():
            browser.set_cookie(name, value)
        statuses.append(code(browser, token, f"{400000 + i}").status_code)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(200) == TRIES_PER_SESSION - 1  # the wrong codes this session could still type
    assert user_row(session, staff).code_failures == TRIES_PER_SESSION
