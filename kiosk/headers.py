"""Security and privacy headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

# Pages that show or take someone's answers must never be kept by a browser or a proxy.
NO_STORE_PREFIXES = ("/s/", "/api/", "/kiosk", "/kvittering", "/admin")


def init_app(app: Flask) -> None:
    """Add the headers to every response of app."""
    app.after_request(_add_headers)


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    # Staff pages send the referrer to their own origin only: Flask-WTF checks it on https posts
    # (WTF_CSRF_SSL_STRICT). Respondents' pages never send one.
    headers["Referrer-Policy"] = "same-origin" if request.path.startswith("/admin") else "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.path.startswith(NO_STORE_PREFIXES) or request.path == "/":
        headers.setdefault("Cache-Control", "no-store")
    return response
