"""The signed session cookie, left unopened on the JSON API.

The API authenticates tablets with a bearer token and phones with nothing, never a cookie
(kiosk/api/__init__.py), so opening and re-signing the cookie on every submission was work for
nothing. Its requests get Flask's null session: empty, and writing to it fails loudly.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

API_PREFIX = "/api/"


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except on the API."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Return the request's session; the API's is the null session."""
        if request.path.startswith(API_PREFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    """Use these sessions in app."""
    app.session_interface = CookieSessions()
