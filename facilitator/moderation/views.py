"""Moderator console: run the agenda, show results, moderate positions, end the workshop.

Allowed to the owning organizer (logged in) and to anyone holding the
workshop's moderator link (its token is kept in the signed session cookie).
Every control is a CSRF-protected form post calling the same service as the
matching Socket.IO event; static/js/console.js sends the events instead when
connected.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for

from flask_babel import gettext as _
from flask_babel import ngettext

from ..errors import DomainError, RateLimited, invalid_from_form
from ..extensions import db
from ..i18n import localized
from ..participation.connection import SESSION_MODERATOR_TOKENS, keep_token, staff_identity
from ..participation.forms import STAKEHOLDER_LABELS
from ..participation.snapshot import build_state
from ..participation.state import Identity
from ..workshops.models import Workshop
from ..addresses import public_url
from ..core import error_page, workshop_or_404
from ..ratelimit import hit
from ..export.services import rapporteur_fields, report_for
from ..screen.qr import qr_svg
from ..workshops.record import session_record
from ..moderation.models import record_action
from ..workshops.roles import active_links, issue_link, link_for_token, revoke_links
from . import services
from .steps import confirmation, current_prompt, next_step
from .forms import (EndWorkshopForm, InviteForm, ModeratePositionForm, PromptActionForm, RevokeForm,
                    ShowOpinionMapForm, ShowResultsForm)

bp = Blueprint("moderation", __name__, url_prefix="/m")


def console_url(workshop: Workshop, anchor: str = "") -> str:
    return url_for("moderation.console", code=workshop.code) + (f"#{anchor}" if anchor else "")


def token_from(value: str) -> str:
    """Accept a bare token or a pasted moderator link (…/m/CODE?token=T)."""
    value = (value or "").strip()
    if "token=" in value:
        found = parse_qs(urlsplit(value).query).get("token") or parse_qs(value.split("?", 1)[-1]).get("token")
        return found[0] if found else ""
    return value


@bp.get("/<code>")
def console(code: str):
    """The console for a moderator, the live view and report form for the rapporteur; anyone else
    gets a way to log in or paste the link they were given."""
    workshop = workshop_or_404(code)
    if "token" in request.args:
        token = token_from(request.args["token"])
        if link_for_token(workshop.id, token) is not None:
            keep_token(SESSION_MODERATOR_TOKENS, workshop.code, token)
            return redirect(console_url(workshop))
        try:
            hit("lookup", request.remote_addr or "unknown")  # guessing tokens is as pointless as codes
        except RateLimited:
            abort(error_page(429))
        flash(_("That link is not valid for this workshop (or it was revoked)."), "error")
        return render_template("moderation/gate.html", workshop=workshop), 403
    identity = staff_identity(workshop, None)
    if identity is None:
        return render_template("moderation/gate.html", workshop=workshop), 403
    return render_console(workshop, identity)


def render_console(workshop: Workshop, identity: Identity, state: dict | None = None,
                   confirm: dict | None = None):
    """The console page; `confirm` asks before an action that ends a live vote or the workshop."""
    state = localized(state or build_state(workshop, identity))
    new_link = session.pop("new_role_link", None)
    if new_link and new_link.get("code") != workshop.code:
        new_link = None
    return render_template(
        "moderation/console.html",
        workshop=workshop,
        state=state,
        identity=identity,
        actor=identity.actor,
        can_moderate=identity.role == "moderator",
        groups=STAKEHOLDER_LABELS,
        participant_url=public_url(f"/j/{workshop.code}"),
        current=current_prompt(state),
        step=next_step(state),
        confirm=confirm,
        new_link=new_link,
        new_link_qr=qr_svg(new_link["url"], _("QR code of the new link")) if new_link else None,
        links=active_links(workshop) if identity.role == "moderator" else [],
        record=session_record(workshop),
        report=rapporteur_fields(report_for(workshop)) if identity.role == "rapporteur" else None,
        form=EndWorkshopForm(),
    )


def _moderate(code: str, form_class, action, success: str, anchor: str = "", event: str | None = None):
    """Authorize (403 for anyone but a moderator), validate, confirm, call the service, commit, redirect.

    An action that would end a live vote (or the workshop) without `confirm=yes`
    shows the console with the question instead, and changes nothing.
    """
    workshop = workshop_or_404(code)
    identity: Identity | None = staff_identity(workshop, None)
    if identity is None or identity.role != "moderator":
        abort(403)  # rapporteurs, participants and strangers change nothing here
    form = form_class()
    try:
        if not form.validate_on_submit():
            raise invalid_from_form(form.errors, form)
        if event is not None and request.form.get("confirm") != "yes":
            state = build_state(workshop, identity)
            prompt_id = getattr(getattr(form, "prompt_id", None), "data", None)
            question = confirmation(state, event, prompt_id)
            if question:
                return render_console(workshop, identity, state, confirm={
                    "event": event, "prompt_id": prompt_id, "text": question,
                    "action": request.path})
        message = action(workshop, form, identity) or success
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.translated(), "error")
    else:
        flash(message, "info")
    return redirect(console_url(workshop, anchor))


@bp.post("/<code>/open")
def open_prompt(code: str):
    return _moderate(code, PromptActionForm,
                     lambda w, f, a: services.open_prompt(w, f.prompt_id.data, a) and None,
                     _("Question opened."), "now", event="open_prompt")


@bp.post("/<code>/close")
def close_prompt(code: str):
    return _moderate(code, PromptActionForm,
                     lambda w, f, a: services.close_prompt(w, f.prompt_id.data, a) and None,
                     _("Question closed."), "now", event="close_prompt")


@bp.post("/<code>/results")
def show_results(code: str):
    def apply(workshop, form, actor):
        services.show_results(workshop, form.prompt_id.data, form.visible.data, actor)
        return _("Results are shown.") if form.visible.data else _("Results are hidden.")

    return _moderate(code, ShowResultsForm, apply, "", "now")


@bp.post("/<code>/moderate")
def moderate(code: str):
    def apply(workshop, form, actor):
        position = services.moderate_position(workshop, form.position_id.data, form.action.data,
                                              actor, form.reason.data)
        return {"approve": _("Position approved."), "hide": _("Position hidden."),
                "pin": _("Position pinned."), "unpin": _("Position unpinned.")}[form.action.data] \
            if position else None

    return _moderate(code, ModeratePositionForm, apply, "", "positions")


@bp.post("/<code>/end")
def end(code: str):
    """End the workshop, once confirmed."""
    def apply(workshop, form, actor):
        services.end_workshop(workshop, actor)
        return _("The workshop has ended. Results can still be shown.")

    return _moderate(code, EndWorkshopForm, apply, "", "now", event="end_workshop")


@bp.post("/<code>/invite")
def invite(code: str):
    """A new link for a co-moderator (at a desk) or the rapporteur, shown once with a QR code."""
    def apply(workshop, form, actor):
        role, _sep, desk = form.role.data.partition(":")
        link, token = issue_link(workshop, role, desk or None)
        record_action(workshop.id, actor, "invite", reason=f"{role} {desk}".strip())
        session["new_role_link"] = {"code": workshop.code, "role": link.role, "desk": link.desk,
                                    "url": public_url(f"/m/{workshop.code}?token={token}")}
        return _("New link made: it is shown below once.")

    return _moderate(code, InviteForm, apply, "", "invite")


@bp.post("/<code>/revoke")
def revoke(code: str):
    """Make every link of a role open nothing (the organizer's own log-in is not a link)."""
    def apply(workshop, form, actor):
        role = form.role.data
        count = revoke_links(workshop, role)
        record_action(workshop.id, actor, "revoke", reason=role)
        return ngettext("%(num)d link revoked.", "%(num)d links revoked.", count)

    return _moderate(code, RevokeForm, apply, "", "invite")


@bp.post("/<code>/opinion")
def show_opinion_map(code: str):
    def apply(workshop, form, actor):
        services.show_opinion_map(workshop, form.prompt_id.data, form.visible.data, actor)
        return _("The opinion map is shown.") if form.visible.data else _("The opinion map is hidden.")

    return _moderate(code, ShowOpinionMapForm, apply, "", "now")
