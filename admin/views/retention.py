"""How long data is kept: the retention settings (admins)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from admin.access import current_user, now, roles
from admin.audit import record
from admin.blueprint import bp
from admin.forms import RetentionForm
from kiosk.extensions import db
from kiosk.models import Role
from kiosk.retention import policy, set_policy


@bp.route("/retention", methods=["GET", "POST"])
@roles(Role.ADMIN)
def retention():
    """Show what is kept and for how long, and change the two periods that can be changed."""
    current = policy(db.session, current_app.config)
    form = RetentionForm(months=current.months, original_days=current.original_days)
    if form.validate_on_submit():
        set_policy(db.session, form.months.data, form.original_days.data)
        record(db.session, current_user(), "retention_changed", now=now(), months=form.months.data, original_days=form.original_days.data)
        db.session.commit()
        flash(_("Lagret. Det som er eldre, slettes neste natt."), "info")
        return redirect(url_for("admin.retention"))
    return render_template("admin/retention.html", form=form, policy=current)
