"""Configuration defaults and the checks that run before the app starts."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Flask

LANGUAGES = ("nb", "nn", "en")


class Defaults:
    """Settings used unless the environment or the instance folder says otherwise."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in from DATABASE_URL or the instance folder
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # A real browser never needs more than this for a feedback form; anything larger is abuse or a bug.
    MAX_CONTENT_LENGTH = 64 * 1024
    MAX_FREE_TEXT = 2000

    BABEL_DEFAULT_LOCALE = "nb"
    BABEL_DEFAULT_TIMEZONE = "Europe/Oslo"
    LANGUAGES = LANGUAGES
    TIMEZONE = "Europe/Oslo"

    # "day" or "week": the only time kept next to an answer.
    TIME_BUCKET = "day"
    IDEMPOTENCY_DAYS = 7
    # How old a day a kiosk may report for an answer it queued while offline.
    MAX_BACKDATE_DAYS = 30

    # The public form is a page people leave open on a phone for an afternoon, or longer. Flask-WTF's
    # default of one hour would make them lose what they wrote, so a token lives for a day. A token
    # only proves the post came from our own page; it authorises nothing, so a long life costs little.
    WTF_CSRF_TIME_LIMIT = 24 * 3600

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "siifra"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)

    # Tablets: a pairing code is shown to staff and typed on the tablet within minutes.
    KIOSK_PAIRING_MINUTES = 15
    # A tablet that sends faster than this (per app server process) is refused with 429 and retries
    # later; the burst allows a day of answers queued offline to go out at once.
    KIOSK_RATE_PER_MINUTE = 120
    KIOSK_RATE_BURST = 300
    # More than this many ratings within a minute on one tablet are marked as a burst (by the tablet,
    # which alone knows when each tap happened; the server never learns a time).
    KIOSK_BURST_PER_MINUTE = 10

    # Staff sessions. None means: Secure (and __Host- prefixed) whenever the request came over https;
    # set false only for plain http on localhost, true to insist.
    ADMIN_COOKIE_SECURE: bool | None = None
    ADMIN_IDLE_MINUTES = 30
    ADMIN_SESSION_HOURS = 8
    # Password hashes run one at a time per machine (admin.passwords.hashing_slot); a sign-in waits this
    # long for its turn, then is asked to try again (429), so a flood cannot hold every worker thread.
    ADMIN_HASH_WAIT_SECONDS = 2.0
    INVITATION_HOURS = 72

    # Outgoing mail for invitations; with no MAIL_SERVER the link is only shown to the admin.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_STARTTLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "Si ifra <noreply@localhost>"

    BASE_URL = "http://127.0.0.1:5000"
    SQLITE_BUSY_TIMEOUT_MS = 10_000


def database_uri(app: Flask) -> str:
    """Return the database URL: the configured one, or an SQLite file in the instance folder."""
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if url:
        return str(url)
    return f"sqlite:///{Path(app.instance_path) / 'siifra.sqlite3'}"


def load_secret_key(app: Flask) -> None:
    """Read the secret key from the instance folder when the environment gave none."""
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.instance_path) / "secret_key"
    if key_file.is_file():
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def check_secret_key(app: Flask) -> None:
    """Refuse to run outside debug and tests without a secret key."""
    if app.config.get("SECRET_KEY"):
        return
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = os.urandom(32).hex()
        return
    raise RuntimeError(
        "No secret key. Set SIIFRA_SECRET_KEY, or write one into "
        f"{Path(app.instance_path) / 'secret_key'} (make run does this for you)."
    )


def check_settings(app: Flask) -> None:
    """Fail early, with a message an operator can act on, on settings that make no sense."""
    if app.config["TIME_BUCKET"] not in ("day", "week"):
        raise RuntimeError("SIIFRA_TIME_BUCKET must be \"day\" or \"week\".")
    if app.config["BABEL_DEFAULT_LOCALE"] not in app.config["LANGUAGES"]:
        raise RuntimeError(f"SIIFRA_BABEL_DEFAULT_LOCALE must be one of {', '.join(LANGUAGES)}.")
