"""Si ifra: anonymous feedback from a poster's QR code or a tablet on the wall."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app: settings, extensions, then the public side, the API and the staff side."""
    app = Flask(__name__, instance_path=os.environ.get("SIIFRA_INSTANCE_PATH"), instance_relative_config=True)
    _configure(app, test_config)
    _init_extensions(app)
    _register_parts(app)
    return app


def _configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Read the settings (defaults, instance/config.py, SIIFRA_* variables, a test's own) and check them."""
    from kiosk import config

    app.config.from_object(config.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("SIIFRA")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = config.database_uri(app)
    config.make_instance_folder(app)
    config.load_secret_key(app)
    config.check_secret_key(app)
    config.check_settings(app)
    config.secure_cookies(app)


def _init_extensions(app: Flask) -> None:
    """Set up logging, the database and its migrations, languages, CSRF, the security headers and sessions."""
    from kiosk import database, headers, logs, sessions
    from kiosk.extensions import babel, csrf, db, migrate
    from kiosk.i18n import current_language

    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS",
        database.engine_options(app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLITE_BUSY_TIMEOUT_MS"]),
    )
    logs.init_app(app)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    babel.init_app(app, locale_selector=current_language)
    csrf.init_app(app)
    headers.init_app(app)
    sessions.init_app(app)


def _register_parts(app: Flask) -> None:
    """Register the public pages, the tablet, the API, the staff side, templates, commands and error pages."""
    from admin.blueprint import init_app as init_admin
    from kiosk import api, cli, errors, templating
    from kiosk.extensions import csrf
    from kiosk.public.receipts import bp as receipts_bp
    from kiosk.public.views import bp as public_bp
    from kiosk.tablet.views import bp as tablet_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(receipts_bp)
    app.register_blueprint(tablet_bp)
    api.init_app(app)
    init_admin(app)
    # The public form checks its CSRF token itself, through FlaskForm, so that a stale token
    # re-renders the form with what the person typed instead of failing before the view runs.
    csrf.exempt(public_bp)
    csrf.exempt(receipts_bp)
    templating.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
