"""Fixtures: the shipped deployment (gunicorn behind nginx) on the test's database."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.deploy.servers import SERVER_NAME, Gunicorn, Nginx, free_port, shipped_gunicorn

BASE_URL = f"https://{SERVER_NAME}"


@dataclass
class Deployment:
    """One app server and the nginx in front of it."""

    gunicorn: Gunicorn
    nginx: Nginx


@pytest.fixture
def deployment(app, database_url: str, tmp_path: Path) -> Iterator[Callable[..., Deployment]]:
    """Return start(kind="systemd", **settings): gunicorn as the systemd unit ("systemd") or the container
    ("container") runs it, behind nginx; settings are what the operator adds (SIIFRA_MAIL_SERVER=...).

    It depends on app so that the servers stop before the app fixture empties the tables.
    """
    with ExitStack() as stack:

        def start(kind: str = "systemd", **settings: str) -> Deployment:
            port = free_port()
            operator = {
                "DATABASE_URL": database_url, "SIIFRA_SECRET_KEY": app.config["SECRET_KEY"], "SIIFRA_BASE_URL": BASE_URL, **settings
            }
            command, env = shipped_gunicorn(kind, port, tmp_path / "served", operator)
            gunicorn = stack.enter_context(Gunicorn(tmp_path / "gunicorn", command, env, port))
            nginx = stack.enter_context(Nginx(tmp_path / "nginx", port))
            return Deployment(gunicorn, nginx)

        yield start
