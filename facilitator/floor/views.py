"""Form posts of the floor and the agenda, for phones and consoles without JavaScript.

Each calls the same service as the matching socket event (floor/sockets.py) and
redirects back with a message; the participant's posts go through the
participant page's `_act`, the moderators' through the console's `_moderate`
(authorization, validation, commit), so the checks are the same everywhere.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, session
from flask_babel import gettext as _

from ..core import workshop_or_404
from ..fields import EmptyForm
from ..moderation.views import _moderate, console_url
from ..participation.connection import SESSION_DESKS, staff_identity
from ..participation.views import _act
from ..workshops.models import DESKS
from . import agenda, services
from .forms import AddSpeakerForm, AdvanceAgendaForm, HandForm, MoveHandForm, RaiseHandForm, RemoveHandForm, SetFloorForm

bp = Blueprint("floor", __name__)


@bp.post("/j/<code>/hand")
def raise_hand(code: str):
    def apply(participant, form):
        hand, place = services.raise_hand(participant, form.kind.data or None, form.note.data, form.name.data)
        if hand.kind == "point_of_order":
            return _("Your point of order is number %(n)d.", n=place)
        return _("Your hand is up: you are number %(n)d in the queue.", n=place)

    return _act(code, RaiseHandForm, apply, "", "floor")


@bp.post("/j/<code>/hand/lower")
def lower_hand(code: str):
    return _act(code, HandForm, lambda p, f: services.lower_hand(p, f.hand_id.data) and None,
                _("Your hand is down."), "floor")


@bp.post("/m/<code>/floor/add")
def add_speaker(code: str):
    return _moderate(code, AddSpeakerForm, lambda w, f, a: services.add_speaker(
        w, a, f.name.data, f.attendance.data, f.stakeholder_group.data or None, f.kind.data or None,
        f.note.data) and None, _("Speaker added to the queue."), "floor")


@bp.post("/m/<code>/floor/call")
def call_speaker(code: str):
    return _moderate(code, HandForm, lambda w, f, a: services.call_speaker(w, a, f.hand_id.data) and None,
                     _("The speaker has the floor."), "floor")


@bp.post("/m/<code>/floor/next")
def call_next(code: str):
    return _moderate(code, EmptyForm, lambda w, f, a: services.call_next(w, a) and None,
                     _("The next speaker has the floor."), "floor")


@bp.post("/m/<code>/floor/end")
def end_speech(code: str):
    return _moderate(code, EmptyForm, lambda w, f, a: services.end_speech(w, a) and None,
                     _("The speech has ended."), "floor")


@bp.post("/m/<code>/floor/remove")
def remove_hand(code: str):
    return _moderate(code, RemoveHandForm, lambda w, f, a: services.remove_hand(
        w, a, f.hand_id.data, f.reason.data) and None, _("Hand removed from the queue."), "floor")


@bp.post("/m/<code>/floor/move")
def move_hand(code: str):
    return _moderate(code, MoveHandForm, lambda w, f, a: services.move_hand(
        w, a, f.hand_id.data, f.place.data) and None, _("Hand moved."), "floor")


@bp.post("/m/<code>/floor/settings")
def set_floor(code: str):
    return _moderate(code, SetFloorForm, lambda w, f, a: services.set_floor(
        w, a, f.open.data, f.speaking_seconds.data, f.alternate.data) and None, _("Floor settings saved."), "floor")


@bp.post("/m/<code>/agenda")
def advance_agenda(code: str):
    return _moderate(code, AdvanceAgendaForm, lambda w, f, a: agenda.advance_agenda(w, a, f.item.data) and None,
                     _("Agenda moved."), "now")


@bp.post("/m/<code>/desk")
def choose_desk(code: str):
    """An organizer who logged in chooses the desk they moderate from (a link's desk is the link's)."""
    workshop = workshop_or_404(code)
    identity = staff_identity(workshop, None)
    desk = request.form.get("desk")
    if identity is None or identity.role != "moderator" or identity.link_id is not None or desk not in DESKS:
        abort(403 if identity is None or identity.role != "moderator" else 400)
    desks = dict(session.get(SESSION_DESKS, {}))
    desks[workshop.code] = desk
    session[SESSION_DESKS] = desks
    return redirect(console_url(workshop))

