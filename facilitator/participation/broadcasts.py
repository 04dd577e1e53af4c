"""What the coalescer sends for each kind of dirty key."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..live.rooms import everyone, public_rooms, workshop_room
from ..workshops.models import Prompt, Workshop
from .models import Participant, Position
from .connection import connection_count
from .results import forget, participation_for, reaction_counts, results_for, snapshot_profiles
from .state import position_dict, public_position


def results_messages(prompt_ids: set[int]):
    """Latest tallies: moderators always, everyone else when the results are shown."""
    for prompt in db.session.scalars(select(Prompt).where(Prompt.id.in_(prompt_ids))):
        payload = results_for(prompt)
        rooms = everyone(prompt.workshop_id) if prompt.results_visible else [
            workshop_room(prompt.workshop_id, "moderators")]
        yield "results", payload, rooms


def reaction_messages(position_ids: set[int]):
    """Latest reaction counts of positions, to whoever may see each position."""
    rows = db.session.execute(
        select(Position, Participant, Prompt.workshop_id)
        .join(Participant, Participant.id == Position.participant_id)
        .join(Prompt, Prompt.id == Position.prompt_id)
        .where(Position.id.in_(position_ids))
    ).all()
    counts = reaction_counts(p.id for p, _, _ in rows)
    for position, author, workshop_id in rows:
        payload = position_dict(position, author, counts[position.id])
        yield "position_changed", payload, workshop_room(workshop_id, "moderators")
        if position.status == "visible":
            yield "position_changed", public_position(payload, snapshot_profiles(workshop_id)), public_rooms(workshop_id)


def new_position_messages(position_ids: set[int]):
    """Positions that became visible: `position_added` to participants and screens."""
    rows = db.session.execute(
        select(Position, Participant, Prompt.workshop_id)
        .join(Participant, Participant.id == Position.participant_id)
        .join(Prompt, Prompt.id == Position.prompt_id)
        .where(Position.id.in_(position_ids), Position.status == "visible")
        .order_by(Position.id)
    ).all()
    counts = reaction_counts(p.id for p, _, _ in rows)
    for position, author, workshop_id in rows:
        payload = public_position(position_dict(position, author, counts[position.id]), snapshot_profiles(workshop_id))
        yield "position_added", payload, public_rooms(workshop_id)


def participation_messages(workshop_ids: set[int]):
    for workshop in db.session.scalars(select(Workshop).where(Workshop.id.in_(workshop_ids))):
        rooms = [workshop_room(workshop.id, "moderators"), workshop_room(workshop.id, "screens")]
        yield "participation", participation_for(workshop), rooms


def register(coalescer) -> None:
    app = coalescer.app
    coalescer.register("results", results_messages)
    budget = app.config["DELIVERIES_PER_TICK"]
    coalescer.register("reactions", reaction_messages, on_mark=lambda: forget(app, "reactions"),
                       max_keys=lambda: budget // max(1, connection_count()))
    coalescer.register("new_positions", new_position_messages,
                       max_keys=lambda: budget // max(1, connection_count()))
    coalescer.register("participation", participation_messages)
