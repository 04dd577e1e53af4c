"""The `state` snapshot sent on every connect (CONTRACT §3, §12), built cheaply for crowds.

What every participant and screen of a workshop sees alike (prompts, the newest
positions as others see them, results shown, participation) is built once and
shared by everyone who connects within one coalescing interval; a change that
alters it (a new or moderated position, a prompt opened, closed or shown) drops
it at once in this process. Only the small per-person part (my votes, my
reactions, my own positions) is read for each connection. Moderators'
snapshots are built whole: there are few of them.

With several processes, another process's change reaches this one's cached
part within one interval at most (its broadcasts reach clients as usual).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..floor.agenda import agenda_payload
from ..floor.payloads import floor_for
from ..floor.services import my_hands
from ..live.snapshots import caches
from ..opinion.live import opinion_state
from ..workshops.models import Prompt, Workshop
from .models import Participant, Position, Reaction, Vote, VoteChoice
from .results import reaction_counts, snapshot_participation, snapshot_profiles, snapshot_results
from .state import Identity, position_dict, prompt_dict, public_position, workshop_dict

#: `state.positions` holds the newest positions of each prompt (CONTRACT §12: at least 50),
#: pinned ones, one's own and, for moderators, every pending one; get_positions pages back.
LATEST = 50
#: The most positions one get_positions returns.
PAGE_MAX = 200


@dataclass(frozen=True)
class Shared:
    """The part of `state` that is the same for every participant and screen of a workshop."""

    built: float
    generation: int
    prompts: list
    open_prompt_id: int | None
    positions: list  #: public payloads, newest first
    totals: dict  #: {prompt_id: visible positions}
    results: dict  #: {str(prompt_id): RESULTS} of the prompts whose results are shown
    workshop: dict
    profiles: dict  #: how many share each attendance (and group): what others may see of an author
    floor: dict  #: the public `floor`
    agenda: dict
    opinion: dict  #: {str(prompt_id): OPINION} of the prompts whose map is shown


#: The columns of a position row (rows work as both arguments of position_dict).
_COLUMNS = (Position.id, Position.prompt_id, Position.text, Position.option_id, Position.status,
            Position.pinned, Position.created_at, Position.participant_id,
            Participant.attendance, Participant.stakeholder_group, Participant.display_name)
# The per-person part of every connect: statements built once (a reconnect storm runs them thousands of times).
_OWN_POSITIONS = (select(*_COLUMNS).join(Participant, Participant.id == Position.participant_id)
                  .where(Position.participant_id == bindparam("participant_id")))
_MY_VOTES = (select(Vote.prompt_id, VoteChoice.option_id).join(VoteChoice, VoteChoice.vote_id == Vote.id)
             .where(Vote.participant_id == bindparam("participant_id")).order_by(Vote.prompt_id, VoteChoice.option_id))
_MY_REACTIONS = select(Reaction.position_id, Reaction.value).where(Reaction.participant_id == bindparam("participant_id"))


def visible_positions_query(workshop: Workshop, identity: Identity):
    """Columns of the positions this client may see (rows work as both arguments of position_dict)."""
    query = (
        select(*_COLUMNS)
        .join(Participant, Participant.id == Position.participant_id)
        .join(Prompt, Prompt.id == Position.prompt_id)
        .where(Prompt.workshop_id == workshop.id)
    )
    if not identity.is_staff:
        mine = Position.participant_id == identity.participant_id if identity.participant_id else False
        query = query.where(or_(Position.status == "visible", mine))
    return query


def _visible_filter(identity: Identity):
    if identity.is_staff:
        return True
    mine = Position.participant_id == identity.participant_id if identity.participant_id else False
    return or_(Position.status == "visible", mine)


def _newest_rows(workshop: Workshop, identity: Identity, prompt_ids: list[int]) -> tuple[dict, dict]:
    """The newest rows of each prompt plus pinned (and, for moderators, pending) ones; totals per prompt."""
    base = visible_positions_query(workshop, identity)
    rows = {}
    for prompt_id in prompt_ids:
        for row in db.session.execute(base.where(Position.prompt_id == prompt_id)
                                      .order_by(Position.id.desc()).limit(LATEST)):
            rows[row.id] = row
    always = [Position.pinned.is_(True)]
    if identity.is_staff:
        always.append(Position.status == "pending")
    for row in db.session.execute(base.where(or_(*always))):
        rows[row.id] = row
    totals = dict(db.session.execute(
        select(Position.prompt_id, func.count()).join(Prompt, Prompt.id == Position.prompt_id)
        .where(Prompt.workshop_id == workshop.id, _visible_filter(identity))
        .group_by(Position.prompt_id)).all())
    return rows, totals


def _payloads(workshop: Workshop, identity: Identity, rows, profiles: dict | None = None) -> list[dict]:
    """POSITION payloads of rows, newest first, as this client may see them."""
    rows = sorted(rows, key=lambda row: -row.id)
    counts = reaction_counts(row.id for row in rows)
    positions = [position_dict(row, row, counts[row.id]) for row in rows]
    if not identity.is_staff:
        profiles = profiles if profiles is not None else snapshot_profiles(workshop.id)
        positions = [public_position(p, profiles) for p in positions]
    return positions


def _prompts(workshop: Workshop) -> list[Prompt]:
    return db.session.scalars(select(Prompt).where(Prompt.workshop_id == workshop.id).order_by(Prompt.order)
                              .options(selectinload(Prompt.options))).all()


def _workshop_info(workshop: Workshop) -> dict:
    info = workshop_dict(workshop)
    info["participants"] = snapshot_participation(workshop)
    info["moderation"] = workshop.moderation
    info["position_max_length"] = workshop.position_max_length
    return info


def _loaded(workshop) -> Workshop:
    """The ORM workshop (a WorkshopRef from a connect is loaded only when a snapshot must be built)."""
    return workshop if isinstance(workshop, Workshop) else db.session.get(Workshop, workshop.id)


def _build_shared(workshop: Workshop, generation: int) -> Shared:
    workshop = _loaded(workshop)
    public = Identity("screen", workshop.id)
    prompts = _prompts(workshop)
    rows, totals = _newest_rows(workshop, public, [p.id for p in prompts])
    open_prompt = next((p for p in prompts if p.status == "open"), None)
    profiles = snapshot_profiles(workshop.id)
    return Shared(
        built=time.monotonic(), generation=generation,
        prompts=[prompt_dict(p) for p in prompts],
        open_prompt_id=open_prompt.id if open_prompt else None,
        positions=_payloads(workshop, public, rows.values(), profiles),
        totals={str(p.id): totals.get(p.id, 0) for p in prompts},
        results={str(p.id): snapshot_results(p) for p in prompts if p.results_visible},
        workshop=_workshop_info(workshop),
        profiles=profiles,
        floor=floor_for(workshop.id, public),
        agenda=agenda_payload(workshop),
        opinion=opinion_state([p.id for p in prompts], {p.id for p in prompts if p.opinion_visible}),
    )


def shared_snapshot(workshop: Workshop) -> Shared:
    """The shared part, reused for one coalescing interval unless something others see changed."""
    shared, generations = caches()
    generation = generations.get(workshop.id, 0)
    snapshot = shared.get(workshop.id)
    if (snapshot is None or snapshot.generation != generation
            or time.monotonic() - snapshot.built >= current_app.config["RESULTS_INTERVAL"]):
        snapshot = shared[workshop.id] = _build_shared(workshop, generation)
    return snapshot


def build_state(workshop: Workshop, identity: Identity, just_joined: bool = False) -> dict:
    """Return the `state` for this client (CONTRACT §3 and §12). A participant who `just_joined`
    has no votes, reactions, positions or hands yet: their state is the shared snapshot with an
    empty `me`, without a query (a join storm sends thousands of these)."""
    if identity.is_staff:
        return _staff_state(workshop, identity)
    shared = shared_snapshot(workshop)
    positions, totals = shared.positions, shared.totals
    me: dict = {"role": identity.role, "votes": {}, "reactions": {}}
    if identity.participant_id is not None and just_joined:
        me["participant_id"] = identity.participant_id
        me["position_ids"] = []
    elif identity.participant_id is not None:
        own = db.session.execute(_OWN_POSITIONS, {"participant_id": identity.participant_id}).all()
        me["participant_id"] = identity.participant_id
        me["votes"] = my_votes(identity.participant_id)
        me["position_ids"] = sorted(row.id for row in own)
        me["reactions"] = my_reactions(identity.participant_id)
        shown = {p["id"] for p in positions}
        extra = [row for row in own if row.id not in shown]
        if extra:
            positions = sorted(positions + _payloads(workshop, identity, extra, shared.profiles),
                               key=lambda p: -p["id"])
            totals = dict(totals)
            for row in extra:
                if row.status != "visible":  # counted for this client only
                    totals[str(row.prompt_id)] = totals.get(str(row.prompt_id), 0) + 1
    floor = shared.floor
    if identity.participant_id is not None and not just_joined and my_hands(identity.participant_id):
        floor = floor_for(workshop.id, identity)  # their hands marked "mine", with their places
    return {
        "workshop": dict(shared.workshop),
        "prompts": shared.prompts,
        "open_prompt_id": shared.open_prompt_id,
        "positions": positions,
        "positions_total": totals,
        "me": me,
        "results": shared.results,
        "floor": floor,
        "agenda": shared.agenda,
        "opinion": shared.opinion,
    }


def _staff_state(workshop: Workshop, identity: Identity) -> dict:
    workshop = _loaded(workshop)
    prompts = _prompts(workshop)
    rows, totals = _newest_rows(workshop, identity, [p.id for p in prompts])
    open_prompt = next((p for p in prompts if p.status == "open"), None)
    return {
        "workshop": _workshop_info(workshop),
        "prompts": [prompt_dict(p) for p in prompts],
        "open_prompt_id": open_prompt.id if open_prompt else None,
        "positions": _payloads(workshop, identity, rows.values()),
        "positions_total": {str(p.id): totals.get(p.id, 0) for p in prompts},
        "me": {"role": identity.role, "votes": {}, "reactions": {},
               **({"desk": identity.desk} if identity.role == "moderator" else {})},
        "results": {str(p.id): snapshot_results(p) for p in prompts},
        "floor": floor_for(workshop.id, identity),
        "agenda": agenda_payload(workshop),
        "opinion": opinion_state([p.id for p in prompts], None),
    }


def positions_before(workshop: Workshop, identity: Identity, prompt_id: int, before_id: int | None,
                     limit: int) -> list[dict]:
    """A page of a prompt's positions older than `before_id`, newest first, as this client sees them."""
    query = visible_positions_query(workshop, identity).where(Position.prompt_id == prompt_id)
    if before_id is not None:
        query = query.where(Position.id < before_id)
    rows = db.session.execute(query.order_by(Position.id.desc()).limit(min(limit, PAGE_MAX))).all()
    return _payloads(workshop, identity, rows)


def my_votes(participant_id: int) -> dict[str, list[int]]:
    """Return {prompt_id: [option_ids]} of one participant's votes."""
    votes: dict[str, list[int]] = {}
    for prompt_id, option_id in db.session.execute(_MY_VOTES, {"participant_id": participant_id}):
        votes.setdefault(str(prompt_id), []).append(option_id)
    return votes


def my_reactions(participant_id: int) -> dict[str, str]:
    return {str(pid): value for pid, value in db.session.execute(_MY_REACTIONS, {"participant_id": participant_id})}
