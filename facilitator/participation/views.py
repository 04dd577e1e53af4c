"""Participant pages: join, then vote, post positions and react with plain form posts.

Every action here is also a Socket.IO event (participation/sockets.py); both
validate with the same form and call the same service. static/js/participant.js
takes over the forms when the socket is connected.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import N_, DomainError, invalid_from_form
from ..extensions import db
from ..i18n import localized
from ..ratelimit import hit
from ..workshops.models import Workshop
from ..core import workshop_or_404
from ..workshops.services import find_workshop
from . import services
from .connection import SESSION_PARTICIPANTS, keep_token, session_participant_token
from .forms import STAKEHOLDER_LABELS, JoinForm, PositionForm, ReactionForm, VoteForm
from .models import Participant, Position
from .snapshot import build_state
from .state import Identity

bp = Blueprint("participation", __name__, url_prefix="/j")

#: Readable messages for a form post that does not validate (the socket ack says the same).
FORM_MESSAGES = {
    VoteForm: N_("Choose an option before voting."),
    PositionForm: N_("Write your position before sending it."),
    ReactionForm: N_("Choose agree, disagree or pass."),
}


def current_participant(workshop: Workshop) -> Participant | None:
    """The participant this browser joined as (signed session cookie), if any."""
    return services.find_participant(workshop, session_participant_token(workshop))


def page_url(workshop: Workshop, anchor: str = "") -> str:
    return url_for("participation.join", code=workshop.code) + (f"#{anchor}" if anchor else "")


@bp.route("/<code>", methods=["GET", "POST"])
def join(code: str):
    """Show the join form, or the participant page once joined; POST joins."""
    workshop = workshop_or_404(code)
    if workshop.code != code and request.method == "GET":
        return redirect(url_for("participation.join", code=workshop.code))
    participant = current_participant(workshop)
    if participant is not None:
        if request.method == "POST":
            return redirect(page_url(workshop))
        return participant_page(workshop, participant)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            hit("join", request.remote_addr or "unknown")
            participant, token = services.join(workshop, form.attendance.data, form.display_name.data,
                                               form.stakeholder_group.data, form.country.data)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.translated(), "error")
        else:
            keep_token(SESSION_PARTICIPANTS, workshop.code, token)
            flash(_("You have joined. Welcome!"), "info")
            return redirect(page_url(workshop))
    status = 400 if form.is_submitted() else 200
    return render_template("participation/join.html", workshop=workshop, form=form), status


def participant_page(workshop: Workshop, participant: Participant):
    state = localized(build_state(workshop, Identity("participant", workshop.id, participant.id)))
    mine = set(db.session.scalars(select(Position.id).where(Position.participant_id == participant.id)))
    return render_template(
        "participation/participant.html",
        workshop=workshop,
        state=state,
        mine=mine,
        participant=participant,
        client_id=uuid.uuid4().hex,
        groups=STAKEHOLDER_LABELS,
    )


def _act(code: str, form_class, action, success: str, anchor: str):
    """Identify, validate, rate-limit, call the service, commit; redirect back with a message."""
    workshop = workshop_or_404(code)
    participant = current_participant(workshop)
    if participant is None:
        flash(_("Join the workshop first."), "error")
        return redirect(page_url(workshop))
    form = form_class()
    try:
        hit("write", workshop.id, participant.id)
        if not form.validate_on_submit():
            raise invalid_from_form(form.errors, form)
        message = action(participant, form) or success
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        message = exc.translated()
        if exc.code == "invalid" and exc.fields and form_class in FORM_MESSAGES:
            message = _(FORM_MESSAGES[form_class])
        flash(message, "error")
    else:
        flash(message, "info")
    return redirect(page_url(workshop, anchor))


@bp.post("/<code>/vote")
def vote(code: str):
    """Cast or change my vote on the open question."""
    return _act(code, VoteForm,
                lambda p, f: services.cast_vote(p, f.prompt_id.data, f.option_ids.data) and None,
                _("Your vote is recorded."), "vote")


@bp.post("/<code>/position")
def position(code: str):
    """Post a position (a retried client_id is recognised, so a double submit is harmless)."""
    def submit(participant, form):
        pos = services.submit_position(participant, form.prompt_id.data, form.text.data,
                                       form.option_id.data, form.client_id.data)
        if pos.status == "pending":
            return _("Your position is sent; it will appear once a moderator approves it.")
        return None

    return _act(code, PositionForm, submit, _("Your position is posted."), "positions")


@bp.post("/<code>/react")
def react(code: str):
    """Agree, disagree or pass on someone else's position."""
    return _act(code, ReactionForm,
                lambda p, f: services.react(p, f.position_id.data, f.value.data),
                _("Your reaction is recorded."), "positions")
