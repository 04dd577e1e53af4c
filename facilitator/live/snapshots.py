"""A per-workshop cache of what every client sees alike, and its invalidation after commit.

Services call `invalidate(workshop_id)` when they change something others see;
the cached snapshot is then built afresh on the next connect (the snapshot
itself is participation/snapshot.py's business; this only keeps it).
"""

from __future__ import annotations

from flask import current_app

from .outbox import announce


def caches() -> tuple[dict, dict]:
    """(snapshots by workshop, generation by workshop) of this app."""
    store = current_app.extensions.setdefault("facilitator.caches", {})
    return store.setdefault("shared_state", {}), store.setdefault("state_generation", {})


def invalidate(workshop_id: int) -> None:
    """After this transaction commits, the workshop's shared snapshot is built afresh."""
    shared, generations = caches()

    def drop():
        generations[workshop_id] = generations.get(workshop_id, 0) + 1
        shared.pop(workshop_id, None)

    announce(drop)
