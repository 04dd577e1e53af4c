"""One live update of a prompt's map: read the matrix, analyse, store over the version read.

The same steps run in the analysis process for a crowd's map (opinion/process.py:
its own interpreter and database connection, so neither the analysis nor a wait for
the database's write lock can hold the server's event loop) and in the server for a
small one (opinion/live.py). Core statements on an engine, no Flask: the child has no
application.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from ..db_types import utcnow
from .history import history_dict, history_map
from .models import OpinionMapRow
from .payloads import live_payload, named_positions
from .result import OpinionMap
from .services import PromptMap, read_attendance, read_matrix, read_texts


@dataclass
class Outcome:
    """What one update did: `none` (no map yet), `same` (still no map), `stored`, or `conflict`
    (another process stored a newer version first, or the database stayed busy: try again)."""

    status: str
    result: OpinionMap | None = None
    kept: OpinionMap | None = None  #: the map the next update continues (the last non-empty one)
    payload: dict | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    changed: bool = False  #: the payload differs from the last one (then it is sent)


def publish(engine, prompt_id: int, workshop_id: int, seen: int, previous: OpinionMap | None,
            last_payload: dict | None, analyse: Callable[..., OpinionMap],
            pause: Callable[[], None] | None = None) -> Outcome:
    """Read, analyse and store a prompt's map as version `seen + 1` (only over version `seen`)."""
    started = time.perf_counter()
    with engine.connect() as connection:
        matrix = read_matrix(prompt_id, pause, connection=connection)
        attendance = read_attendance(workshop_id, connection=connection)
    read = time.perf_counter()
    result = analyse(matrix.votes, matrix.participant_ids, matrix.position_ids, previous,
                     moderated_out=matrix.hidden)
    analysed = time.perf_counter()
    seconds = {"read": read - started, "analyse": analysed - read, "store": 0.0}
    if result.empty and last_payload is None:
        return Outcome("none", result, previous, None, seconds)  # fewer than 3 participants with reactions, ...
    in_map = set(result.participants_in)
    payload = live_payload(PromptMap(prompt_id, result, {p: a for p, a in attendance.items() if p in in_map}))
    with engine.connect() as connection:
        payload["texts"] = read_texts(named_positions(payload), connection=connection)
    if result.empty and payload == last_payload:
        return Outcome("same", result, previous, payload, seconds)
    kept = result if not result.empty else previous  # an empty map does not reset the history
    if pause is not None:
        pause()
    stored = store_map(engine, prompt_id, seen, payload, kept)
    seconds["store"] = time.perf_counter() - analysed
    return Outcome("stored" if stored else "conflict", result, kept, payload, seconds, payload != last_payload)


def load_previous(engine, prompt_id: int) -> tuple[int, OpinionMap | None, dict | None]:
    """The stored map's version, the map to continue (from its history) and its payload (0, None, None if none)."""
    table = OpinionMapRow.__table__
    with engine.connect() as connection:
        row = connection.execute(select(table.c.version, table.c.history, table.c.payload)
                                 .where(table.c.prompt_id == prompt_id)).first()
    if row is None:
        return 0, None, None
    return row.version, history_map(row.history) if row.history else None, row.payload


class _Stale(Exception):
    pass


def store_map(engine, prompt_id: int, seen: int, payload: dict[str, Any], kept: OpinionMap | None) -> bool:
    """Store the map as version `seen + 1`, only if the stored version is still `seen` (compare-and-set)."""
    table = OpinionMapRow.__table__
    values: dict[str, Any] = {"version": seen + 1, "payload": payload, "updated_at": utcnow()}
    if kept is not None and not kept.empty:
        values["history"] = history_dict(kept)
    try:
        with engine.begin() as connection:
            if seen == 0:
                connection.execute(insert(table).values(prompt_id=prompt_id, **values))
            elif connection.execute(update(table).where(table.c.prompt_id == prompt_id, table.c.version == seen)
                                    .values(**values)).rowcount != 1:
                raise _Stale
        return True
    except (_Stale, IntegrityError, OperationalError):
        return False  # a newer version, a concurrent first store, or the database busy: next turn
