"""Themes free text is grouped by in digests: a name and keywords in each language (admins)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from admin.access import current_user, now, roles
from admin.audit import record
from admin.blueprint import bp
from admin.forms import ActionForm
from admin.theme_forms import ThemeForm
from kiosk.extensions import db
from kiosk.models import Role, Theme


@bp.get("/themes")
@roles(Role.ADMIN)
def themes():
    """List themes, and a form for a new one."""
    return _list(ThemeForm(), 200)


def _list(form: ThemeForm, status: int):
    items = db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)).all()
    return render_template("admin/themes.html", themes=items, form=form, action=ActionForm()), status


@bp.post("/themes")
@roles(Role.ADMIN)
def theme_new():
    """Add a theme at the end of the list; on a mistake, show the list again with what was typed."""
    form = ThemeForm()
    if not form.validate():
        flash(_("Skriv et navn på bokmål og minst ett nøkkelord."), "error")
        return _list(form, 422)
    position = (db.session.scalar(select(func.max(Theme.position))) or 0) + 1
    theme = Theme(name=form.names(), keywords=form.keyword_lists(), position=position)
    db.session.add(theme)
    db.session.flush()
    record(db.session, current_user(), "theme_saved", theme.name.get("nb", ""), now=now())
    db.session.commit()
    return redirect(url_for("admin.themes"))


@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def theme_edit(theme_id: int):
    """Change a theme's names and keywords (digests already made keep their grouping)."""
    theme = db.get_or_404(Theme, theme_id)
    form = ThemeForm()
    if not form.is_submitted():
        form.fill(theme)
    if form.validate_on_submit():
        theme.name, theme.keywords = form.names(), form.keyword_lists()
        record(db.session, current_user(), "theme_saved", theme.name.get("nb", ""), now=now())
        db.session.commit()
        flash(_("Temaet er lagret."), "info")
        return redirect(url_for("admin.themes"))
    return render_template("admin/theme.html", theme=theme, form=form)


@bp.post("/themes/<int:theme_id>/remove")
@roles(Role.ADMIN)
def theme_remove(theme_id: int):
    """Remove a theme; its texts count under other themes, or "no theme", from the next digest on."""
    theme = db.get_or_404(Theme, theme_id)
    if ActionForm().validate():
        record(db.session, current_user(), "theme_removed", theme.name.get("nb", ""), now=now())
        db.session.delete(theme)
        db.session.commit()
    return redirect(url_for("admin.themes"))
