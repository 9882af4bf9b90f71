"""Digests as people read them: one set of templates for the staff page, the PDF, and the e-mail.

Everything renders in the council's language (the snapshot's), whoever looks at it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import css_inline
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from kiosk import mail, pdf
from kiosk.digests import shown
from kiosk.models import Digest, User
from kiosk.urls import public_url

MODES = ("page", "pdf", "email")
STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "digest.css"
# Only the <style> of the template itself: never a stylesheet from anywhere else.
_inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=False)


def render_text(digest: Digest) -> str:
    """Return the digest as plain text (the e-mail's text part, and `digest show --format text`)."""
    snapshot = digest.snapshot or {}
    with force_locale(snapshot.get("language", "nb")):
        return render_template("kiosk/digests/digest.txt", digest=digest, d=snapshot, w=shown, link=_page_url(digest))


def render_html(digest: Digest, *, mode: str) -> Markup:
    """Return the digest as HTML: a fragment for the staff page, or a whole document for the PDF or the e-mail."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    snapshot = digest.snapshot or {}
    with force_locale(snapshot.get("language", "nb")):
        html = render_template(
            f"kiosk/digests/{mode}.html",
            digest=digest,
            d=snapshot,
            w=shown,
            mode=mode,
            css=Markup(STYLESHEET.read_text(encoding="utf-8")),
            link=_page_url(digest) if mode == "email" else None,
            **(_print_footer(snapshot) if mode == "pdf" else {}),
        )
    if mode == "email":
        html = _inliner.inline(html)
    return Markup(html)


def _print_footer(snapshot: Mapping[str, Any]) -> dict[str, Markup]:
    """Return the PDF footer's CSS strings: council and period on the left, "page 2 of 3" on the right."""
    period = snapshot.get("period", {}).get("label", "")
    left = f"{snapshot.get('council', '')} · {_('sammendrag for %(period)s', period=period)}"
    return {
        "footer": Markup(_css_string(left)),
        "page_of": Markup(
            f"{_css_string(_('Side') + ' ')} counter(page) {_css_string(' ' + _('av') + ' ')} counter(pages)"
        ),
    }


def _css_string(text: str) -> str:
    """Return text as a CSS string literal that nothing in it can end early."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;·–-()/" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def render_pdf(digest: Digest) -> bytes:
    """Return the digest as a print-ready, tagged A4 PDF."""
    return pdf.html_to_pdf(str(render_html(digest, mode="pdf")))


def subject(digest: Digest) -> str:
    """Return the e-mail's subject, in the council's language."""
    snapshot = digest.snapshot or {}
    with force_locale(snapshot.get("language", "nb")):
        return _(
            "Si ifra: sammendrag for %(council)s, %(period)s", council=snapshot.get("council", ""), period=digest.period
        )


def compose(digest: Digest, member: User, *, config: Mapping[str, Any]) -> mail.Mail:
    """Return the e-mail of a digest to one member: text, HTML, and the PDF to print."""
    return mail.Mail(
        to=member.email,
        subject=subject(digest),
        text=render_text(digest),
        html=str(render_html(digest, mode="email")),
        attachments=(mail.Attachment(shown.file_name(digest, "pdf"), render_pdf(digest)),),
    )


def _page_url(digest: Digest) -> str:
    return public_url(f"/admin/digests/{digest.id}")
