"""The snapshot sent on every connect, and the objects it is made of."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..workshops.models import Prompt, Workshop
from ..workshops.services import prompt_dict as agenda_prompt_dict
from .models import Participant, Position, Reaction, Vote, VoteChoice
from .results import snapshot_participation, snapshot_profiles, snapshot_reaction_counts, snapshot_results


@dataclass(frozen=True)
class Identity:
    """Who is at the other end of a connection (or a browser session)."""

    role: str  # visitor | participant | moderator | screen
    workshop_id: int
    participant_id: int | None = None
    actor: str | None = None  # moderators: organizer e-mail or "moderator link"

    @property
    def is_moderator(self) -> bool:
        return self.role == "moderator"

    @property
    def is_staff(self) -> bool:
        """Sees what moderators see: every position, live results, names."""
        return self.role in ("moderator", "rapporteur")


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def prompt_dict(prompt: Prompt) -> dict:
    """The prompt object of `state` and `prompt_changed`: the agenda entry and its live status."""
    return {
        **agenda_prompt_dict(prompt),
        "status": prompt.status,
        "results_visible": prompt.results_visible,
        "opened_at": iso(prompt.opened_at),
        "closed_at": iso(prompt.closed_at),
    }


def workshop_dict(workshop: Workshop) -> dict:
    return {"code": workshop.code, "title": workshop.title, "status": workshop.status}


def position_dict(position: Position, participant: Participant, counts: dict | None = None) -> dict:
    """POSITION as moderators see it: with the author's attendance, group and name (if given).

    Participants and screens get public_position() of it.
    """
    counts = counts or {"agree": 0, "disagree": 0, "pass": 0}
    return {
        "id": position.id,
        "prompt_id": position.prompt_id,
        "text": position.text,
        "option_id": position.option_id,
        "attendance": participant.attendance,
        "stakeholder_group": participant.stakeholder_group,
        "status": position.status,
        "pinned": position.pinned,
        "agree": counts["agree"],
        "disagree": counts["disagree"],
        "pass": counts["pass"],
        "created_at": iso(position.created_at),
        "author_name": participant.display_name,
    }


def public_position(payload: dict, profiles: dict) -> dict:
    """POSITION as participants and screens see it: nothing that singles its author out.

    The author's attendance and stakeholder group are shown only once at least
    PUBLIC_GROUP_MIN participants share them (else the group, or both, are
    null), and the author's name never: the join form says exactly this.
    """
    minimum = current_app.config["PUBLIC_GROUP_MIN"]
    attendance, group = payload["attendance"], payload["stakeholder_group"]
    if profiles.get((attendance, group), 0) < minimum:
        group = None
        if profiles.get(attendance, 0) < minimum:
            attendance = None
    return {**payload, "attendance": attendance, "stakeholder_group": group, "author_name": None}


def visible_positions_query(workshop: Workshop, identity: Identity):
    """Columns of the positions this client may see (rows work as both arguments of position_dict)."""
    query = (
        select(Position.id, Position.prompt_id, Position.text, Position.option_id, Position.status,
               Position.pinned, Position.created_at, Position.participant_id,
               Participant.attendance, Participant.stakeholder_group, Participant.display_name)
        .join(Participant, Participant.id == Position.participant_id)
        .join(Prompt, Prompt.id == Position.prompt_id)
        .where(Prompt.workshop_id == workshop.id)
    )
    if not identity.is_staff:
        mine = Position.participant_id == identity.participant_id if identity.participant_id else False
        query = query.where(or_(Position.status == "visible", mine))
    return query


#: `state.positions` holds the newest positions of each prompt (CONTRACT §12: at least 50),
#: pinned ones, one's own and, for moderators, every pending one; get_positions pages back.
LATEST = 50
#: The most positions one get_positions returns.
PAGE_MAX = 200


def _visible_filter(identity: Identity):
    if identity.is_staff:
        return True
    mine = Position.participant_id == identity.participant_id if identity.participant_id else False
    return or_(Position.status == "visible", mine)


def state_positions(workshop: Workshop, identity: Identity, prompt_ids: list[int]) -> tuple[list, dict]:
    """The rows `state` carries, newest first, and how many positions of each prompt this client may see."""
    base = visible_positions_query(workshop, identity)
    rows = {}
    for prompt_id in prompt_ids:
        for row in db.session.execute(base.where(Position.prompt_id == prompt_id)
                                      .order_by(Position.id.desc()).limit(LATEST)):
            rows[row.id] = row
    always = [Position.pinned.is_(True)]
    if identity.participant_id is not None:
        always.append(Position.participant_id == identity.participant_id)
    if identity.is_staff:
        always.append(Position.status == "pending")
    for row in db.session.execute(base.where(or_(*always))):
        rows[row.id] = row
    totals = dict(db.session.execute(
        select(Position.prompt_id, func.count()).join(Prompt, Prompt.id == Position.prompt_id)
        .where(Prompt.workshop_id == workshop.id, _visible_filter(identity))
        .group_by(Position.prompt_id)).all())
    return sorted(rows.values(), key=lambda row: -row.id), totals


def positions_before(workshop: Workshop, identity: Identity, prompt_id: int, before_id: int | None,
                     limit: int) -> list[dict]:
    """A page of a prompt's positions older than `before_id`, newest first, as this client sees them."""
    query = visible_positions_query(workshop, identity).where(Position.prompt_id == prompt_id)
    if before_id is not None:
        query = query.where(Position.id < before_id)
    rows = db.session.execute(query.order_by(Position.id.desc()).limit(min(limit, PAGE_MAX))).all()
    return _position_payloads(workshop, identity, rows)


