"""Sign in, the second factor, enrolment, sign out, and accepting an invitation."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session as flask_session, url_for
from flask_babel import gettext as _

from admin import cookies
from admin.access import ALL_STAFF, current_session, current_user, now, partial, public, roles
from admin.accounts import AccountError, accept_invitation, open_invitation
from admin.audit import record
from admin.blueprint import bp
from admin.forms import ActionForm, CodeForm, LoginForm, NewPasswordForm
from admin.login import LoginFailed, check_password
from admin.messages import password_messages
from admin.passwords import MIN_LENGTH
from admin.sessions import end_session, rotate_session, start_session
from admin.twofactor import confirm_enrolment, new_recovery_codes, new_secret, provisioning_uri, qr_svg, verify_code
from kiosk.extensions import db


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/admin") and not target.startswith("//"):
        return target
    return url_for("admin.home")


@bp.get("/login")
@public
def login():
    """Show the sign-in form."""
    if current_session() is not None and current_session().two_factor_done:
        return redirect(url_for("admin.home"))
    return render_template("admin/login.html", form=LoginForm(), next=request.args.get("next"))


@bp.post("/login")
@public
def login_post():
    """Check the password; then ask for the second factor, or set it up, or let the user in."""
    form = LoginForm()
    if not form.validate():
        return render_template("admin/login.html", form=form, next=request.form.get("next")), 400
    try:
        user = check_password(db.session, form.email.data, form.password.data, now=now())
    except LoginFailed:
        db.session.commit()  # the failure counts towards the throttle
        flash(_("Feil e-post eller passord, eller for mange forsøk. Vent litt og prøv igjen."), "error")
        return render_template("admin/login.html", form=LoginForm(email=form.email.data), next=request.form.get("next")), 401
    done = not user.two_factor_enabled and not user.role.needs_two_factor
    if current_session() is not None:
        end_session(db.session, current_session(), now=now())
    cookies.issue(start_session(db.session, user, now=now(), two_factor_done=done))
    flask_session["admin_next"] = _safe_next(request.form.get("next"))
    if done:
        record(db.session, user, "login", now=now())
    db.session.commit()
    if done:
        return redirect(flask_session.pop("admin_next"))
    return redirect(url_for("admin.two_factor" if user.two_factor_enabled else "admin.two_factor_setup"))


@bp.route("/login/code", methods=["GET", "POST"])
@partial
def two_factor():
    """Ask for the authenticator code (or a recovery code) after the password."""
    user = current_user()
    if not user.two_factor_enabled:
        return redirect(url_for("admin.two_factor_setup"))
    form = CodeForm()
    if form.validate_on_submit():
        if verify_code(db.session, user, form.code.data, now=now()):
            cookies.issue(rotate_session(db.session, current_session(), now=now(), two_factor_done=True))
            record(db.session, user, "login", now=now())
            db.session.commit()
            return redirect(flask_session.pop("admin_next", url_for("admin.home")))
        db.session.commit()
        flash(_("Koden stemmer ikke. Prøv den neste koden appen viser."), "error")
    return render_template("admin/two_factor.html", form=form)


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@partial
def two_factor_setup():
    """Set up TOTP: scan the QR code, type a code to confirm, then keep the recovery codes."""
    user = current_user()
    if user.two_factor_enabled:
        return redirect(url_for("admin.two_factor"))
    form = CodeForm()
    if user.totp_secret is None:
        # Kept on the server while enrolment is pending; the cookie never carries it.
        user.totp_secret = new_secret()
        db.session.commit()
    secret = user.totp_secret
    if form.validate_on_submit():
        codes = confirm_enrolment(db.session, user, secret, form.code.data, now=now())
        if codes is not None:
            cookies.issue(rotate_session(db.session, current_session(), now=now(), two_factor_done=True))
            record(db.session, user, "two_factor_enabled", now=now())
            db.session.commit()
            return render_template("admin/recovery_codes.html", codes=codes)
        flash(_("Koden stemmer ikke. Sjekk at klokka på telefonen er riktig, og prøv igjen."), "error")
    uri = provisioning_uri(user, secret)
    return render_template("admin/two_factor_setup.html", form=form, qr=qr_svg(uri), secret=secret)


@bp.post("/two-factor/recovery-codes")
@roles(*ALL_STAFF)
def new_codes():
    """Replace the recovery codes and show the new ones once."""
    form = ActionForm()
    if not form.validate() or not current_user().two_factor_enabled:
        return redirect(url_for("admin.account"))
    codes = new_recovery_codes(db.session, current_user())
    record(db.session, current_user(), "recovery_codes_renewed", now=now())
    db.session.commit()
    return render_template("admin/recovery_codes.html", codes=codes)


@bp.get("/account")
@roles(*ALL_STAFF)
def account():
    """Show the signed-in user's account."""
    return render_template("admin/account.html", form=ActionForm())


@bp.post("/logout")
@partial
def logout():
    """End this session at once, on the server; the cookie is worthless afterwards."""
    form = ActionForm()
    if form.validate() and current_session() is not None:
        record(db.session, current_user(), "logout", now=now())
        end_session(db.session, current_session(), now=now())
        db.session.commit()
    cookies.clear()
    flask_session.clear()
    flash(_("Du er logget ut."), "info")
    return redirect(url_for("admin.login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def invitation(token: str):
    """Let an invited staff member choose a password and create the account."""
    try:
        invited = open_invitation(db.session, token, now=now())
    except AccountError:
        return render_template("admin/invitation_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        if form.password.data != form.repeat.data:
            flash(_("Passordene er ikke like."), "error")
        else:
            try:
                user = accept_invitation(db.session, token, form.password.data, now=now())
            except AccountError as error:
                db.session.rollback()
                for message in password_messages(error):
                    flash(message, "error")
            else:
                record(db.session, user, "invitation_accepted", user.email, now=now())
                db.session.commit()
                flash(_("Kontoen er klar. Logg inn med e-post og passord."), "info")
                return redirect(url_for("admin.login"))
    return render_template("admin/invitation.html", form=form, invitation=invited, min_length=MIN_LENGTH)
