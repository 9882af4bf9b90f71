"""Logging that can never tell who said what.

Log lines carry no IP address, user agent, referrer, query string or time of day: handlers write the
message alone, and request logging names only the method, the path and the status.
"""
from __future__ import annotations

import logging
import sys

from flask import Flask

FORMAT = "%(levelname)s %(name)s: %(message)s"


def init_app(app: Flask) -> None:
    """Send the app's log to stderr without timestamps, and silence the dev server's request log."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    app.logger.handlers[:] = [handler]
    app.logger.propagate = True
    app.logger.setLevel(logging.INFO)
    # The development server logs the client address and a timestamp for every request.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
