"""Sign-in throttling: short waits answered with 429 and Retry-After before any hashing, the same for every
address, and a known browser that a stranger's flood cannot shut out; one password hash at a time."""
from __future__ import annotations

import fcntl
import re
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from admin.login import FREE_ATTEMPTS, address_key, wait_after
from kiosk.models import LoginThrottle, Role
from tests.admin.staffing import PASSWORD, csrf_from, sign_in, staff_cookie

C = Role.COUNCIL


def attempt(client, email: str, password: str):
    """Post the sign-in form once, as a browser would (the form first, for its CSRF token)."""
    token = csrf_from(client.get("/admin/login").get_data(as_text=True))
    return client.post("/admin/login", data={"csrf_token": token, "email": email, "password": password})


def flood(app, email: str, count: int) -> list[int]:
    """Send count wrong passwords for email, each from a fresh browser; return the statuses."""
    return [attempt(app.test_client(), email, f"wrong guess {i}").status_code for i in range(count)]


@contextmanager
def slot_taken(app):
    """Hold the machine's password-hashing slot, as a sign-in in another process would."""
    path = Path(app.instance_path) / "password-hashing.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def end_waits(session) -> None:
    """Let every bucket's wait run out (instead of sleeping through it)."""
    session.rollback()
    past = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(seconds=1)
    for throttle in session.scalars(select(LoginThrottle)):
        throttle.locked_until = past
    session.commit()


def keep_flooding(app, session, email: str, failures: int) -> None:
    """Fail for email this many times in a row, each time as soon as the wait allows (as a script would)."""
    for i in range(failures):
        session.rollback()  # a fresh read: SQLite shows a transaction the rows of its start
        throttle = session.get(LoginThrottle, address_key(email), populate_existing=True)
        if throttle is not None:
            throttle.locked_until = None
        session.commit()
        assert attempt(app.test_client(), email, f"scripted guess {i}").status_code == 401


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_waits_are_short_and_told_with_429_and_retry_after(app, session, make_staff):
    assert [wait_after(n).total_seconds() for n in range(1, 14)] == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]
    staff = make_staff(C)
    assert flood(app, staff.email, FREE_ATTEMPTS - 1) == [401] * (FREE_ATTEMPTS - 1)  # free attempts do not wait
    keep_flooding(app, session, staff.email, 4)
    # Now the address waits (8 s after 8 failures): even the right password is answered 429, saying how long.
    response = attempt(app.test_client(), staff.email, PASSWORD)
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 8
    assert "For mange forsøk på kort tid" in page_text(response)
    # However long the flood goes on, a wait never grows past a minute.
    throttle = session.get(LoginThrottle, address_key(staff.email))
    throttle.failures = 500
    session.commit()
    end_waits(session)
    assert flood(app, staff.email, 2) == [401, 429]
    session.expire_all()
    throttle = session.get(LoginThrottle, address_key(staff.email))
    assert throttle.locked_until - throttle.last_failure_at == timedelta(minutes=1)
    # When the wait is over, the owner's password and code get in.
    end_waits(session)
    client = app.test_client()
    response = sign_in(client, staff)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200


def test_throttled_attempts_are_refused_before_any_hashing(app, session, make_staff):
    staff = make_staff(C)
    keep_flooding(app, session, staff.email, FREE_ATTEMPTS + 4)
    app.config["ADMIN_HASH_WAIT_SECONDS"] = 0
    with slot_taken(app):
        # The throttle answers first, without waiting for the hashing slot that someone else holds.
        response = attempt(app.test_client(), staff.email, PASSWORD)
        assert response.status_code == 429 and "For mange forsøk" in page_text(response)
        # An address that may try now needs the slot, and is told that many are signing in.
        response = attempt(app.test_client(), "someone.else@example.no", "a wrong password")
        assert response.status_code == 429 and response.headers["Retry-After"] == "2"
        assert "Mange logger inn akkurat nå" in page_text(response)
    session.rollback()
    assert session.get(LoginThrottle, address_key("someone.else@example.no")) is None  # it was not counted


def test_a_busy_machine_asks_the_owner_to_try_again_soon(app, make_staff):
    staff = make_staff(C)
    app.config["ADMIN_HASH_WAIT_SECONDS"] = 0
    with slot_taken(app):
        assert sign_in(app.test_client(), staff).status_code == 429
    assert sign_in(app.test_client(), staff).status_code == 302


