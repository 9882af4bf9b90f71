"""The browser tests' server log: a response is waited for, as it is logged only once it has been sent."""
from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator

from flask import Flask, Response

from tests.browser.helpers import KioskServer


def test_waiting_for_the_log_sees_a_response_sent_after_its_work_is_visible() -> None:
    """The race behind a flaky count of 201s: a row is stored before its response is written and logged."""
    app = Flask(__name__)
    stored = threading.Event()

    @app.get("/slow")
    def slow() -> Response:
        def body() -> Iterator[bytes]:
            stored.set()  # the work is visible to the test (like a committed row) ...
            yield b"stored"
            time.sleep(0.3)  # ... while the response is still being written
            yield b"."

        return Response(body())

    server = KioskServer(app)
    server.start()
    try:
        client = threading.Thread(target=lambda: urllib.request.urlopen(f"{server.url}/slow").read())
        client.start()
        assert stored.wait(10)
        [hit] = server.wait_for_hits("/slow", lambda hits: len(hits) == 1, timeout=10)
        assert hit.status == 200
        client.join(10)
    finally:
        server.stop()
