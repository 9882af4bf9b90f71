"""Measure the tablet kiosk in Chromium: first-load size and requests, and the time from tap to thank-you.

    python bench/kiosk_load.py [--taps 20] [--cpu-slowdown 4] [--chromium /usr/bin/chromium]

In one run: migrate a fresh SQLite database in a temporary folder, load the demo data, add a tablet at
"Fyrlykta dagsenter" (whose kiosk shows the longer demo form), and serve the app over HTTP on 127.0.0.1
with werkzeug (no compression, as a worst case: nginx would gzip). Then, in Chromium with a tablet
viewport and CDP CPU throttling (Emulation.setCPUThrottlingRate):

- the first visit ever (the pairing address from the QR code): every request the server answered and
  the bytes it sent for it (status line, headers, body), until the service worker holds the shell;
- a paired tablet's first load without any cache (same token, fresh browser profile);
- a reload, served by the service worker: time from navigation to the faces being on screen;
- tap to thank-you: from the finger going down (pointerdown) to the animation frame after the
  thank-you screen is in the page, measured in the page with performance.now(), over --taps taps.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402

from kiosk import create_app  # noqa: E402
from kiosk.demo import load_demo  # noqa: E402
from kiosk.devices import create_device  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from kiosk.models import Location  # noqa: E402
from tests.browser.helpers import MEASURE_TAP, Hit, KioskServer  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True, "is_mobile": False,
          "locale": "nb-NO", "timezone_id": "Europe/Oslo"}
SHELL_SIZE = 5  # the page, the style and three scripts
def prepare(folder: Path) -> tuple[Any, str]:
    """Return the app on a fresh database with demo data, and a tablet's pairing code."""
    os.environ["SIIFRA_INSTANCE_PATH"] = str(folder / "instance")
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}"})
    with app.app_context():
        upgrade()
        now = datetime.now(timezone.utc)
        load_demo(db.session, now=now)
        centre = db.session.scalars(select(Location).where(Location.name == "Fyrlykta dagsenter")).one()
        centre.opening_hours = {}  # the benchmark runs at any hour
        _, code = create_device(db.session, centre, "Bench", now=now, minutes=15)
        db.session.commit()
    return app, code


def throttle(page: Page, rate: float) -> None:
    session = page.context.new_cdp_session(page)
    session.send("Emulation.setCPUThrottlingRate", {"rate": rate})


def settle(page: Page) -> None:
    """Wait for the idle screen and for the service worker to hold the whole shell."""
    page.locator(".faces button").first.wait_for()
    page.wait_for_function(
        """async (n) => navigator.serviceWorker.controller
            && (await (await caches.open('siifra-shell-2')).keys()).length === n""",
        arg=SHELL_SIZE, polling=100, timeout=30000,
    )
    page.wait_for_load_state("networkidle")


def report_load(title: str, log: list[Hit]) -> dict[str, Any]:
    hits = [(hit.method, hit.path, hit.bytes) for hit in log]
    total = sum(size for _, _, size in hits)
    print(f"\n{title}: {len(hits)} requests, {total} bytes ({total / 1024:.1f} KiB)")
    for method, path, size in hits:
        print(f"  {method:4} {path:32} {size:6} B")
    return {"requests": len(hits), "bytes": total}


def taps(page: Page, count: int) -> list[float]:
    """Tap a face count times, answering "no more" each time; return the tap-to-thanks times in ms."""
    times = []
    faces = page.locator(".faces button")
    for n in range(count):
        page.evaluate(MEASURE_TAP)
        faces.nth(n % 5).tap()
        page.wait_for_function("window.tapToThanks !== null")
        times.append(page.evaluate("window.tapToThanks"))
        page.locator("#app").get_by_role("button", name="Nei, ferdig").tap()
        faces.first.wait_for()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=20)
    parser.add_argument("--cpu-slowdown", type=float, default=4)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="siifra-kiosk-bench-") as folder:
        app, code = prepare(Path(folder))
        server = KioskServer(app)
        server.start()
        url = server.url
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=options.chromium, args=ARGS)
            context = browser.new_context(**TABLET)
            page = context.new_page()
            throttle(page, options.cpu_slowdown)
            page.goto(f"{url}/kiosk/pair#code={code[:4]}-{code[4:]}")
            settle(page)
            first = report_load("First visit (pairing, form, offline shell)", list(server.log))

            state = context.storage_state()
            fresh = browser.new_context(**TABLET, storage_state=state)
            other = fresh.new_page()
            throttle(other, options.cpu_slowdown)
            server.log.clear()
            other.goto(f"{url}/kiosk/")
            settle(other)
            paired = report_load("Paired tablet, empty caches", list(server.log))
            fresh.close()

            reloads = []
            for _ in range(5):
                page.reload()
                page.locator(".faces button").first.wait_for()
                reloads.append(page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
            shown = page.evaluate("""() => {
                const nav = performance.getEntriesByType('navigation')[0];
                return { worker: nav.workerStart > 0, transfer: nav.transferSize };
            }""")

            times = taps(page, options.taps)
            browser.close()
        server.stop()

    print("taps (ms):", " ".join(f"{x:.0f}" for x in times))
    times.sort()
    print(f"\nReload from the service worker (x5): DOMContentLoaded median {statistics.median(reloads):.0f} ms,"
          f" served by the worker: {shown['worker']}")
    print(f"Tap to thank-you, CPU slowed {options.cpu_slowdown:g}x, {len(times)} taps: median {statistics.median(times):.1f} ms,"
          f" p90 {times[int(0.9 * (len(times) - 1))]:.1f} ms, max {times[-1]:.1f} ms")
    print("\n| measure | result | budget |\n|---|---|---|")
    print(f"| first visit (pair + form + offline shell) | {first['bytes'] / 1024:.1f} KiB in {first['requests']} requests | 68 KiB, 9 requests |")
    print(f"| paired tablet, empty caches | {paired['bytes'] / 1024:.1f} KiB in {paired['requests']} requests | 68 KiB, 9 requests |")
    print(f"| tap → thank-you (CPU {options.cpu_slowdown:g}× slower), median / max of {len(times)} | "
          f"{statistics.median(times):.1f} / {times[-1]:.1f} ms | 100 ms |")
    print(f"| reload from service worker, DOMContentLoaded median | {statistics.median(reloads):.0f} ms | — |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
