"""Forms: list, build a draft (questions, texts, order), preview, publish and retire (admins)."""
from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from admin import form_builder as builder
from admin.access import current_user, now, roles
from admin.audit import record
from admin.blueprint import bp
from admin.builder_forms import (
    KIND_LABELS,
    FormTextsForm,
    NewFormForm,
    QuestionForm,
    draft_message,
    texts_from,
    texts_into,
)
from admin.forms import ActionForm
from kiosk.extensions import db
from kiosk.i18n import LANGUAGE_NAMES
from kiosk.models import Form, FormVersion, Question, QuestionKind, Role, ShortLink
from kiosk.operations import InvalidDraft
from kiosk.public.forms import build_form_class
from kiosk.published import missing_texts, view_of


@bp.errorhandler(builder.NotADraft)
def _published(_error: builder.NotADraft):
    """Explain that a published version cannot change, and go back to the form."""
    db.session.rollback()
    flash(_("Denne versjonen er publisert og kan ikke endres. Lag en ny versjon for å endre skjemaet."), "error")
    form_id = (request.view_args or {}).get("form_id")
    return redirect(url_for("admin.form_detail", form_id=form_id) if form_id else url_for("admin.forms"))


def _audit(action: str, form: Form, **details: object) -> None:
    record(db.session, current_user(), action, form.name, now=now(), **details)


def _draft(form: Form) -> FormVersion:
    """Return the form's draft; without one, the builder page explains how to make it."""
    draft = builder.draft_of(form)
    if draft is None:
        raise builder.NotADraft(f"form {form.id} has no draft")
    return draft


def _question(form: Form, question_id: int) -> Question:
    question = db.get_or_404(Question, question_id)
    if question.form_version.form_id != form.id:
        abort(404)
    return question


def _kind_asked() -> QuestionKind:
    """Return the kind a new question starts as: ?kind=, or a smiley."""
    kind = request.args.get("kind", "")
    return QuestionKind(kind) if kind in {k.value for k in QuestionKind} else QuestionKind.SMILEY


@bp.get("/forms")
@roles(Role.ADMIN)
def forms():
    """List forms: newest published version, whether a draft waits, active links, state."""
    items = db.session.scalars(select(Form).order_by(Form.retired_at.is_not(None), Form.name)).all()
    counts = dict(
        db.session.execute(
            select(ShortLink.form_id, func.count()).where(ShortLink.retired_at.is_(None)).group_by(ShortLink.form_id)
        ).all()
    )
    return render_template("admin/forms.html", forms=items, link_counts=counts, draft_of=builder.draft_of)


