"""Socket.IO handlers of the floor and the agenda (CONTRACT §7, §8)."""

from __future__ import annotations

from ..extensions import db
from ..participation.events import live_event, validated
from ..participation.models import Participant
from ..participation.state import Identity
from ..workshops.models import Workshop
from . import agenda, services
from .forms import AddSpeakerForm, AdvanceAgendaForm, HandForm, MoveHandForm, RaiseHandForm, RemoveHandForm, SetFloorForm


def _workshop(identity: Identity) -> Workshop:
    return db.session.get(Workshop, identity.workshop_id)


@live_event("raise_hand", role="participant")
def on_raise_hand(identity: Identity, payload: dict):
    form = validated(RaiseHandForm, payload)
    participant = db.session.get(Participant, identity.participant_id)
    hand, place = services.raise_hand(participant, form.kind.data or None, form.note.data, form.name.data)
    db.session.commit()
    return {"ok": True, "hand_id": hand.id, "place": place}


@live_event("lower_hand", role="participant")
def on_lower_hand(identity: Identity, payload: dict):
    form = validated(HandForm, payload)
    services.lower_hand(db.session.get(Participant, identity.participant_id), form.hand_id.data)
    db.session.commit()
    return {"ok": True}


@live_event("add_speaker", role="moderator")
def on_add_speaker(identity: Identity, payload: dict):
    form = validated(AddSpeakerForm, payload)
    hand = services.add_speaker(_workshop(identity), identity, form.name.data, form.attendance.data,
                                form.stakeholder_group.data or None, form.kind.data or None, form.note.data)
    db.session.commit()
    return {"ok": True, "hand_id": hand.id}


@live_event("call_speaker", role="moderator")
def on_call_speaker(identity: Identity, payload: dict):
    form = validated(HandForm, payload)
    services.call_speaker(_workshop(identity), identity, form.hand_id.data)
    db.session.commit()
    return {"ok": True}


@live_event("end_speech", role="moderator")
def on_end_speech(identity: Identity, payload: dict):
    services.end_speech(_workshop(identity), identity)
    db.session.commit()
    return {"ok": True}


@live_event("remove_hand", role="moderator")
def on_remove_hand(identity: Identity, payload: dict):
    form = validated(RemoveHandForm, payload)
    services.remove_hand(_workshop(identity), identity, form.hand_id.data, form.reason.data)
    db.session.commit()
    return {"ok": True}


@live_event("move_hand", role="moderator")
def on_move_hand(identity: Identity, payload: dict):
    form = validated(MoveHandForm, payload)
    services.move_hand(_workshop(identity), identity, form.hand_id.data, form.place.data)
    db.session.commit()
    return {"ok": True}


@live_event("set_floor", role="moderator")
def on_set_floor(identity: Identity, payload: dict):
    form = validated(SetFloorForm, payload)
    services.set_floor(_workshop(identity), identity, form.open.data, form.speaking_seconds.data, form.alternate.data)
    db.session.commit()
    return {"ok": True}


@live_event("advance_agenda", role="moderator")
def on_advance_agenda(identity: Identity, payload: dict):
    form = validated(AdvanceAgendaForm, payload)
    agenda.advance_agenda(_workshop(identity), identity, form.item.data)
    db.session.commit()
    return {"ok": True}
