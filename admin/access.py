"""One guard for the whole admin blueprint: who is signed in, and may they open this page?

Every view declares its roles with @roles(...). A view without a declaration is open to admins only,
so a new page cannot be left open by accident. A @partial view (the second factor, logout) is open to
every staff member, signed in fully or still lacking the second factor. Object-level checks (a council
member sees only their own council) live in the views, through the helpers at the bottom.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from flask import abort, current_app, g, redirect, request, url_for
from werkzeug.wrappers import Response

from admin.sessions import load_session
from kiosk.database import begin_write
from kiosk.extensions import db
from kiosk.models import Role, StaffSession, User

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC = "_admin_public"
PARTIAL = "_admin_partial"
ROLES = "_admin_roles"


def public(view: F) -> F:
    """Open the view to anyone (sign-in, invitations)."""
    setattr(view, PUBLIC, True)
    return view


def partial(view: F) -> F:
    """Open the view to every staff session, including one that still lacks its second factor."""
    setattr(view, PARTIAL, True)
    return view


def roles(*allowed: Role) -> Callable[[F], F]:
    """Open the view to signed-in staff with one of these roles."""

    def decorate(view: F) -> F:
        setattr(view, ROLES, frozenset(allowed))
        return view

    return decorate


ALL_STAFF = (Role.ADMIN, Role.MODERATOR, Role.COUNCIL)


def cookie_name() -> str:
    """Return the session cookie's name: __Host- prefixed whenever it is sent only over https."""
    return "__Host-siifra_admin" if cookie_secure() else "siifra_admin"


def cookie_secure() -> bool:
    """Return whether the session cookie is Secure: configured, or else whenever the request is https."""
    setting = current_app.config["ADMIN_COOKIE_SECURE"]
    return request.is_secure if setting is None else bool(setting)


def now() -> datetime:
    """Return the current time (aware, UTC)."""
    return datetime.now(timezone.utc)


def guard() -> Response | None:
    """Load the staff session, and let the request through only where the view allows it."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.endpoint == "admin.static":
        return None
    begin_write(db.session)  # loading a session may end it or note that it was used
    record = load_session(
        db.session,
        request.cookies.get(cookie_name()),
        now=now(),
        idle=timedelta(minutes=current_app.config["ADMIN_IDLE_MINUTES"]),
        absolute=timedelta(hours=current_app.config["ADMIN_SESSION_HOURS"]),
    )
    db.session.commit()
    if request.method == "POST":
        begin_write(db.session)
    g.staff_session = record
    g.user = record.user if record else None
    if getattr(view, PUBLIC, False):
        return None
    if record is None:
        return redirect(url_for("admin.login", next=request.path if request.method == "GET" else None))
    if not record.two_factor_done:
        if getattr(view, PARTIAL, False):
            return None
        target = "admin.two_factor" if record.user.two_factor_enabled else "admin.two_factor_setup"
        return redirect(url_for(target))
    if record.user.role not in getattr(view, ROLES, _default_roles(view)):
        abort(403)
    return None


def _default_roles(view: Callable[..., Any]) -> frozenset[Role]:
    # A view open to half-signed-in staff must not be closed to fully signed-in ones (logout was).
    return frozenset(ALL_STAFF) if getattr(view, PARTIAL, False) else frozenset({Role.ADMIN})


def current_user() -> User:
    """Return the signed-in user (the guard has made sure there is one)."""
    return g.user


def current_session() -> StaffSession | None:
    """Return the staff session of this request, if any."""
    return g.get("staff_session")


def require_council_access(council_id: int) -> None:
    """Refuse (404, so nothing leaks) unless the user is an admin or a member of this council."""
    user = current_user()
    if user.role is Role.COUNCIL and user.council_id != council_id:
        abort(404)
