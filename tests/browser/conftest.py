"""Browser tests of the tablet kiosk: the real app over real HTTP, driven in Chromium by Playwright."""
from __future__ import annotations

import os

# Playwright reports requests made by service workers only with this set, before its driver starts.
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

from collections.abc import Callable, Iterator  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from flask import Flask  # noqa: E402
from playwright.sync_api import BrowserContext, Page  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from kiosk.devices import create_device  # noqa: E402
from kiosk.models import Location  # noqa: E402
from tests.browser.helpers import KioskServer, Tablet, pair, watch  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TABLET = {"width": 1024, "height": 768}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": TABLET,
        "has_touch": True,
        "is_mobile": False,
        "locale": "nb-NO",
        "timezone_id": "Europe/Oslo",
    }


@pytest.fixture
def server(app: Flask) -> Iterator[KioskServer]:
    """Return the app served over HTTP on 127.0.0.1 (a secure context, so service workers run)."""
    live = KioskServer(app)
    live.start()
    yield live
    live.stop()


@pytest.fixture
def make_tablet(session: Session, server: KioskServer, make_link) -> Callable[..., Tablet]:
    """Return a factory: a location showing a form on its kiosk, and a tablet with a fresh pairing code."""

    def make(drafts=None, location_name: str = "Fyrlykta dagsenter", **location_settings: Any) -> Tablet:
        link = make_link(drafts, location_name=location_name)
        location = session.get_one(Location, link.location_id)
        location.kiosk_form_id = link.form_id
        for name, value in location_settings.items():
            setattr(location, name, value)
        device, code = create_device(session, location, "Nettbrett i gangen", now=datetime.now(timezone.utc), minutes=15)
        session.commit()
        with server.app.test_client() as client:
            form_json = client.get(f"/api/v1/links/{link.code}").get_json()
        return Tablet(session, server, location.id, device.id, code, form_json)

    return make


@pytest.fixture
def tablet(make_tablet) -> Tablet:
    """Return a tablet at a location whose form asks one question of every kind."""
    return make_tablet()


@pytest.fixture
def browser_errors(context: BrowserContext) -> Iterator[list[str]]:
    """Collect script errors and CSP refusals in the test's browser context; none may happen."""
    errors: list[str] = []
    watch(context, errors)
    yield errors
    assert not errors


@pytest.fixture
def kiosk(page: Page, tablet: Tablet, browser_errors: list[str]) -> Page:
    """Return a page showing a freshly paired kiosk, on its idle screen."""
    pair(page, tablet)
    return page
