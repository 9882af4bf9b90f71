"""Logging that can never tell who said what.

Log lines carry no IP address, user agent, referrer, query string or time of day: handlers write the
level, the logger and the message, and nothing in the app logs more than a method and a path.
"""

from __future__ import annotations

import logging
import sys

from flask import Flask
from flask.logging import default_handler

FORMAT = "%(levelname)s %(name)s: %(message)s"


def init_app(app: Flask) -> None:
    """Log through the root logger without timestamps; silence the dev server's request log."""
    # Flask's default handler stamps every line with the time.
    app.logger.removeHandler(default_handler)
    app.logger.setLevel(logging.INFO)
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    # The development server logs the client address and a timestamp for every request.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # WeasyPrint reports each step of every PDF (six lines a poster) at INFO; its warnings still show.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
