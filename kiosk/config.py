"""Configuration defaults and the checks that run before the app starts."""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

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
    # None: Secure whenever BASE_URL is https (the public form's CSRF cookie never travels in the clear).
    SESSION_COOKIE_SECURE: bool | None = None
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

    # Wrong receipt codes typed at /kvittering, per app server process, for everyone together (no IP is
    # looked at); kiosk/receipts.py works out why this makes guessing a code hopeless.
    RECEIPT_FAILURES_PER_MINUTE = 30
    RECEIPT_FAILURES_BURST = 30

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
    # Implicit TLS from the first byte (usually port 465), instead of STARTTLS on a plain connection.
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "Si ifra <noreply@localhost>"

    # Free text: originals (sealed for moderators) are deleted once moderated, or after this many days;
    # released text and counts after this many months. Admins change both on the retention page.
    ORIGINAL_DAYS = 30
    RETENTION_MONTHS = 24
    # Moderators see free text once its period is over (a text just typed could be matched to the person at
    # the tablet); urgent text at once. True shows open periods too: for a test setup, never in service.
    MODERATION_SHOWS_OPEN_PERIODS = False

    BASE_URL = "http://127.0.0.1:5000"
    SQLITE_BUSY_TIMEOUT_MS = 10_000


def database_uri(app: Flask) -> str:
    """Return the database URL: the configured one, or an SQLite file in the instance folder."""
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if url:
        return str(url)
    return f"sqlite:///{Path(app.instance_path) / 'siifra.sqlite3'}"


def make_instance_folder(app: Flask) -> None:
    """Create the instance folder and the SQLite file for this user alone (0700, 0600), whatever the umask."""
    # They hold password hashes and every answer. Under the usual umask 022 a new folder is 0755, and
    # SQLite's file 0644 (its -wal and -shm files copy the file's mode).
    folder = Path(app.instance_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _make_private(folder, 0o700)
    database = _sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if database is None:
        return
    # There already, or its folder is missing: SQLite says so when it connects.
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        _make_private(path, 0o600)


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:") or parsed.query.get("uri"):
        return None
    return Path(parsed.database)


def _make_private(path: Path, mode: int) -> None:
    # An existing folder or file from before is tightened too, where it is ours to change.
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    if status.st_uid == os.getuid() and status.st_mode & 0o777 != mode:
        path.chmod(mode)


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


def secure_cookies(app: Flask) -> None:
    """Make the public form's cookie Secure when the service is served over https, unless set explicitly."""
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = str(app.config["BASE_URL"]).startswith("https://")


def check_settings(app: Flask) -> None:
    """Fail early, with a message an operator can act on, on settings that make no sense."""
    if app.config["TIME_BUCKET"] not in ("day", "week"):
        raise RuntimeError('SIIFRA_TIME_BUCKET must be "day" or "week".')
    if app.config["BABEL_DEFAULT_LOCALE"] not in app.config["LANGUAGES"]:
        raise RuntimeError(f"SIIFRA_BABEL_DEFAULT_LOCALE must be one of {', '.join(LANGUAGES)}.")
