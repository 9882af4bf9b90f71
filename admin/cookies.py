"""The staff cookies: the session cookie (set after sign-in, removed at logout) and the known-browser cookie.

The known-browser cookie (OWASP's "device cookie") is given after a complete sign-in, password and
code: a signed list of (account, random nonce) pairs. Sign-in attempts that carry one for the address
typed are throttled in that browser's own bucket (admin.login), so a stranger who floods an address
with wrong passwords cannot make its owner's usual browser wait. It grants nothing else.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, g, request
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from admin.access import cookie_name, cookie_secure
from admin.login import address_key

KNOWN_FOR = timedelta(days=180)
# A shared office computer may be the usual browser of a few staff members.
KNOWN_ACCOUNTS = 5


def issue(token: str) -> None:
    """Send token as the session cookie with this response."""
    g.admin_cookie = token


def clear() -> None:
    """Remove the session cookie with this response."""
    g.admin_cookie = ""


def known_browser(email: str) -> str | None:
    """Return this browser's nonce for the account with this address, if a complete sign-in gave it one."""
    key = address_key(email)
    return next((nonce for account, nonce in _known() if account == key), None)


def remember_browser(email: str) -> None:
    """Mark this browser as known for the account with this address (after a complete sign-in)."""
    key = address_key(email)
    nonce = known_browser(email) or secrets.token_urlsafe(16)
    pairs = [[key, nonce], *([account, other] for account, other in _known() if account != key)]
    g.known_browser_cookie = _serializer().dumps(pairs[:KNOWN_ACCOUNTS])


def known_cookie_name() -> str:
    """Return the known-browser cookie's name: __Host- prefixed whenever it is sent only over https."""
    return "__Host-siifra_known" if cookie_secure() else "siifra_known"


def _serializer() -> URLSafeTimedSerializer:
    # itsdangerous signs with the last key and accepts any of them, as Flask's own session cookie does.
    keys = [*(current_app.config.get("SECRET_KEY_FALLBACKS") or []), current_app.config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt="siifra known browser")


def _known() -> list[tuple[str, str]]:
    raw = request.cookies.get(known_cookie_name())
    if not raw:
        return []
    try:
        pairs = _serializer().loads(raw, max_age=int(KNOWN_FOR.total_seconds()))
    except BadData:
        return []
    if not isinstance(pairs, list):
        return []
    return [(pair[0], pair[1]) for pair in pairs if isinstance(pair, list) and len(pair) == 2 and _texts(pair)]


def _texts(values: list[object]) -> bool:
    return all(isinstance(value, str) for value in values)


def apply(response: Response) -> Response:
    """Write or delete the cookies, as the view asked."""
    known = g.pop("known_browser_cookie", None)
    if known is not None:
        response.set_cookie(
            known_cookie_name(), known, max_age=int(KNOWN_FOR.total_seconds()), path="/",
            secure=cookie_secure(), httponly=True, samesite="Strict",
        )
    token = g.pop("admin_cookie", None)
    if token is None:
        return response
    if token == "":
        response.delete_cookie(cookie_name(), path="/", secure=cookie_secure(), httponly=True, samesite="Strict")
        return response
    # No Max-Age: the cookie ends with the browser; the server ends the session after idle or 8 hours.
    response.set_cookie(cookie_name(), token, path="/", secure=cookie_secure(), httponly=True, samesite="Strict")
    return response
