"""Long-running processes freeze what their start-up made, so that full collections skip it."""

import gc
import runpy
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.heap import freeze_startup

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite runs as before


def test_start_up_garbage_is_collected_and_the_rest_frozen(unfrozen: None) -> None:
    class Cycle:
        pass

    garbage = Cycle()
    garbage.me = garbage  # type: ignore[attr-defined]
    gone = weakref.ref(garbage)
    del garbage
    assert gone() is not None  # a cycle waits for a collection
    freeze_startup()
    assert gone() is None  # freed, not frozen for good
    assert gc.get_freeze_count() > 10_000  # the test run's modules, the app's classes, ...
    assert len(gc.get_objects()) < gc.get_freeze_count() / 10  # what collections still walk


def test_gunicorn_workers_freeze_once_the_app_is_loaded(unfrozen: None) -> None:
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert gc.get_freeze_count() == 0
    settings["post_worker_init"](None)
    assert gc.get_freeze_count() > 10_000
