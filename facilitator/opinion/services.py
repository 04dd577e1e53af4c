"""A prompt's opinion map from the database: the reaction matrix, `analyse`, and the `analyze` payload.

The math (`math.py` and its helpers) knows nothing of the database; this
module reads a prompt's positions and reactions into its matrix and maps
statement and participant ids back to positions and participants.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import case, select

from ..extensions import db
from ..participation.models import Participant, Position, Reaction
from ..workshops.models import Prompt
from .math import analyse
from .result import OpinionMap

#: Reaction values in the matrix (Pol.is: agree 1, disagree -1, pass 0; missing is NaN).
VALUES = {"agree": 1.0, "disagree": -1.0, "pass": 0.0}
#: Positions that are columns of the matrix: visible ones, and hidden ones as moderated out.
IN_MATRIX = ("visible", "hidden")


@dataclass(frozen=True)
class ReactionMatrix:
    """Hold a prompt's participants × positions matrix and what the analysis needs besides."""

    votes: np.ndarray  # agree 1, disagree -1, pass 0, missing NaN
    participant_ids: list[int]  # rows, by participant id
    position_ids: list[int]  # columns, by position id
    hidden: list[int]  # position ids a moderator hid (passed as moderated_out)


@dataclass(frozen=True)
class PromptMap:
    """Hold one prompt's opinion map and the attendance of the participants in it."""

    prompt_id: int
    result: OpinionMap
    attendance: dict[int, str] = field(default_factory=dict)  # participant id -> onsite / online


def reaction_matrix(prompt: Prompt) -> ReactionMatrix:
    """Read the reactions to a prompt's visible and hidden positions into a matrix.

    Rows are the participants who reacted to at least one of them, in id
    order. As in Pol.is, where writing a comment records its author's agree,
    such a participant also counts as agreeing with their own positions
    (Facilitator stores no reaction to one's own position).
    """
    positions = db.session.execute(
        select(Position.id, Position.participant_id, Position.status)
        .where(Position.prompt_id == prompt.id, Position.status.in_(IN_MATRIX))
        .order_by(Position.id)
    ).all()
    reactions = db.session.execute(
        select(Reaction.participant_id, Reaction.position_id, Reaction.value)
        .join(Position, Position.id == Reaction.position_id)
        .where(Position.prompt_id == prompt.id, Position.status.in_(IN_MATRIX))
    ).all()
    position_ids = [p.id for p in positions]
    participant_ids = sorted({r.participant_id for r in reactions})
    row = {pid: i for i, pid in enumerate(participant_ids)}
    col = {sid: j for j, sid in enumerate(position_ids)}
    votes = np.full((len(participant_ids), len(position_ids)), np.nan)
    for p in positions:
        if p.participant_id in row:
            votes[row[p.participant_id], col[p.id]] = 1.0
    for r in reactions:
        votes[row[r.participant_id], col[r.position_id]] = VALUES[r.value]
    hidden = [p.id for p in positions if p.status == "hidden"]
    return ReactionMatrix(votes, participant_ids, position_ids, hidden)


def analyze_prompt(prompt: Prompt, previous: OpinionMap | None = None) -> PromptMap:
    """Return the opinion map of a prompt; an empty one, with its reason, when there is none."""
    matrix = reaction_matrix(prompt)
    result = analyse(matrix.votes, matrix.participant_ids, matrix.position_ids, previous,
                     moderated_out=matrix.hidden)
    in_map = set(result.participants_in)
    attendance = {pid: where for pid, where in db.session.execute(
        select(Participant.id, Participant.attendance).where(Participant.workshop_id == prompt.workshop_id))
        if pid in in_map}
    return PromptMap(prompt.id, result, attendance)


def map_payload(prompt_map: PromptMap) -> dict[str, Any]:
    """Return the `analyze --json` object of one prompt (CONTRACT §9)."""
    result = prompt_map.result
    groups = []
    for group in result.groups:
        onsite = sum(1 for p in group.members if prompt_map.attendance.get(p) == "onsite")
        groups.append({
            "id": group.id, "size": len(group.members), "onsite": onsite, "online": len(group.members) - onsite,
            "members": list(group.members),
            "representative": [{"position_id": r.statement_id, "direction": r.direction, "share": round(r.share, 4)}
                               for r in group.representative],
        })
    return {
        "prompt_id": prompt_map.prompt_id,
        "participants_in": len(result.participants_in),
        "groups": groups,
        "consensus": [{"position_id": c.statement_id, "agree_share": round(c.agree_share, 4)}
                      for c in result.consensus],
        "divisive": [{"position_id": d.statement_id} for d in result.divisive],
        "seconds": round(result.seconds, 4),
        "reason": result.reason,
    }


