"""Socket.IO handlers of moderators (refused with `forbidden` for anyone else)."""

from __future__ import annotations

from ..extensions import db
from ..participation.events import live_event, validated
from ..participation.state import Identity
from ..workshops.models import Workshop
from . import services
from .forms import ModeratePositionForm, PromptActionForm, ShowOpinionMapForm, ShowResultsForm


def _workshop(identity: Identity) -> Workshop:
    return db.session.get(Workshop, identity.workshop_id)


@live_event("open_prompt", role="moderator")
def on_open_prompt(identity: Identity, payload: dict):
    form = validated(PromptActionForm, payload)
    services.open_prompt(_workshop(identity), form.prompt_id.data, identity)
    db.session.commit()
    return {"ok": True}


@live_event("close_prompt", role="moderator")
def on_close_prompt(identity: Identity, payload: dict):
    form = validated(PromptActionForm, payload)
    services.close_prompt(_workshop(identity), form.prompt_id.data, identity)
    db.session.commit()
    return {"ok": True}


@live_event("show_results", role="moderator")
def on_show_results(identity: Identity, payload: dict):
    form = validated(ShowResultsForm, payload)
    services.show_results(_workshop(identity), form.prompt_id.data, form.visible.data, identity)
    db.session.commit()
    return {"ok": True}


@live_event("moderate_position", role="moderator")
def on_moderate_position(identity: Identity, payload: dict):
    form = validated(ModeratePositionForm, payload)
    position = services.moderate_position(_workshop(identity), form.position_id.data,
                                          form.action.data, identity, form.reason.data)
    db.session.commit()
    return {"ok": True, "status": position.status, "pinned": position.pinned}


@live_event("end_workshop", role="moderator")
def on_end_workshop(identity: Identity, payload: dict):
    services.end_workshop(_workshop(identity), identity)
    db.session.commit()
    return {"ok": True}


@live_event("show_opinion_map", role="moderator")
def on_show_opinion_map(identity: Identity, payload: dict):
    form = validated(ShowOpinionMapForm, payload)
    services.show_opinion_map(_workshop(identity), form.prompt_id.data, form.visible.data, identity)
    db.session.commit()
    return {"ok": True}
