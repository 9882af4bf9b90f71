"""Council digests: read one, download it (PDF, CSV, XLSX, JSON), see and repeat its e-mails, build one by hand.

A council member sees their own council's digests and nothing else (another council's digest is a 404);
moderators and admins see all. Only closed periods ever have a digest: there is nothing live here.
"""

from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from admin.access import ALL_STAFF, current_user, now, require_council_access, roles
from admin.audit import record
from admin.blueprint import bp
from admin.forms import ActionForm
from kiosk.digests import exports, render
from kiosk.digests.build import build
from kiosk.digests.delivery import send_again
from kiosk.digests.periods import parse_period
from kiosk.digests.shown import file_name
from kiosk.extensions import db
from kiosk.models import Council, Digest, DigestDelivery, DigestStatus, Role
from kiosk.periods import local_today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _digest(digest_id: int) -> Digest:
    """Return a built digest the signed-in user may read (404 otherwise, so nothing leaks)."""
    digest = db.get_or_404(Digest, digest_id)
    require_council_access(digest.council_id)
    if digest.status is not DigestStatus.READY:
        abort(404)
    return digest


def _download(data: bytes, mimetype: str, digest: Digest, extension: str) -> Response:
    name = file_name(digest, extension)
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/digests")
@roles(*ALL_STAFF)
def digests():
    """List the digests this user may read, newest first."""
    query = (
        select(Digest).where(Digest.status == DigestStatus.READY).order_by(Digest.first_day.desc(), Digest.id.desc())
    )
    user = current_user()
    if user.role is Role.COUNCIL:
        query = query.where(Digest.council_id == user.council_id)
    councils = db.session.scalars(select(Council).order_by(Council.name)).all() if user.role is Role.ADMIN else []
    return render_template(
        "admin/digests.html", digests=db.session.scalars(query.limit(200)).all(), councils=councils, action=ActionForm()
    )


@bp.get("/digests/<int:digest_id>")
@roles(*ALL_STAFF)
def digest(digest_id: int):
    """Show a digest as the council reads it, with its downloads and (for admins) its e-mails."""
    item = _digest(digest_id)
    return render_template(
        "admin/digest.html", digest=item, body=render.render_html(item, mode="page"), action=ActionForm()
    )


@bp.get("/digests/<int:digest_id>/pdf")
@roles(*ALL_STAFF)
def digest_pdf(digest_id: int):
    """Download the digest as a print-ready A4 PDF."""
    item = _digest(digest_id)
    return _download(render.render_pdf(item), "application/pdf", item, "pdf")


@bp.get("/digests/<int:digest_id>/csv")
@roles(*ALL_STAFF)
def digest_csv_view(digest_id: int):
    """Download the digest's tables (as shown: hidden counts stay hidden) as CSV."""
    item = _digest(digest_id)
    return _download(exports.digest_csv(item), "text/csv", item, "csv")


@bp.get("/digests/<int:digest_id>/xlsx")
@roles(*ALL_STAFF)
def digest_xlsx_view(digest_id: int):
    """Download the digest's tables (as shown) as a spreadsheet."""
    item = _digest(digest_id)
    return _download(exports.digest_xlsx(item), XLSX, item, "xlsx")


@bp.get("/digests/<int:digest_id>/json")
@roles(*ALL_STAFF)
def digest_json_view(digest_id: int):
    """Download the digest as shown, as JSON, so that others can check it."""
    item = _digest(digest_id)
    data = json.dumps(exports.digest_json(item), ensure_ascii=False, indent=2).encode()
    return _download(data, "application/json", item, "json")


@bp.post("/digests/<int:digest_id>/deliveries/<int:delivery_id>/send")
@roles(Role.ADMIN)
def digest_send_again(digest_id: int, delivery_id: int):
    """Send one member's e-mail of a digest again (after a failure, or on request)."""
    item = _digest(digest_id)
    delivery = db.get_or_404(DigestDelivery, delivery_id)
    if delivery.digest_id != item.id:
        abort(404)
    if ActionForm().validate():
        send_again(db.session, delivery, now=now())
        record(db.session, current_user(), "digest_sent_again", item.period, now=now(), council=item.council.name)
        db.session.commit()
        flash(_("E-posten sendes igjen om noen minutter."), "info")
    return redirect(url_for("admin.digest", digest_id=item.id))


@bp.post("/digests/build")
@roles(Role.ADMIN)
def digest_build():
    """Build a council's digest for a period that is over (building it again changes nothing)."""
    council = db.session.get(Council, request.form.get("council", type=int) or 0)
    if council is None or not ActionForm().validate():
        flash(_("Velg et brukerråd."), "error")
        return redirect(url_for("admin.digests"))
    try:
        period = parse_period(request.form.get("period", ""))
    except ValueError:
        flash(_("Skriv perioden som 2026-W48 (en uke) eller 2026-11 (en måned)."), "error")
        return redirect(url_for("admin.digests"))
    if period.last_day >= local_today(current_app.config["TIMEZONE"], now()):
        flash(_("Perioden er ikke over ennå. Et sammendrag lages først når perioden er over."), "error")
        return redirect(url_for("admin.digests"))
    result = build(db.session, council, period, now=now())
    db.session.commit()
    if result.digest is None or result.digest.status is not DigestStatus.READY:
        flash(_("Perioden hadde for få svar til et sammendrag. Svarene tas med i neste."), "info")
        return redirect(url_for("admin.digests"))
    if result.new:
        record(db.session, current_user(), "digest_built", result.digest.period, now=now(), council=council.name)
        db.session.commit()
    return redirect(url_for("admin.digest", digest_id=result.digest.id))
