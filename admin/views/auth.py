"""Sign in, the second factor, enrolment, sign out, and accepting an invitation."""

from __future__ import annotations

from pathlib import Path

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import (
    session as flask_session,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from admin import cookies
from admin.access import ALL_STAFF, current_session, current_user, now, partial, public, roles, signed_in_session
from admin.accounts import AccountError, accept_invitation, open_invitation
from admin.audit import record
from admin.blueprint import bp
from admin.forms import ActionForm, CodeForm, LoginForm, NewPasswordForm
from admin.login import (
    BUSY_RETRY_AFTER,
    HASH_LOCK_FILE,
    LoginFailed,
    Throttled,
    check_attempt,
    finish_attempt,
    start_attempt,
)
from admin.messages import password_messages
from admin.passwords import MIN_LENGTH, HashingBusy
from admin.sessions import end_session, rotate_session, start_session
from admin.twofactor import (
    CodeWait,
    TooManyCodes,
    check_code,
    confirm_enrolment,
    new_recovery_codes,
    pending_secret,
    provisioning_uri,
    qr_svg,
)
from kiosk.database import begin_write
from kiosk.extensions import db
from kiosk.models import User


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/admin") and not target.startswith("//"):
        return target
    return url_for("admin.home")


def _refused(template: str, form: FlaskForm, message: str, retry_after: int, **context: object) -> Response:
    """Answer 429 with Retry-After: the client is throttled, and the page says for how long."""
    flash(message, "error")
    response = make_response(render_template(template, form=form, **context), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return ngettext("Vent %(num)d sekund og prøv igjen.", "Vent %(num)d sekunder og prøv igjen.", seconds)
    minutes = -(-seconds // 60)
    return ngettext("Vent %(num)d minutt og prøv igjen.", "Vent %(num)d minutter og prøv igjen.", minutes)


@bp.get("/login")
@public
def login():
    """Show the sign-in form."""
    live = current_session()
    if live is not None and live.two_factor_done:
        return redirect(url_for("admin.home"))
    return render_template("admin/login.html", form=LoginForm(), next=request.args.get("next"))


@bp.post("/login")
@public
def login_post():
    """Check the password; then ask for the second factor, or set it up."""
    form = LoginForm()
    next_page = request.form.get("next")
    if not form.validate():
        return render_template("admin/login.html", form=form, next=next_page), 400
    again = LoginForm(email=form.email.data)
    try:
        user = _check_password(form.email.data, form.password.data)
    except Throttled as wait:
        text = _("For mange forsøk på kort tid.") + " " + _wait_text(wait.retry_after)
        return _refused("admin/login.html", again, text, wait.retry_after, next=next_page)
    except HashingBusy:
        text = _("Mange logger inn akkurat nå. Vent litt og prøv igjen.")
        return _refused("admin/login.html", again, text, BUSY_RETRY_AFTER, next=next_page)
    except LoginFailed:
        db.session.commit()  # the failure counts in its bucket
        flash(_("Feil e-post eller passord. Sjekk begge og prøv igjen."), "error")
        return render_template("admin/login.html", form=again, next=next_page), 401
    return _after_password(user)


def _check_password(email: str, password: str) -> User:
    """Read, hash, record: no transaction is open while argon2 runs, so no writer waits for SQLite's lock."""
    db.session.commit()  # the guard's write transaction
    attempt = start_attempt(db.session, email, cookies.known_browser(email), now=now())
    db.session.rollback()  # it only read
    lock_file = Path(current_app.instance_path) / HASH_LOCK_FILE
    verdict = check_attempt(attempt, password, lock_file=lock_file, wait=current_app.config["ADMIN_HASH_WAIT_SECONDS"])
    begin_write(db.session)
    return finish_attempt(db.session, attempt, verdict, now=now())


def _after_password(user: User) -> Response:
    """Start a session for user (a new id at every sign-in) and send them on to the second factor."""
    done = not user.two_factor_enabled and not user.role.needs_two_factor
    if (live := current_session()) is not None:
        end_session(db.session, live, now=now())
    cookies.issue(start_session(db.session, user, now=now(), two_factor_done=done))
    flask_session["admin_next"] = _safe_next(request.form.get("next"))
    if done:
        cookies.remember_browser(user.email)
        record(db.session, user, "login", now=now())
    db.session.commit()
    if done:
        return redirect(flask_session.pop("admin_next"))
    return redirect(url_for("admin.two_factor" if user.two_factor_enabled else "admin.two_factor_setup"))


@bp.route("/login/code", methods=["GET", "POST"])
@partial
def two_factor():  # noqa: PLR0911 (one page: every outcome of a typed code, in order)
    """Ask for the authenticator code (or a recovery code) after the password."""
    user = current_user()
    if signed_in_session().two_factor_done:
        return redirect(url_for("admin.home"))
    if not user.two_factor_enabled:
        return redirect(url_for("admin.two_factor_setup"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("admin/two_factor.html", form=form)
    try:
        correct = check_code(db.session, signed_in_session(), form.code.data, now=now())
    except CodeWait as wait:
        text = _("For mange feil koder.") + " " + _wait_text(wait.retry_after)
        return _refused("admin/two_factor.html", form, text, wait.retry_after)
    except TooManyCodes:
        record(db.session, user, "two_factor_too_many_codes", now=now())
        db.session.commit()
        cookies.clear()
        flash(_("For mange feil koder. Logg inn med e-post og passord på nytt."), "error")
        return redirect(url_for("admin.login"))
    if not correct:
        db.session.commit()  # the wrong code counts
        flash(_("Koden stemmer ikke. Prøv den neste koden appen viser."), "error")
        return render_template("admin/two_factor.html", form=form)
    cookies.issue(rotate_session(db.session, signed_in_session(), now=now(), two_factor_done=True))
    cookies.remember_browser(user.email)
    record(db.session, user, "login", now=now())
    db.session.commit()
    return redirect(flask_session.pop("admin_next", url_for("admin.home")))


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@partial
def two_factor_setup():
    """Set up TOTP: scan the QR code, type a code to confirm, then keep the recovery codes."""
    user = current_user()
    if signed_in_session().two_factor_done:
        return redirect(url_for("admin.home"))
    if user.two_factor_enabled:
        return redirect(url_for("admin.two_factor"))
    form = CodeForm()
    # Kept on the server (encrypted) while enrolment is pending; the cookie never carries it.
    secret = pending_secret(db.session, user)
    db.session.commit()
    if form.validate_on_submit():
        codes = confirm_enrolment(db.session, user, secret, form.code.data, now=now())
        if codes is not None:
            cookies.issue(rotate_session(db.session, signed_in_session(), now=now(), two_factor_done=True))
            cookies.remember_browser(user.email)
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


@bp.post("/account/digest-email")
@roles(*ALL_STAFF)
def digest_email():
    """Turn e-mails of the council's digests on or off for oneself."""
    if ActionForm().validate():
        user = current_user()
        user.digest_email = not user.digest_email
        record(db.session, user, "digest_email_changed", now=now(), on=user.digest_email)
        db.session.commit()
    return redirect(url_for("admin.account"))


@bp.post("/logout")
@partial
def logout():
    """End this session at once, on the server; the cookie is worthless afterwards."""
    form = ActionForm()
    live = current_session()
    if form.validate() and live is not None:
        record(db.session, current_user(), "logout", now=now())
        end_session(db.session, live, now=now())
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
