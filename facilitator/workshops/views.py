"""Organizer pages: my workshops, create one, edit a draft agenda."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..addresses import public_url
from ..errors import DomainError
from ..extensions import db
from ..fields import choices, form_error
from ..i18n import LANGUAGES, NAMES, current_language
from . import services
from .forms import (ActionForm, CreateWorkshopForm, LanguageForm, PromptForm, SessionRecordForm, TitleForm,
                    translations_form)
from .models import Workshop
from ..participation.models import STAKEHOLDER_GROUPS
from .record import FORMATS, REGIONAL_GROUPS, organizers_text, session_record, speakers_text, update_record
from .templates import available_templates

bp = Blueprint("workshops", __name__, url_prefix="/workshops")


def owned_workshop(code: str) -> Workshop:
    """Return the current organizer's workshop, or 404 for anyone else's."""
    workshop = services.find_workshop(code)
    if workshop is None or workshop.organizer_id != current_user.id:
        abort(404)
    return workshop


@bp.get("/")
@login_required
def index():
    """List the organizer's workshops, newest first."""
    workshops = db.session.scalars(
        db.select(Workshop)
        .where(Workshop.organizer_id == current_user.id)
        .order_by(Workshop.created_at.desc(), Workshop.id.desc())
    ).all()
    return render_template("workshops/index.html", workshops=workshops)


def template_title(data: dict, name: str) -> str:
    """A template's title in the page's language (templates may give it per language)."""
    title = data.get("title", name)
    if isinstance(title, dict):
        return title.get(current_language()) or title.get(data.get("language", "en")) or name
    return title


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Create a workshop, from a template or empty."""
    form = CreateWorkshopForm()
    templates = available_templates()
    form.template.choices = choices([("", _("Empty agenda"))] + [
        (name, template_title(data, name)) for name, data in sorted(templates.items())
    ])
    if form.validate_on_submit():
        try:
            workshop, token = services.create_workshop(
                form.title.data,
                template=form.template.data or None,
                organizer=current_user,
                moderation=form.moderation.data,
                position_max_length=form.position_max_length.data,
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.translated(), "error")
        else:
            # Shown once on the edit page so the co-moderator link can be shared.
            session["new_moderator_token"] = {"code": workshop.code, "token": token}
            flash(_("Workshop created."), "info")
            return redirect(url_for("workshops.edit", code=workshop.code))
    status = 400 if form.is_submitted() else 200
    return render_template("workshops/create.html", form=form), status


@bp.get("/<code>")
@login_required
def edit(code: str):
    """Show a workshop's agenda, editable while it is a draft."""
    return render_edit(owned_workshop(code))


def render_edit(workshop: Workshop, record_form_=None, status: int = 200, translations_form_=None):
    token = session.pop("new_moderator_token", None)
    if token and token.get("code") != workshop.code:
        token = None
    return render_template(
        "workshops/edit.html",
        workshop=workshop,
        title_form=TitleForm(title=workshop.title),
        new_prompt_form=PromptForm(prefix="new"),
        action_form=ActionForm(),
        moderator_token=token["token"] if token else None,
        moderator_link=public_url(f"/m/{workshop.code}?token={token['token']}") if token else None,
        participant_url=public_url(url_for("participation.join", code=workshop.code)),
        record_form=record_form_ or record_form(workshop),
        language_form=language_form(workshop),
        translation_languages=other_languages(workshop),
        translation_rows=translation_rows(workshop),
        translations_form=translations_form_ or translations_form(translation_rows(workshop), other_languages(workshop)),
        language_names=NAMES,
        record_codes={"groups": STAKEHOLDER_GROUPS, "regions": tuple(REGIONAL_GROUPS)},
    ), status


def language_form(workshop: Workshop) -> LanguageForm:
    form = LanguageForm(language=workshop.language)
    form.language.choices = [SelectChoice(code, NAMES[code], render_kw={"lang": code}) for code in LANGUAGES]
    return form


def other_languages(workshop: Workshop) -> list[str]:
    return [code for code in LANGUAGES if code != workshop.language]


def translation_rows(workshop: Workshop) -> list[dict]:
    """Every text of the workshop that can be translated, in the order the page shows them."""
    rows = [{"kind": "title", "id": 0, "name": _("Title"), "original": workshop.title,
             "translations": workshop.translations}]
    for prompt in workshop.prompts:
        rows.append({"kind": "prompt", "id": prompt.id, "name": _("Question %(n)d", n=prompt.order),
                     "original": prompt.text, "translations": prompt.translations})
        rows += [{"kind": "option", "id": o.id, "name": _("Question %(n)d, option %(m)d", n=prompt.order, m=o.order),
                  "original": o.label, "translations": o.translations} for o in prompt.options]
    return rows


@bp.post("/<code>/language")
@login_required
def save_language(code: str):
    workshop = owned_workshop(code)
    form = language_form(workshop)
    if form.validate_on_submit():
        _apply(workshop, lambda: services.set_language(workshop, form.language.data))
    else:
        flash(form_error(form), "error")
    return redirect(url_for("workshops.edit", code=workshop.code) + "#languages-h")