#: Reactions read per chunk by `read_matrix` (between chunks the live task lets the event loop run).
CHUNK = 5_000


def read_matrix(prompt_id: int, pause: Callable[[], None] | None = None, connection=None) -> ReactionMatrix:
    """Return the same matrix as `reaction_matrix`, read for the live map: values mapped in SQL,
    rows fetched from the driver's cursor in chunks of `CHUNK` with `pause()` between them,
    the matrix filled with numpy. Core tables only, on `connection` (default: the session's),
    so the analysis process can read with an engine of its own.

    Under gevent a database read holds the event loop while it runs (SQLite's always, any
    driver's row processing). For a crowd's 100,000 reactions, SQLAlchemy's rows take half a
    second in one piece; the driver's tuples a third of that, in chunks of a few milliseconds.
    """
    connection = connection if connection is not None else db.session.connection()
    positions_table, reactions_table = Position.__table__, Reaction.__table__
    positions = connection.execute(
        select(positions_table.c.id, positions_table.c.participant_id, positions_table.c.status)
        .where(positions_table.c.prompt_id == prompt_id, positions_table.c.status.in_(IN_MATRIX))
        .order_by(positions_table.c.id)
    ).all()
    value = case((reactions_table.c.value == "agree", 1), (reactions_table.c.value == "disagree", -1), else_=0)
    statement = (select(reactions_table.c.participant_id, reactions_table.c.position_id, value)
                 .join(positions_table, positions_table.c.id == reactions_table.c.position_id)
                 .where(positions_table.c.prompt_id == int(prompt_id), positions_table.c.status.in_(IN_MATRIX)))
    # Only integers and the constant statuses are bound: written into the SQL, the query runs
    # on the driver's own cursor (in the connection's transaction), whatever its parameter style.
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.dbapi_connection.cursor()
    chunks = []
    try:
        cursor.execute(sql)
        while part := cursor.fetchmany(CHUNK):
            chunks.append(np.fromiter(chain.from_iterable(part), dtype=np.int64, count=3 * len(part)))
            if pause is not None:
                pause()
    finally:
        cursor.close()
    rows = np.concatenate(chunks).reshape(-1, 3) if chunks else np.empty((0, 3), dtype=np.int64)
    position_ids = np.array([p.id for p in positions], dtype=np.int64)
    participant_ids, row = np.unique(rows[:, 0], return_inverse=True)
    votes = np.full((len(participant_ids), len(position_ids)), np.nan)
    authors = np.array([p.participant_id for p in positions], dtype=np.int64)
    has_row = np.isin(authors, participant_ids)  # authors agree with their own positions, as in Pol.is
    votes[np.searchsorted(participant_ids, authors[has_row]), np.flatnonzero(has_row)] = 1.0
    votes[row.reshape(-1), np.searchsorted(position_ids, rows[:, 1])] = rows[:, 2]
    hidden = [p.id for p in positions if p.status == "hidden"]
    return ReactionMatrix(votes, [int(p) for p in participant_ids], [int(p) for p in position_ids], hidden)


def read_texts(position_ids: list[int], connection=None) -> dict[str, str]:
    """{str(position id): text} of the given positions (the statements a live map names)."""
    if not position_ids:
        return {}
    connection = connection if connection is not None else db.session.connection()
    table = Position.__table__
    return {str(pid): text for pid, text in connection.execute(
        select(table.c.id, table.c.text).where(table.c.id.in_(sorted(set(position_ids)))))}


def read_attendance(workshop_id: int, connection=None) -> dict[int, str]:
    """{participant id: onsite / online} of a workshop's participants (Core, like `read_matrix`)."""
    connection = connection if connection is not None else db.session.connection()
    table = Participant.__table__
    return dict(connection.execute(
        select(table.c.id, table.c.attendance).where(table.c.workshop_id == workshop_id)).all())
