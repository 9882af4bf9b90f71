"""Helpers for the kiosk's browser tests: a server that can go down, the tablet under test, locators."""
from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from werkzeug.serving import WSGIRequestHandler, make_server

from kiosk.database import begin_write
from kiosk.devices import revoke
from kiosk.models import Device, Submission
from tests.admin.staffing import PASSWORD, Staff

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
FACE_LABELS = {1: "Veldig dårlig", 2: "Dårlig", 3: "Sånn passe", 4: "Bra", 5: "Veldig bra"}


@dataclass
class Hit:
    """One request the server answered, and the bytes it sent back."""

    method: str
    path: str
    status: int
    bytes: int


# Records, in the page, the time from the finger going down to the frame that shows the thank-you.
MEASURE_TAP = """() => {
    window.tapToThanks = null;
    let down = null;
    document.addEventListener('pointerdown', () => { down = performance.now(); }, { capture: true, once: true });
    new MutationObserver((changes, observer) => {
        if (document.body.dataset.screen !== 'thanks') return;
        observer.disconnect();
        requestAnimationFrame(() => { window.tapToThanks = performance.now() - down; });
    }).observe(document.getElementById('app'), { childList: true });
}"""


class _CountedWriter:
    """A socket writer that counts the bytes it sends."""

    def __init__(self, raw: Any) -> None:
        self.raw, self.sent = raw, 0

    def write(self, data: bytes) -> int:
        self.sent += len(data)
        return self.raw.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class _CountingHandler(WSGIRequestHandler):
    """Note every request with the bytes sent back for it: status line, headers and body."""

    def setup(self) -> None:
        super().setup()
        self.wfile = _CountedWriter(self.wfile)

    def send_response(self, code: int, message: str | None = None) -> None:
        self.status = code
        super().send_response(code, message)

    def handle_one_request(self) -> None:
        before = self.wfile.sent
        super().handle_one_request()
        if self.wfile.sent > before:
            self.server.log.append(Hit(self.command, self.path.split("?")[0], self.status, self.wfile.sent - before))

    def log_request(self, *args: Any) -> None:  # keep test output quiet
        pass


class KioskServer:
    """The app served on a fixed port that can go away and come back, like a tablet's network."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log: list[Hit] = []
        self.server = None

    def start(self) -> None:
        server = make_server("127.0.0.1", self.port, self.app, threaded=True, request_handler=_CountingHandler)
        server.log = self.log
        connections: set[socket.socket] = set()
        accept = server.get_request

        def get_request():
            connection, address = accept()
            connections.add(connection)
            return connection, address

        server.get_request = get_request
        self.server, self.connections = server, connections
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop serving and cut open keep-alive connections, so that nothing gets through."""
        if self.server is None:
            return
        self.server.shutdown()
        self.server.server_close()
        for connection in list(self.connections):
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.thread.join(5)
        self.server = None

    def hits(self, path: str) -> list[Hit]:
        """Return the requests for path answered so far."""
        return [hit for hit in list(self.log) if hit.path == path]

    def wait_for_hits(self, path: str, test: Callable[[list[Hit]], bool], timeout: float = 20) -> list[Hit]:
        """Wait until the requests answered for path pass test, and return them.

        A request is logged once its response has been sent, which is after the app's work is visible:
        a submission is in the database a moment before its 201 is in this log.
        """
        deadline = time.monotonic() + timeout
        while not test(hits := self.hits(path)):
            assert time.monotonic() < deadline, f"{path} after {timeout} s: {[hit.status for hit in hits]}"
            time.sleep(0.1)
        return hits


