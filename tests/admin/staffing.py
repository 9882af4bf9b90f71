"""Helpers that make staff accounts and sign them in through the real login pages."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pyotp
from flask import Flask
from sqlalchemy.orm import Session

from admin.accounts import create_user
from admin.twofactor import confirm_enrolment, new_secret
from kiosk.models import Council, Role, User
from tests.kiosk.helpers import csrf_token as csrf_from

PASSWORD = "lange setninger er gode passord 2026"


@dataclass
class Staff:
    """A staff account made for a test, with what it takes to sign in."""

    id: int
    email: str
    role: Role
    secret: str | None
    council_id: int | None
    last_step: int = 0

    def next_code(self) -> str:
        """Return a TOTP code that has not been used yet (the server refuses reuse)."""
        totp = pyotp.TOTP(self.secret)
        # The current step, not the one before: a code made just before a 30 s boundary is still
        # accepted one step later, but one made for the step before would then be two steps old.
        step = max(self.last_step + 1, int(time.time()) // 30)
        self.last_step = step
        return totp.at(step * 30)


def make_staff(
    app: Flask, session: Session, role: Role, *, email: str | None = None, council: Council | None = None, two_factor: bool | None = None
) -> Staff:
    """Create an account (with TOTP set up, as every role needs) and return its sign-in details.

    The app is needed for its secret key: TOTP secrets are stored encrypted with a key derived from it.
    """
    now = datetime.now(timezone.utc)
    if role is Role.COUNCIL and council is None:
        council = Council(name=f"Brukerrådet {role.value} {time.monotonic_ns()}", created_at=now.replace(tzinfo=None))
        session.add(council)
        session.flush()
    user = create_user(
        session, email=email or f"{role.value}-{time.monotonic_ns()}@example.no", name=f"Test {role.value}",
        password=PASSWORD, role=role, council=council, now=now,
    )
    secret = None
    if two_factor if two_factor is not None else role.needs_two_factor:
        secret = new_secret()
        past = now - timedelta(seconds=60)
        with app.app_context():
            assert confirm_enrolment(session, user, secret, pyotp.TOTP(secret).at(past), now=past) is not None
    session.commit()
    return Staff(user.id, user.email, role, secret, user.council_id, user.totp_last_step or 0)


def sign_in(client, staff: Staff, password: str = PASSWORD):
    """Sign in through the pages, with the second factor where the account has one; return the last response."""
    token = csrf_from(client.get("/admin/login").get_data(as_text=True))
    response = client.post("/admin/login", data={"csrf_token": token, "email": staff.email, "password": password})
    if staff.secret and response.status_code == 302 and response.headers["Location"].endswith("/admin/login/code"):
        token = csrf_from(client.get("/admin/login/code").get_data(as_text=True))
        response = client.post("/admin/login/code", data={"csrf_token": token, "code": staff.next_code()})
    return response


def staff_cookie(client) -> str | None:
    """Return the staff session cookie's value, if the client has one."""
    cookie = client.get_cookie("siifra_admin") or client.get_cookie("__Host-siifra_admin")
    return cookie.value if cookie else None


def user_row(session: Session, staff: Staff) -> User:
    """Return the account row, fresh from the database."""
    session.expire_all()
    return session.get(User, staff.id)
