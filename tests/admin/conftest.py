"""Fixtures for the staff pages: accounts signed in through the real login pages, with a real TOTP code."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kiosk.models import Role
from tests.admin import staffing


@pytest.fixture
def make_staff(app, session) -> Callable[..., staffing.Staff]:
    """Return a factory for staff accounts: make_staff(Role.COUNCIL) has TOTP set up, like every account."""

    def make(role: Role = Role.ADMIN, **options: Any) -> staffing.Staff:
        return staffing.make_staff(app, session, role, **options)

    return make


@pytest.fixture
def staff_login() -> Callable[[Any, staffing.Staff], None]:
    """Return a function that signs a test client in as a staff member, password and second factor."""

    def login(client, staff: staffing.Staff) -> None:
        response = staffing.sign_in(client, staff)
        assert response.status_code == 302, response.get_data(as_text=True)
        assert "/admin/login" not in response.headers["Location"]

    return login


@pytest.fixture
def admin_client(client, make_staff, staff_login):
    """Return a test client signed in as an administrator."""
    staff_login(client, make_staff(Role.ADMIN))
    return client


@pytest.fixture
def admin_post(admin_client) -> Callable[..., Any]:
    """Return post(url, data) for the signed-in admin, with the CSRF token of the session filled in."""
    token = staffing.csrf_from(admin_client.get("/admin/account").get_data(as_text=True))

    def post(url: str, data: dict[str, Any] | None = None, **options: Any):
        return admin_client.post(url, data={"csrf_token": token, **(data or {})}, **options)

    post.client = admin_client
    return post
