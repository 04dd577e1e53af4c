"""What the coalescer sends when a workshop's floor changed: one `floor` per audience, twice a
second at most, never one message per hand to everyone."""

from __future__ import annotations

import time

from ..live.rooms import participant_room, public_rooms, workshop_room
from .payloads import floor_payloads, personal, waiting_index

#: At most one `floor` per workshop per this many seconds: when 500 hands go up within a minute
#: the queue changes many times a second, and 2,000 phones need to see it twice a second at most.
MIN_INTERVAL = 0.5


def register(coalescer) -> None:
    last_sent: dict[int, float] = {}

    def floor_messages(workshop_ids: set[int]):
        now = time.monotonic()
        for workshop_id in workshop_ids:
            if now - last_sent.get(workshop_id, 0.0) < MIN_INTERVAL:
                coalescer.mark("floor", workshop_id)  # sent at a later tick, with what it is then
                continue
            last_sent[workshop_id] = now
            staff, public, owners = floor_payloads(workshop_id)
            yield "floor", staff, workshop_room(workshop_id, "moderators")
            yield "floor", public, public_rooms(workshop_id)
            # Then each participant with a hand up (or speaking) gets the same floor with theirs
            # marked, after the public one on the same connection, so it is the one their page keeps.
            waiting = waiting_index(staff)
            for participant_id, hand_ids in owners.items():
                yield "floor", personal(public, hand_ids, waiting), participant_room(participant_id)

    coalescer.register("floor", floor_messages)