def test_throttling_looks_the_same_for_unknown_addresses(app, session, make_staff):
    staff = make_staff(C)
    responses = {}
    for email in (staff.email, "ghost@example.no"):
        keep_flooding(app, session, email, FREE_ATTEMPTS + 4)
        responses[email] = [attempt(app.test_client(), email, f"guess {i}") for i in range(2)]
    known, unknown = responses.values()
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [429, 429]
    for mine, ghost in zip(known, unknown):
        assert 1 <= int(mine.headers["Retry-After"]) <= 16 and 1 <= int(ghost.headers["Retry-After"]) <= 16
        body = re.sub(r"\d+", "N", page_text(mine).replace(staff.email, "X").split("csrf_token")[0])
        assert body == re.sub(r"\d+", "N", page_text(ghost).replace("ghost@example.no", "X").split("csrf_token")[0])
    wrong = attempt(app.test_client(), "another.ghost@example.no", "guess")
    assert "Feil e-post eller passord" in page_text(wrong) and "finnes" not in page_text(wrong)


def test_the_owners_browser_gets_in_while_a_stranger_floods_the_address(app, session, make_staff):
    staff = make_staff(C)
    owner = app.test_client()
    assert sign_in(owner, staff).status_code == 302  # a complete sign-in makes this browser known
    owner.post("/admin/logout", data={"csrf_token": csrf_from(owner.get("/admin/account").get_data(as_text=True))})
    assert staff_cookie(owner) is None
    keep_flooding(app, session, staff.email, FREE_ATTEMPTS + 6)  # the address now waits 32 s
    assert attempt(app.test_client(), staff.email, PASSWORD).status_code == 429
    # The stranger cannot borrow someone else's standing: a known browser of another account, or a
    # forged cookie, is throttled with the address.
    other_account = app.test_client()
    assert sign_in(other_account, make_staff(C)).status_code == 302
    stranger = app.test_client()
    stranger.set_cookie("siifra_known", other_account.get_cookie("siifra_known").value)
    assert attempt(stranger, staff.email, PASSWORD).status_code == 429
    forged = app.test_client()
    forged.set_cookie("siifra_known", owner.get_cookie("siifra_known").value[:-3] + "abc")
    assert attempt(forged, staff.email, PASSWORD).status_code == 429
    # The owner's usual browser has a bucket of its own: password and code get in at once.
    response = sign_in(owner, staff)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    assert owner.get("/admin/").status_code == 200
    # and the flood still waits.
    assert attempt(app.test_client(), staff.email, PASSWORD).status_code == 429


def test_known_browser_cookie_is_signed_long_lived_and_strict(app, make_staff):
    staff = make_staff(C)
    client = app.test_client()
    token = csrf_from(client.get("/admin/login", base_url="https://localhost").get_data(as_text=True))
    client.post(
        "/admin/login", data={"csrf_token": token, "email": staff.email, "password": PASSWORD},
        base_url="https://localhost", headers={"Referer": "https://localhost/admin/login"},
    )
    # Only a complete sign-in, with the code, makes a browser known.
    assert client.get_cookie("__Host-siifra_known", domain="localhost") is None
    page = client.get("/admin/login/code", base_url="https://localhost").get_data(as_text=True)
    response = client.post(
        "/admin/login/code", data={"csrf_token": csrf_from(page), "code": staff.next_code()},
        base_url="https://localhost", headers={"Referer": "https://localhost/admin/login/code"},
    )
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("__Host-siifra_known="))
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Strict" in header and "Path=/" in header
    assert int(re.search(r"Max-Age=(\d+)", header).group(1)) >= 90 * 24 * 3600
    assert staff.email not in header


def test_the_owners_typos_are_forgiven_after_a_sign_in(app, make_staff):
    staff = make_staff(C)
    count = FREE_ATTEMPTS - 1
    flood(app, staff.email, count)
    assert sign_in(app.test_client(), staff).status_code == 302
    assert flood(app, staff.email, count) == [401] * count  # the count started again


def test_forgotten_buckets_are_pruned_and_a_sign_in_leaves_none(app, session, make_staff):
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    stale = [LoginThrottle(key_hash=f"{i:064x}", failures=3, last_failure_at=now - timedelta(days=2)) for i in range(5)]
    recent = LoginThrottle(key_hash="f" * 64, failures=3, last_failure_at=now - timedelta(hours=1))
    session.add_all([*stale, recent])
    session.commit()
    # A flood of made-up addresses cannot grow the table for ever: each new bucket clears old ones.
    attempt(app.test_client(), "made.up@example.no", "a wrong password")
    session.rollback()
    assert set(session.scalars(select(LoginThrottle.key_hash))) == {"f" * 64, address_key("made.up@example.no")}
    staff = make_staff(C)
    flood(app, staff.email, 2)
    assert sign_in(app.test_client(), staff).status_code == 302
    session.rollback()
    assert session.get(LoginThrottle, address_key(staff.email)) is None
