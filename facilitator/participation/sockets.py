"""Socket.IO handlers of participants (and of every connection)."""

from __future__ import annotations

import threading

from flask import current_app, request
from flask_babel import gettext
from flask_socketio import ConnectionRefusedError, join_room

from ..errors import N_, Conflict, DomainError, Forbidden
from .. import group_commit
from ..extensions import db, socketio
from ..i18n import connection_language, forget_connection, state_for_connection
from ..live import NAMESPACE
from ..live.rooms import participant_room, workshop_room
from ..ratelimit import hit
from ..workshops.models import Workshop
from . import services
from .connection import WorkshopRef, forget, identify, remember
from .events import live_event, validated
from .forms import JoinForm, PositionForm, PositionsPageForm, ReactionForm, VoteForm
from .results import snapshot_profiles
from .snapshot import LATEST, build_state, positions_before
from .state import Identity, public_position

#: Connections identified at once. In a reconnect storm the others wait their turn, so the
#: snapshots already built go out as they are ready instead of all at the end (gevent runs
#: the waiting socket writers between turns).
_connecting = threading.BoundedSemaphore(16)

#: Rapporteurs see what moderators see: they share the moderators' room.
ROLE_ROOMS = {"participant": "participants", "moderator": "moderators", "rapporteur": "moderators",
              "screen": "screens"}


def enter(workshop: Workshop, identity: Identity, just_joined: bool = False) -> None:
    """Put this connection in its rooms and send it the full state."""
    remember(request.sid, identity)
    if identity.role in ROLE_ROOMS:
        join_room(workshop_room(workshop.id, ROLE_ROOMS[identity.role]))
    if identity.participant_id is not None:
        join_room(participant_room(identity.participant_id))
    state = state_for_connection(build_state(workshop, identity, just_joined), request.sid)
    socketio.emit("state", state, to=request.sid, namespace=NAMESPACE)


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth=None):
    """Identify the client from its auth (or browser session), or refuse the connection."""
    connection_language(request.sid, auth)
    try:
        with _connecting:
            workshop, identity = identify(auth)
            enter(workshop, identity)
    except DomainError as exc:
        forget_connection(request.sid)
        raise refusal(exc.to_ack()["error"]["message"], exc.code) from None
    except Exception:
        current_app.logger.exception("connect failed")
        message = gettext("Something went wrong on the server. Please try again.")
        forget_connection(request.sid)
        raise refusal(message, "invalid") from None
    finally:
        db.session.remove()


def refusal(message: str, code: str) -> ConnectionRefusedError:
    """connect_error with {"message", "code"} (CONTRACT §12), not a repr in a string."""
    refused = ConnectionRefusedError(message)
    refused.error_args = {"message": message, "code": code}
    return refused


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(*args):
    forget(request.sid)
    forget_connection(request.sid)


@live_event("join", write=False)
def on_join(identity: Identity, payload: dict):
    """Turn a visitor's connection into a participant's."""
    if identity.role == "participant":
        raise Conflict(N_("You have already joined this workshop."))
    if identity.role != "visitor":
        raise Forbidden(N_("A moderator or screen connection cannot join as a participant."))
    hit("join", request.remote_addr or "unknown")
    form = validated(JoinForm, payload)
    participant_id, token, workshop = group_commit.run(
        services.add_participant, identity.workshop_id, form.attendance.data, form.display_name.data,
        form.stakeholder_group.data, form.country.data)
    ref = WorkshopRef(workshop.id, workshop.code, workshop.organizer_id)
    identity = Identity("participant", ref.id, participant_id)
    enter(ref, identity, just_joined=True)
    return {"ok": True, "participant_id": participant_id, "participant_token": token}


@live_event("cast_vote", role="participant")
def on_cast_vote(identity: Identity, payload: dict):
    form = validated(VoteForm, payload)
    participant = services.ParticipantRef(identity.participant_id, identity.workshop_id)
    group_commit.run(services.cast_vote, participant, form.prompt_id.data, form.option_ids.data)
    return {"ok": True}


@live_event("submit_position", role="participant")
def on_submit_position(identity: Identity, payload: dict):
    form = validated(PositionForm, payload)
    position_id, status, stored = group_commit.run(
        services.submit_position_of, identity.participant_id, form.prompt_id.data, form.text.data,
        form.option_id.data, form.client_id.data)
    shown = public_position(stored, snapshot_profiles(identity.workshop_id))
    return {"ok": True, "position_id": position_id, "status": status, "position": shown}


@live_event("react", role="participant")
def on_react(identity: Identity, payload: dict):
    form = validated(ReactionForm, payload)
    participant = services.ParticipantRef(identity.participant_id, identity.workshop_id)
    group_commit.run(services.react, participant, form.position_id.data, form.value.data)
    return {"ok": True}


@live_event("get_state", write=False, limit="state")
def on_get_state(identity: Identity, payload: dict):
    workshop = db.session.get(Workshop, identity.workshop_id)
    return {"ok": True, "state": state_for_connection(build_state(workshop, identity), request.sid)}


@live_event("get_positions", write=False, limit="state")
def on_get_positions(identity: Identity, payload: dict):
    """Older positions of a prompt than those in `state` (CONTRACT §12)."""
    form = validated(PositionsPageForm, payload)
    workshop = db.session.get(Workshop, identity.workshop_id)
    services.prompt_of(workshop.id, form.prompt_id.data)  # not_found for another workshop's
    positions = positions_before(workshop, identity, form.prompt_id.data, form.before_id.data,
                                 form.limit.data or LATEST)
    return {"ok": True, "positions": positions}
