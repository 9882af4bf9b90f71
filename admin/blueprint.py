"""The admin blueprint: one guard, the views, the templates and the static files of the staff side."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

bp = Blueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


def init_app(app: Flask) -> None:
    """Register the admin blueprint, its CSRF error page and its commands."""
    from admin import cli

    app.register_blueprint(bp)
    app.register_error_handler(CSRFError, _csrf_error)
    cli.init_app(app)


def _template_helpers() -> dict[str, Any]:
    from admin.audit_labels import LANGUAGE_LABELS, action_label
    from admin.forms import ROLE_LABELS
    from admin.location_forms import DAYS, KIND_LABELS
    from admin.moderation_forms import KINDS
    from kiosk.i18n import LANGUAGE_NAMES, current_language
    from kiosk.periods import period_label

    days = dict(DAYS)
    statuses = {
        "pending": _l("Venter"),
        "second_look": _l("Venter på moderator nummer to"),
        "released": _l("Sluppet fram"),
        "hidden": _l("Skjult"),
    }
    deliveries = {"queued": _l("Venter"), "sending": _l("Sendes"), "sent": _l("Sendt"), "failed": _l("Feilet")}
    return {
        "delivery_label": lambda status: str(deliveries.get(status.value, status.value)),
        "period_label": period_label,
        "kind_label_text": lambda kind: str(KINDS.get(kind, kind)),
        "status_label": lambda status: str(statuses.get(status.value, status.value)),
        "current_lang": current_language,
        "language_names": LANGUAGE_NAMES,
        "role_label": lambda role: str(ROLE_LABELS[role]),
        "kind_label": lambda kind: str(KIND_LABELS[kind]),
        "day_label": lambda day: str(days.get(day, day)),
        "action_label": action_label,
        "language_label": lambda code: str(LANGUAGE_LABELS[code]),
    }


def _csrf_error(error: CSRFError):
    from flask_babel import gettext as _

    from kiosk.extensions import db

    db.session.rollback()
    return (
        render_template(
            "admin/message.html",
            heading=_("Siden var utløpt"),
            message=_(
                "Siden hadde vært åpen lenge, eller du har logget inn på nytt. Gå tilbake, last siden på nytt og prøv igjen."
            ),
        ),
        400,
    )


def _set_up() -> None:
    from admin import access, cookies
    from admin.views import (  # noqa: F401
        audit,
        auth,
        councils,
        devices,
        digests,
        forms,
        home,
        ledger,
        links,
        locations,
        moderation,
        notes,
        retention,
        themes,
        trends,
        users,
        words,
    )

    bp.before_request(access.guard)
    bp.after_request(cookies.apply)
    bp.context_processor(_template_helpers)


_set_up()
