"""Fixtures: an app on a freshly migrated database (SQLite file, or PostgreSQL when
SIIFRA_TEST_DATABASE_URL is set), clients, factories and a live server."""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from kiosk import create_app, formspec, published
from kiosk.public import forms, prerender
from kiosk.extensions import db
from kiosk.models import Base, FormVersion, Location, LocationKind, QuestionKind, ShortLink
from kiosk.operations import QuestionDraft, add_version, create_form, create_link, create_location, publish

PG_URL = os.environ.get("SIIFRA_TEST_DATABASE_URL")
NOW = datetime(2026, 11, 18, 13, 37, 11, tzinfo=timezone.utc)


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL' if PG_URL else 'SQLite'}"


def _config(url: str, instance: Path, **extra: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "BASE_URL": "http://127.0.0.1:5000",
        **extra,
    }


def _make_app(url: str, instance: Path, **extra: Any) -> Flask:
    os.environ["SIIFRA_INSTANCE_PATH"] = str(instance)
    try:
        return create_app(_config(url, instance, **extra))
    finally:
        del os.environ["SIIFRA_INSTANCE_PATH"]


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return a database URL (SQLite: a template file) upgraded to the newest migration."""
    instance = tmp_path_factory.mktemp("template")
    url = PG_URL or f"sqlite:///{instance / 'template.sqlite3'}"
    app = _make_app(url, instance)
    with app.app_context():
        if PG_URL:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def database_url(migrated: str, tmp_path: Path) -> str:
    """Return the URL of a database for one test, with the schema and no rows."""
    if PG_URL:
        return migrated
    target = tmp_path / "test.sqlite3"
    shutil.copyfile(migrated.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Extra configuration for the app under test; override in a module to change it."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, app_config: dict[str, Any]) -> Iterator[Flask]:
    """Return the app on the test database; empty the tables afterwards on PostgreSQL."""
    formspec._cache.clear()
    published.clear()
    forms._classes.clear()
    prerender.clear()
    app = _make_app(database_url, tmp_path / "instance", **app_config)
    yield app
    with app.app_context():
        db.session.remove()
        if PG_URL:
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            db.session.commit()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """Return a database session of the test's own, outside any app context.

    Requests through the test client must not run inside an app context that the test holds, or
    they would share its session and its transaction.
    """
    with app.app_context():
        engine = db.engine
    with Session(engine, expire_on_commit=False) as session:
        yield session


def t(nb: str, nn: str | None = None, en: str | None = None) -> dict[str, str]:
    """Return texts in the three languages, marking the Nynorsk and English ones."""
    return {"nb": nb, "nn": nn or f"{nb} (nn)", "en": en or f"{nb} (en)"}


ALL_KINDS = [
    QuestionDraft(QuestionKind.SMILEY, t("Hvordan var dagen?", "Korleis var dagen?", "How was the day?")),
    QuestionDraft(
        QuestionKind.SCALE, t("Hvor trygg er du her?"), scale_min=0, scale_max=10,
        scale_min_label=t("Ikke trygg"), scale_max_label=t("Helt trygg"),
    ),
    QuestionDraft(QuestionKind.YES_NO, t("Blir du hørt?")),
    QuestionDraft(QuestionKind.SINGLE_CHOICE, t("Hvor ofte?"), options=[t("Sjelden"), t("Ofte"), t("Hver dag")]),
    QuestionDraft(QuestionKind.MULTIPLE_CHOICE, t("Hva vil du ha mer av?"), options=[t("Turer"), t("Mat"), t("Prat")]),
    QuestionDraft(QuestionKind.FREE_TEXT, t("Hvordan hadde tjenesten sett ut hvis du kunne bestemme selv?")),
]


@pytest.fixture
def make_link(session) -> Callable[..., ShortLink]:
    """Return a factory for a published form at a location, behind a short link."""

    def make(drafts: list[QuestionDraft] | None = None, location_name: str = "Fyrlykta dagsenter") -> ShortLink:
        location = session.scalars(select(Location).where(Location.name == location_name)).first() or create_location(
            session, location_name, LocationKind.DAY_CENTRE, now=NOW
        )
        form = create_form(session, "Testskjema", now=NOW)
        version = add_version(session, form, t("Si ifra", "Sei frå", "Speak up"), drafts or ALL_KINDS, intro=t("Velkommen"))
        publish(session, version, now=NOW)
        link = create_link(session, form, location, now=NOW)
        session.commit()
        return link

    return make


@pytest.fixture
def link(make_link) -> ShortLink:
    """Return a short link to a form that asks one question of every kind."""
    return make_link()


@pytest.fixture
def form_json(client, link) -> dict[str, Any]:
    """Return the API's description of the link's form."""
    return client.get(f"/api/v1/links/{link.code}").get_json()


class LiveServer:
    """The app served over real HTTP on 127.0.0.1, many requests at a time."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


class SmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        import socket
        from email import message_from_bytes, policy

        from aiosmtpd.controller import Controller

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.messages: list = []
        # How many messages to refuse first with a temporary error, as a mail server under load does.
        self.refuse = 0
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # aiosmtpd hook
                if outer.refuse > 0:
                    outer.refuse -= 1
                    return "451 4.3.0 Try again later"
                outer.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def make_text(app, session):
    """Return a factory: free text given to a link's form through the submission service; returns the item's id."""
    import uuid as uuid_module

    from kiosk.database import begin_write
    from kiosk.links import resolve_link
    from kiosk.models import FreeText, QuestionKind
    from kiosk.submissions import Given, Rules, submit

    def make(link: ShortLink, text: str, *, day=None, now: datetime = NOW) -> uuid_module.UUID:
        with app.app_context():
            begin_write(db.session)
            target = resolve_link(db.session, link.code)
            version = db.session.get_one(FormVersion, target.version_id)
            question = next(q for q in version.questions if q.kind is QuestionKind.FREE_TEXT)
            given = Given({str(question.id): text}, "qr", key=uuid_module.uuid4(), body_hash=text, day=day)
            stored = submit(db.session, target, given, now=now, rules=Rules.from_config(app.config))
            item_id = db.session.scalars(select(FreeText.id).where(FreeText.submission_id == stored.id)).one()
            db.session.commit()
        return item_id

    return make


@pytest.fixture
def make_submission(app):
    """Return a factory: answers (API shape, {question id: value}) stored through the submission service."""
    import uuid as uuid_module

    from kiosk.database import begin_write
    from kiosk.links import resolve_link
    from kiosk.submissions import Given, Rules, submit

    def make(link: ShortLink, answers: dict[str, Any], *, now: datetime = NOW, channel: str = "qr", burst: bool = False,
             device_id: int | None = None, day: date | None = None) -> uuid_module.UUID:
        with app.app_context():
            begin_write(db.session)
            target = resolve_link(db.session, link.code)
            given = Given(answers, channel, key=uuid_module.uuid4(), body_hash=str(uuid_module.uuid4()), device_id=device_id, burst=burst,
                          day=day)
            stored = submit(db.session, target, given, now=now, rules=Rules.from_config(app.config))
            db.session.commit()
        return stored.id

    return make