def _position_payloads(workshop: Workshop, identity: Identity, rows) -> list[dict]:
    counts = snapshot_reaction_counts(workshop)
    empty = {"agree": 0, "disagree": 0, "pass": 0}
    positions = [position_dict(row, row, counts.get(row.id, empty)) for row in rows]
    if not identity.is_staff:
        profiles = snapshot_profiles(workshop.id)
        positions = [public_position(p, profiles) for p in positions]
    return positions


def build_state(workshop: Workshop, identity: Identity) -> dict:
    """Return the `state` for this client (CONTRACT §3 and §12)."""
    prompts = db.session.scalars(
        select(Prompt).where(Prompt.workshop_id == workshop.id).order_by(Prompt.order)
        .options(selectinload(Prompt.options))
    ).all()
    open_prompt = next((p for p in prompts if p.status == "open"), None)
    rows, totals = state_positions(workshop, identity, [p.id for p in prompts])
    positions = _position_payloads(workshop, identity, rows)
    me: dict = {"role": identity.role, "votes": {}, "reactions": {}}
    if identity.participant_id is not None:
        me["participant_id"] = identity.participant_id
        me["votes"] = my_votes(identity.participant_id)
        # Which positions are one's own (positions themselves are anonymous).
        me["position_ids"] = [row.id for row in rows if row.participant_id == identity.participant_id]
        me["reactions"] = {
            str(pid): value
            for pid, value in db.session.execute(
                select(Reaction.position_id, Reaction.value)
                .where(Reaction.participant_id == identity.participant_id)
            )
        }
    results = {
        str(p.id): snapshot_results(p)
        for p in prompts
        if identity.is_staff or p.results_visible
    }
    workshop_info = workshop_dict(workshop)
    workshop_info["participants"] = snapshot_participation(workshop)
    workshop_info["moderation"] = workshop.moderation
    workshop_info["position_max_length"] = workshop.position_max_length
    return {
        "workshop": workshop_info,
        "prompts": [prompt_dict(p) for p in prompts],
        "open_prompt_id": open_prompt.id if open_prompt else None,
        "positions": positions,
        "positions_total": {str(p.id): totals.get(p.id, 0) for p in prompts},
        "me": me,
        "results": results,
    }


def display_prompt(state: dict) -> dict | None:
    """The question screens and phones are on: the open one, else the one closed last, else none.

    After "close the vote, then show the results" it is the closed question,
    so its results appear where people look (static/js/live.js has the same rule).
    """
    prompts = state["prompts"]
    current = next((p for p in prompts if p["id"] == state["open_prompt_id"]), None)
    if current is None:
        closed = [p for p in prompts if p["status"] == "closed" and p["closed_at"]]
        current = max(closed, key=lambda p: p["closed_at"], default=None)
    return current


def shown_results(state: dict) -> dict | None:
    """The display prompt when this client may see its results, else None."""
    prompt = display_prompt(state)
    return prompt if prompt is not None and str(prompt["id"]) in state["results"] else None


def my_votes(participant_id: int) -> dict[str, list[int]]:
    """Return {prompt_id: [option_ids]} of one participant's votes."""
    votes: dict[str, list[int]] = {}
    for prompt_id, option_id in db.session.execute(
        select(Vote.prompt_id, VoteChoice.option_id)
        .join(VoteChoice, VoteChoice.vote_id == Vote.id)
        .where(Vote.participant_id == participant_id)
        .order_by(Vote.prompt_id, VoteChoice.option_id)
    ):
        votes.setdefault(str(prompt_id), []).append(option_id)
    return votes
