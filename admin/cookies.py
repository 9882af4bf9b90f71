"""The staff session cookie: set after sign-in, removed at logout."""
from __future__ import annotations

from flask import g
from werkzeug.wrappers import Response

from admin.access import cookie_name, cookie_secure


def issue(token: str) -> None:
    """Send token as the session cookie with this response."""
    g.admin_cookie = token


def clear() -> None:
    """Remove the session cookie with this response."""
    g.admin_cookie = ""


def apply(response: Response) -> Response:
    """Write or delete the cookie, as the view asked."""
    token = g.pop("admin_cookie", None)
    if token is None:
        return response
    if token == "":
        response.delete_cookie(cookie_name(), path="/", secure=cookie_secure(), httponly=True, samesite="Strict")
        return response
    # No Max-Age: the cookie ends with the browser; the server ends the session after idle or 8 hours.
    response.set_cookie(cookie_name(), token, path="/", secure=cookie_secure(), httponly=True, samesite="Strict")
    return response
