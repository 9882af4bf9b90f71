"""Digests as people read them: one set of templates for the staff page, the PDF, and the e-mail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from kiosk import mail
from kiosk.models import Digest, User
from kiosk.urls import public_url


def render_text(digest: Digest) -> str:
    """Return the digest as plain text (the e-mail's text part, and `digest show --format text`)."""
    snapshot = digest.snapshot or {}
    with force_locale(snapshot.get("language", "nb")):
        return render_template("kiosk/digests/digest.txt", digest=digest, d=snapshot, link=_page_url(digest))


def subject(digest: Digest) -> str:
    """Return the e-mail's subject, in the council's language."""
    snapshot = digest.snapshot or {}
    with force_locale(snapshot.get("language", "nb")):
        return _(
            "Si ifra: sammendrag for %(council)s, %(period)s", council=snapshot.get("council", ""), period=digest.period
        )


def compose(digest: Digest, member: User, *, config: Mapping[str, Any]) -> mail.Mail:
    """Return the e-mail of a digest to one member."""
    return mail.Mail(to=member.email, subject=subject(digest), text=render_text(digest))


def _page_url(digest: Digest) -> str:
    return public_url(f"/admin/digests/{digest.id}")
