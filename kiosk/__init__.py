"""Si ifra: anonymous feedback from a poster's QR code or a tablet on the wall."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app."""
    app = Flask(__name__, instance_path=os.environ.get("SIIFRA_INSTANCE_PATH"), instance_relative_config=True)

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

    from kiosk import database, headers, logs
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

    from kiosk import api
    from kiosk.public.receipts import bp as receipts_bp
    from kiosk.public.views import bp as public_bp
    from kiosk.tablet.views import bp as tablet_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(receipts_bp)
    app.register_blueprint(tablet_bp)
    api.init_app(app)
    from admin.blueprint import init_app as init_admin

    init_admin(app)
    # The public form checks its CSRF token itself, through FlaskForm, so that a stale token
    # re-renders the form with what the person typed instead of failing before the view runs.
    csrf.exempt(public_bp)
    csrf.exempt(receipts_bp)

    from kiosk import cli, errors, templating

    templating.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
    return app