@bp.post("/<code>/translations")
@login_required
def save_translations(code: str):
    workshop = owned_workshop(code)
    form = translations_form(translation_rows(workshop), other_languages(workshop))
    if not form.validate_on_submit():
        return render_edit(workshop, status=400, translations_form_=form)  # what was typed stays
    try:
        services.set_translations(workshop, form.translations())
        db.session.commit()
        flash(_("Translations saved."), "info")
    except DomainError as exc:  # live by now, or a question deleted in another tab
        db.session.rollback()
        flash(exc.translated(), "error")
    return redirect(url_for("workshops.edit", code=workshop.code) + "#languages-h")


def record_form(workshop: Workshop, formdata=None) -> SessionRecordForm:
    """The session record form, filled from the workshop (or from the post being checked)."""
    record = session_record(workshop)
    data = None if formdata is not None else {
        "format": record["format"], "theme": record["theme"], "organizers": organizers_text(record),
        "speakers": speakers_text(record), "moderator_onsite": record["moderators"].get("onsite", ""),
        "moderator_online": record["moderators"].get("online", ""),
        "sdgs": ", ".join(str(n) for n in record["sdgs"]), "sdg_targets": ", ".join(record["sdg_targets"])}
    form = SessionRecordForm(data=data) if data is not None else SessionRecordForm()
    # The formats are stored in English (N_ in record.py) and shown in the page's language.
    form.format.choices = choices([("", _("Not given"))] + [(f, _(f)) for f in FORMATS])
    return form


@bp.post("/<code>/record")
@login_required
def save_record(code: str):
    """Save the session record (at any time: it describes the session, and every export carries it)."""
    workshop = owned_workshop(code)
    form = record_form(workshop, formdata=request.form)
    if not form.validate_on_submit():
        return render_edit(workshop, form, 400)  # what was typed stays, with the errors beside it
    try:
        update_record(workshop, format=form.format.data or "", theme=form.theme.data, organizers=form.organizers.data,
                      speakers=form.speakers.data, moderator_onsite=form.moderator_onsite.data,
                      moderator_online=form.moderator_online.data,
                      sdgs=form.sdgs.numbers if form.sdgs.data else [], sdg_targets=form.sdg_targets.data)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        form.speakers.errors = [exc.translated()]  # the parsers' messages name the field and the line
        return render_edit(workshop, form, 400)
    flash(_("Session record saved."), "info")
    return redirect(url_for("workshops.edit", code=workshop.code) + "#record-h")


def _apply(workshop: Workshop, change) -> None:
    try:
        change()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.translated(), "error")


@bp.post("/<code>/title")
@login_required
def rename(code: str):
    workshop = owned_workshop(code)
    form = TitleForm()
    if form.validate_on_submit():
        _apply(workshop, lambda: services.rename_workshop(workshop, form.title.data))
    else:
        flash(_("The title must have 1 to 200 characters."), "error")
    return redirect(url_for("workshops.edit", code=workshop.code))


@bp.post("/<code>/prompts")
@login_required
def add_prompt(code: str):
    workshop = owned_workshop(code)
    form = PromptForm(prefix="new")
    if form.validate_on_submit():
        _apply(workshop, lambda: services.add_prompt(
            workshop, form.text.data, form.kind.data, form.option_labels()))
    else:
        flash(form_error(form), "error")
    return redirect(url_for("workshops.edit", code=workshop.code))


@bp.post("/<code>/prompts/<id:prompt_id>")
@login_required
def update_prompt(code: str, prompt_id: int):
    workshop = owned_workshop(code)
    prompt = _prompt_or_404(workshop, prompt_id)
    form = PromptForm(prefix=f"p{prompt.id}")
    if form.validate_on_submit():
        _apply(workshop, lambda: services.update_prompt(
            prompt, form.text.data, form.kind.data, form.option_labels()))
    else:
        flash(form_error(form), "error")
    return redirect(url_for("workshops.edit", code=workshop.code) + f"#prompt-{prompt.id}")


@bp.post("/<code>/prompts/<id:prompt_id>/<any(delete, up, down):action>")
@login_required
def prompt_action(code: str, prompt_id: int, action: str):
    workshop = owned_workshop(code)
    prompt = _prompt_or_404(workshop, prompt_id)
    if ActionForm().validate_on_submit():
        if action == "delete":
            _apply(workshop, lambda: services.delete_prompt(prompt))
        else:
            _apply(workshop, lambda: services.move_prompt(prompt, -1 if action == "up" else 1))
    return redirect(url_for("workshops.edit", code=workshop.code))


def _prompt_or_404(workshop: Workshop, prompt_id: int):
    try:
        return services.find_prompt(workshop, prompt_id)
    except DomainError:
        abort(404)


@bp.app_template_global()
def prompt_form(prompt):
    """Build the edit form of one prompt, prefilled."""
    return PromptForm(
        prefix=f"p{prompt.id}",
        text=prompt.text,
        kind=prompt.kind,
        options="\n".join(o.label for o in prompt.options),
        formdata=request.form if request.method == "POST" else None,
    )