@dataclass
class Tablet:
    """A location with a kiosk form and a tablet waiting to be paired there."""

    session: Session
    server: KioskServer
    location_id: int
    device_id: int
    code: str
    form_json: dict[str, Any] = field(default_factory=dict)

    @property
    def pair_url(self) -> str:
        return f"{self.server.url}/kiosk/pair#code={self.code[:4]}-{self.code[4:]}"

    @property
    def kiosk_url(self) -> str:
        return f"{self.server.url}/kiosk/"

    def revoke(self) -> None:
        """Revoke the tablet, as staff would, while the server keeps running."""
        self.session.rollback()
        begin_write(self.session)  # take the write lock first: the server writes at the same time
        revoke(self.session, self.session.get_one(Device, self.device_id), now=datetime.now(timezone.utc))
        self.session.commit()

    def submissions(self) -> list[Submission]:
        """Return what the server has stored so far."""
        self.session.rollback()  # end the last read, to see what the server committed since
        return list(self.session.scalars(select(Submission).options(selectinload(Submission.answers), selectinload(Submission.free_texts))))

    def wait_for_submissions(self, count: int, timeout: float = 20, page: Page | None = None) -> list[Submission]:
        """Wait until exactly count submissions are stored; fail if more arrive or none do in time.

        Pass the page when it has routes: Playwright calls route handlers only while it waits itself.
        """
        deadline = time.monotonic() + timeout
        while True:
            rows = self.submissions()
            assert len(rows) <= count, f"{len(rows)} stored, expected {count}"
            if len(rows) == count:
                return rows
            assert time.monotonic() < deadline, f"only {len(rows)} of {count} stored after {timeout} s"
            page.wait_for_timeout(100) if page else time.sleep(0.1)


def watch(context: BrowserContext, errors: list[str]) -> None:
    """Add script errors and CSP refusals of context to errors."""
    context.on("weberror", lambda e: errors.append(f"error: {e.error}"))
    context.on(
        "console",
        lambda m: errors.append(f"console: {m.text}") if "Content Security Policy" in m.text or "Refused" in m.text else None,
    )


def sign_in(page: Page, base: str, staff: Staff) -> None:
    """Sign a staff member in through the pages: e-mail and password, then the second factor's code."""
    page.goto(f"{base}/admin/login")
    page.get_by_label("E-post").fill(staff.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn", exact=True).click()
    page.get_by_role("textbox", name="Kode").fill(staff.next_code())
    page.get_by_role("button", name="Fortsett", exact=True).click()


def pair(page: Page, tablet: Tablet) -> None:
    """Pair the page's tablet through the QR code's address and wait for the idle screen."""
    page.goto(tablet.pair_url)
    expect(face(page, 5)).to_be_visible()


def face(page: Page, value: int) -> Locator:
    """Return the idle screen's face button for a rating."""
    return page.locator(".faces").get_by_role("button", name=FACE_LABELS[value], exact=True)


def button(page: Page, name: str) -> Locator:
    """Return a button on the current screen (not in the bar at the top) by its exact name."""
    return page.locator("#app").get_by_role("button", name=name, exact=True)


def answers_of(row: Submission) -> dict[int, Any]:
    """Return a submission's answers as {question id: number or text, or the list of chosen option ids}."""
    found: dict[int, list[Any]] = {}
    for a in row.answers:
        found.setdefault(a.question_id, []).append(a.option_id or a.number)
    for item in row.free_texts:  # de-identified on arrival, kept apart from the other answers
        found.setdefault(item.question_id, []).append(item.text)
    return {q: sorted(values) if len(values) > 1 else values[0] for q, values in found.items()}


def choose(page: Page, label: str) -> None:
    """Tap an answer on a question screen by its exact label."""
    page.locator("#app label.choice").get_by_text(label, exact=True).click()


def outbox(page: Page) -> list[dict[str, Any]]:
    """Return the entries waiting in the kiosk's IndexedDB outbox."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('siifra-kiosk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const db = open.result;
            const read = db.transaction('outbox').objectStore('outbox').getAll();
            read.onsuccess = () => { db.close(); resolve(read.result); };
        };
    })""")


def screenshot(page: Page, name: str) -> None:
    """Save a screenshot for the docs when SIIFRA_SCREENSHOTS is set (kept out of normal runs)."""
    if os.environ.get("SIIFRA_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"kiosk-{name}.png"))