@bp.route("/forms/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def form_new():
    """Create a form and its first draft."""
    form = NewFormForm()
    if form.validate_on_submit():
        created = builder.new_form(db.session, form.name.data.strip(), now=now())
        _audit("form_created", created)
        db.session.commit()
        return redirect(url_for("admin.form_detail", form_id=created.id))
    return render_template("admin/form_new.html", form=form)


@bp.get("/forms/<int:form_id>")
@roles(Role.ADMIN)
def form_detail(form_id: int):
    """Show a form's versions and the builder for its draft."""
    form = db.get_or_404(Form, form_id)
    return render_template(
        "admin/form_detail.html", form=form, draft=builder.draft_of(form), kinds=KIND_LABELS, action=ActionForm(),
        missing_texts=lambda version: missing_texts(view_of(version)),
    )


@bp.route("/forms/<int:form_id>/texts", methods=["GET", "POST"])
@roles(Role.ADMIN)
def form_texts(form_id: int):
    """Change the form's name and the draft's title and introduction."""
    form = db.get_or_404(Form, form_id)
    draft = _draft(form)
    page = FormTextsForm(name=form.name)
    if not page.is_submitted():
        texts_into(page, "title", draft.title)
        texts_into(page, "intro", draft.intro)
    if page.validate_on_submit():
        try:
            builder.update_texts(db.session, draft, texts_from(page, "title"), texts_from(page, "intro"))
        except InvalidDraft as error:
            page.title_nb.errors.append(draft_message(error))
        else:
            form.name = page.name.data.strip()
            _audit("form_texts_updated", form, version=draft.number)
            db.session.commit()
            return redirect(url_for("admin.form_detail", form_id=form.id))
    return render_template("admin/form_texts.html", form=form, draft=draft, page=page)


@bp.post("/forms/<int:form_id>/versions")
@roles(Role.ADMIN)
def form_new_version(form_id: int):
    """Start a new draft as a copy of the newest published version."""
    form = db.get_or_404(Form, form_id)
    if ActionForm().validate():
        draft = builder.new_draft(db.session, form)
        _audit("form_version_created", form, version=draft.number)
        db.session.commit()
        flash(_("Versjon %(number)d er laget. Endre den her, og publiser når den er klar.", number=draft.number), "info")
    return redirect(url_for("admin.form_detail", form_id=form.id))


@bp.route("/forms/<int:form_id>/questions/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def form_question_new(form_id: int):
    """Add a question of any kind to the draft."""
    form = db.get_or_404(Form, form_id)
    draft = _draft(form)
    page = QuestionForm()
    if not page.is_submitted():
        page.fill(None, _kind_asked())
    if page.validate_on_submit() and _saved(page, lambda d: builder.add_question(db.session, draft, d)):
        _audit("question_added", form, version=draft.number, kind=page.kind.data)
        db.session.commit()
        return redirect(url_for("admin.form_detail", form_id=form.id, _anchor="questions"))
    return render_template("admin/question_form.html", form=form, draft=draft, page=page, question=None)


@bp.route("/forms/<int:form_id>/questions/<int:question_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def form_question_edit(form_id: int, question_id: int):
    """Change a question of the draft."""
    form = db.get_or_404(Form, form_id)
    question = _question(form, question_id)
    if question.form_version.published_at is not None:
        raise builder.NotADraft(f"question {question.id} is published")
    page = QuestionForm()
    if not page.is_submitted():
        page.fill(question, question.kind)
    if page.validate_on_submit() and _saved(page, lambda d: builder.update_question(db.session, question, d)):
        _audit("question_updated", form, version=question.form_version.number, position=question.position)
        db.session.commit()
        return redirect(url_for("admin.form_detail", form_id=form.id, _anchor="questions"))
    return render_template("admin/question_form.html", form=form, draft=question.form_version, page=page, question=question)


def _saved(page: QuestionForm, save) -> bool:
    """Store the page's question with save, or put the domain's objection on the page."""
    try:
        save(page.to_draft())
    except InvalidDraft as error:
        db.session.rollback()
        page.kind.errors = [*page.kind.errors, draft_message(error)]
        return False
    return True


@bp.post("/forms/<int:form_id>/questions/<int:question_id>/move/<any(up, down):direction>")
@roles(Role.ADMIN)
def form_question_move(form_id: int, question_id: int, direction: str):
    """Move a question of the draft one place up or down."""
    form = db.get_or_404(Form, form_id)
    question = _question(form, question_id)
    if ActionForm().validate() and builder.move_question(db.session, question, -1 if direction == "up" else 1):
        _audit("question_moved", form, version=question.form_version.number, position=question.position, direction=direction)
        db.session.commit()
    return redirect(url_for("admin.form_detail", form_id=form.id, _anchor=f"q{question.id}"))


@bp.post("/forms/<int:form_id>/questions/<int:question_id>/remove")
@roles(Role.ADMIN)
def form_question_remove(form_id: int, question_id: int):
    """Remove a question from the draft."""
    form = db.get_or_404(Form, form_id)
    question = _question(form, question_id)
    if ActionForm().validate():
        number, position = question.form_version.number, question.position
        builder.remove_question(db.session, question)
        _audit("question_removed", form, version=number, position=position)
        db.session.commit()
        flash(_("Spørsmålet er fjernet."), "info")
    return redirect(url_for("admin.form_detail", form_id=form.id, _anchor="questions"))


@bp.post("/forms/<int:form_id>/publish")
@roles(Role.ADMIN)
def form_publish(form_id: int):
    """Publish the draft: links and tablets show it at once, and it never changes again."""
    form = db.get_or_404(Form, form_id)
    draft = _draft(form)
    if ActionForm().validate():
        if not draft.questions:
            flash(_("Legg til minst ett spørsmål før du publiserer."), "error")
            return redirect(url_for("admin.form_detail", form_id=form.id))
        if any(missing_texts(view_of(draft)).values()) and request.form.get("confirm_missing") != "1":
            flash(_("Noen tekster mangler på nynorsk eller engelsk. Kryss av for at du vil publisere likevel."), "error")
            return redirect(url_for("admin.form_detail", form_id=form.id, _anchor="missing-languages"))
        try:
            builder.publish_draft(db.session, draft, now=now())
        except builder.EmptyDraft:
            flash(_("Legg til minst ett spørsmål før du publiserer."), "error")
            return redirect(url_for("admin.form_detail", form_id=form.id))
        _audit("form_published", form, version=draft.number)
        db.session.commit()
        flash(_("Versjon %(number)d er publisert.", number=draft.number), "info")
    return redirect(url_for("admin.form_detail", form_id=form.id))


@bp.post("/forms/<int:form_id>/retire")
@roles(Role.ADMIN)
def form_retire(form_id: int):
    """Take a form out of use, or bring it back."""
    form = db.get_or_404(Form, form_id)
    if ActionForm().validate():
        builder.set_retired(db.session, form, form.retired_at is None, now=now())
        _audit("form_retired" if form.retired_at else "form_restored", form)
        db.session.commit()
    return redirect(url_for("admin.form_detail", form_id=form.id))


@bp.get("/forms/<int:form_id>/versions/<int:number>/preview/<any(nb, nn, en):lang>")
@roles(Role.ADMIN)
def form_preview(form_id: int, number: int, lang: str):
    """Show a version exactly as a respondent sees it, in lang; sending it stores nothing."""
    switch = request.args.get("lang")
    if switch in LANGUAGE_NAMES:
        # The respondent page's own language links add ?lang=; on staff pages that would also
        # change the staff member's language, so it becomes part of the path before anything reads it.
        return redirect(url_for("admin.form_preview", form_id=form_id, number=number, lang=switch))
    version = db.one_or_404(select(FormVersion).where(FormVersion.form_id == form_id, FormVersion.number == number))
    banner = _preview_banner(version, lang)
    with force_locale(lang):
        shown = view_of(version)
        form = build_form_class(shown, lang, current_app.config["MAX_FREE_TEXT"])(formdata=None)
        target = SimpleNamespace(code="", location_name=_("Navnet på stedet vises her"))
        return render_template(
            "admin/preview.html", version=shown, form=form, target=target, lang=lang, languages=LANGUAGE_NAMES,
            banner=banner, notice=None, url_for=_preview_url_for(banner["action"]),
        )


@bp.post("/forms/<int:form_id>/versions/<int:number>/preview/<any(nb, nn, en):lang>")
@roles(Role.ADMIN)
def form_preview_sent(form_id: int, number: int, lang: str):
    """Answer the preview's «Send» button: nothing is read or stored; show the preview again."""
    return redirect(url_for("admin.form_preview", form_id=form_id, number=number, lang=lang, sent=1), 303)


def _preview_banner(version: FormVersion, lang: str) -> dict[str, str]:
    """Return the preview's banner texts, in the staff member's language."""
    state = _("publisert") if version.published_at else _("utkast")
    return {
        "heading": _("Forhåndsvisning"),
        "text": _(
            "Slik ser versjon %(number)d (%(state)s) ut for den som svarer. Svar her blir ikke sendt eller lagret.",
            number=version.number,
            state=state,
        ),
        "sent": _("Dette var bare en forhåndsvisning. Ingenting ble sendt eller lagret.") if request.args.get("sent") else "",
        "back": _("Tilbake til skjemaet"),
        "back_url": url_for("admin.form_detail", form_id=version.form_id),
        "action": url_for("admin.form_preview_sent", form_id=version.form_id, number=version.number, lang=lang),
        "staff_lang": str(get_locale()),
    }


def _preview_url_for(action: str) -> Callable[..., str]:
    """Return url_for for the respondent template, with its form posting to the harmless preview action."""

    def preview_url_for(endpoint: str, **values: object) -> str:
        if endpoint == "public.submit_form":
            return action
        return url_for(endpoint, **values)

    return preview_url_for
