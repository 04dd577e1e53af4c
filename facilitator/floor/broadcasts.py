"""What the coalescer sends when a workshop's floor changed: one `floor` per audience, a few times a
second at most, never one message per hand to everyone."""

from __future__ import annotations

from ..live.rooms import participant_room, public_rooms, workshop_room
from .payloads import floor_payloads, personal


def floor_messages(workshop_ids: set[int]):
    for workshop_id in workshop_ids:
        staff, public, owners = floor_payloads(workshop_id)
        yield "floor", staff, workshop_room(workshop_id, "moderators")
        yield "floor", public, public_rooms(workshop_id)
        # Then each participant with a hand up gets the same floor with theirs marked (sent after
        # the public one on the same connection, so it is the one their page keeps).
        places = {hand["id"]: place for place, hand in enumerate(staff["queue"], start=1)}
        for participant_id, hand_ids in owners.items():
            yield "floor", personal(public, hand_ids, places), participant_room(participant_id)


def register(coalescer) -> None:
    coalescer.register("floor", floor_messages)
