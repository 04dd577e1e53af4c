"""A prompt's opinion map from the database: the reaction matrix, `analyse`, and the `analyze` payload.

The math (`math.py` and its helpers) knows nothing of the database; this
module reads a prompt's positions and reactions into its matrix and maps
statement and participant ids back to positions and participants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import select

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
