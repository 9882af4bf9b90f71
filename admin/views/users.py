"""Staff accounts: list, invite, change role, disable and enable (admins only)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from admin.access import current_user, now, roles
from admin.accounts import AccountError, change_role, invite, set_active
from admin.audit import record
from admin.blueprint import bp
from admin.forms import ActionForm, InviteForm, RoleForm
from admin.mail import send_invitation
from admin.messages import password_messages
from kiosk.extensions import db
from kiosk.models import Council, Invitation, Role, User
from kiosk.urls import external_url


def _council_choices() -> list[tuple[int, str]]:
    return [SelectChoice(0, "–")] + [
        SelectChoice(c.id, c.name) for c in db.session.scalars(select(Council).order_by(Council.name))
    ]


@bp.get("/users")
@roles(Role.ADMIN)
def users():
    """List staff accounts and open invitations."""
    form = InviteForm()
    form.council.choices = _council_choices()
    accounts = db.session.scalars(select(User).order_by(User.name)).all()
    pending = db.session.scalars(
        select(Invitation).where(Invitation.used_at.is_(None)).order_by(Invitation.created_at.desc())
    ).all()
    return render_template("admin/users.html", accounts=accounts, pending=pending, form=form, action=ActionForm())


@bp.post("/users/invite")
@roles(Role.ADMIN)
def invite_user():
    """Invite a staff member: a one-time link, e-mailed when mail is set up, and shown here."""
    form = InviteForm()
    form.council.choices = _council_choices()
    if not form.validate():
        flash(_("Sjekk navn, e-post og rolle."), "error")
        return redirect(url_for("admin.users"))
    council = db.session.get(Council, form.council.data) if form.council.data else None
    try:
        invitation, token = invite(
            db.session,
            email=form.email.data,
            name=form.name.data,
            role=Role(form.role.data),
            council=council,
            invited_by=current_user(),
            now=now(),
            hours=current_app.config["INVITATION_HOURS"],
        )
    except AccountError as error:
        for message in password_messages(error):
            flash(message, "error")
        return redirect(url_for("admin.users"))
    record(db.session, current_user(), "user_invited", invitation.email, now=now(), role=invitation.role.value)
    db.session.commit()
    link = external_url("admin.invitation", token=token)
    sent = send_invitation(invitation, link)
    return render_template("admin/invitation_sent.html", invitation=invitation, link=link, sent=sent)


@bp.post("/users/<int:user_id>/active")
@roles(Role.ADMIN)
def toggle_user(user_id: int):
    """Disable an account (ending its sessions at once) or enable it again."""
    user = db.get_or_404(User, user_id)
    if ActionForm().validate() and user.id != current_user().id:
        set_active(db.session, user, not user.is_active, now=now())
        record(db.session, current_user(), "user_enabled" if user.is_active else "user_disabled", user.email, now=now())
        db.session.commit()
    elif user.id == current_user().id:
        flash(_("Du kan ikke sperre din egen konto."), "error")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@roles(Role.ADMIN)
def user_role(user_id: int):
    """Change a staff member's role."""
    user = db.get_or_404(User, user_id)
    form = RoleForm(role=user.role.value, council=user.council_id or 0)
    form.council.choices = _council_choices()
    if form.validate_on_submit():
        council = db.session.get(Council, form.council.data) if form.council.data else None
        try:
            change_role(db.session, user, Role(form.role.data), council)
        except AccountError as error:
            for message in password_messages(error):
                flash(message, "error")
        else:
            record(db.session, current_user(), "user_role_changed", user.email, now=now(), role=user.role.value)
            db.session.commit()
            return redirect(url_for("admin.users"))
    return render_template("admin/user_role.html", user=user, form=form)
