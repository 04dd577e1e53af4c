"""Use cases of participants: join, cast a vote, submit a position, react.

Services take model objects and plain values, check the rules in the
contract's order, flush, and queue their announcements for after commit.
The caller commits once.
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..db_types import utcnow
from ..errors import Closed, Conflict, Invalid, NotFound
from ..extensions import db
from ..live.outbox import emit_after_commit, mark_after_commit
from ..live.rooms import everyone, participant_room, workshop_room
from ..workshops.models import Prompt, Workshop, hash_token
from .models import ATTENDANCES, STAKEHOLDER_GROUPS, Participant, Position, Reaction, Vote, VoteChoice
from .state import position_dict


def join(workshop: Workshop, attendance: str, display_name: str | None = None,
         stakeholder_group: str | None = None, country: str | None = None) -> tuple[Participant, str]:
    """Add a participant to a workshop; return it and its resume token (shown once)."""
    if workshop.is_ended:
        raise Closed("This workshop has ended; joining is no longer possible.")
    if attendance not in ATTENDANCES:
        raise Invalid("Attendance must be 'onsite' or 'online'.")
    if stakeholder_group and stakeholder_group not in STAKEHOLDER_GROUPS:
        raise Invalid("That is not one of the stakeholder groups.")
    token = secrets.token_urlsafe(32)
    participant = Participant(
        workshop_id=workshop.id,
        token_hash=hash_token(token),
        attendance=attendance,
        display_name=(display_name or "").strip() or None,
        stakeholder_group=stakeholder_group or None,
        country=(country or "").upper() or None,
    )
    db.session.add(participant)
    db.session.flush()
    mark_after_commit("participation", workshop.id)
    return participant, token


def find_participant(workshop: Workshop, token: str | None) -> Participant | None:
    if not token or not isinstance(token, str):
        return None
    participant = db.session.scalar(select(Participant).where(Participant.token_hash == hash_token(token)))
    if participant is None or participant.workshop_id != workshop.id:
        return None
    return participant


def prompt_of(workshop_id: int, prompt_id: int) -> Prompt:
    prompt = db.session.get(Prompt, prompt_id)
    if prompt is None or prompt.workshop_id != workshop_id:
        raise NotFound("That question does not exist in this workshop.")
    return prompt


def bump_results_version(prompt: Prompt) -> None:
    """Grow the prompt's results version in the database (atomic across processes)."""
    db.session.execute(
        update(Prompt).where(Prompt.id == prompt.id).values(results_version=Prompt.results_version + 1)
    )


def cast_vote(participant: Participant, prompt_id: int, option_ids: list[int]) -> Vote:
    """Record (or replace) a participant's vote on an open prompt.

    The hot path of a live session: one query for the prompt with its workshop
    and options, one for the participant's current choices, then Core writes
    (an upsert of the vote row, its choices, the results version), no ORM flush.
    """
    prompt = db.session.scalar(
        select(Prompt).where(Prompt.id == prompt_id)
        .options(joinedload(Prompt.workshop), selectinload(Prompt.options))
    )
    if prompt is None or prompt.workshop_id != participant.workshop_id:
        raise NotFound("That question does not exist in this workshop.")
    prompt.ensure_open()
    chosen = set(option_ids)
    if not chosen:
        raise Invalid("Choose at least one option.")
    if len(chosen) != len(option_ids):
        raise Invalid("An option was given twice.")
    if not chosen <= prompt.option_ids():
        raise Invalid("That option is not one of this question's options.")
    if prompt.kind == "single" and len(chosen) != 1:
        raise Invalid("This question takes exactly one option.")
    vote_id, current = _current_choices(prompt.id, participant.id)
    if vote_id is not None and current == chosen:
        return db.session.get(Vote, vote_id)  # the same vote again changes nothing
    now = utcnow()
    if vote_id is None:
        vote_id = db.session.scalar(
            _insert_for_dialect(Vote).values(prompt_id=prompt.id, participant_id=participant.id,
                                             created_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=["prompt_id", "participant_id"])
            .returning(Vote.id)
        )
        if vote_id is None:  # the same participant's concurrent first vote won the race
            vote_id, current = _current_choices(prompt.id, participant.id)
    if current:
        db.session.execute(update(Vote).where(Vote.id == vote_id).values(updated_at=now))
        db.session.execute(delete(VoteChoice).where(VoteChoice.vote_id == vote_id))
    db.session.execute(insert(VoteChoice), [
        {"vote_id": vote_id, "option_id": o, "prompt_id": prompt.id} for o in sorted(chosen)
    ])
    bump_results_version(prompt)
    mark_after_commit("results", prompt.id)
    vote = db.session.get(Vote, vote_id)
    if vote is not None and current:
        db.session.expire(vote)  # its choices changed under the ORM's feet
    return vote


def _current_choices(prompt_id: int, participant_id: int) -> tuple[int | None, set[int]]:
    """The participant's vote id on a prompt and its options (None and empty when none)."""
    rows = db.session.execute(
        select(Vote.id, VoteChoice.option_id)
        .outerjoin(VoteChoice, VoteChoice.vote_id == Vote.id)
        .where(Vote.prompt_id == prompt_id, Vote.participant_id == participant_id)
    ).all()
    if not rows:
        return None, set()
    return rows[0][0], {option for _, option in rows if option is not None}


def _insert_for_dialect(model):
    """INSERT with ON CONFLICT support for the session's database (SQLite or PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return pg_insert(model)
    return sqlite_insert(model)


def submit_position(participant: Participant, prompt_id: int, text: str,
                    option_id: int | None, client_id: str) -> Position:
    """Add a position; a retried client_id returns the position already stored."""
    prompt = prompt_of(participant.workshop_id, prompt_id)
    text = (text or "").strip()
    existing = _position_by_client_id(participant, client_id)
    if existing is not None:
        if (existing.prompt_id, existing.text, existing.option_id) != (prompt.id, text, option_id):
            raise Conflict("This client_id was already used for a different position.")
        return existing
    prompt.ensure_open()
    workshop = prompt.workshop
    if not text:
        raise Invalid("Your position must not be empty.")
    if len(text) > workshop.position_max_length:
        raise Invalid(f"Your position may have at most {workshop.position_max_length} characters "
                      f"(it has {len(text)}).")
    if option_id is not None and option_id not in prompt.option_ids():
        raise Invalid("That option is not one of this question's options.")
    position = Position(
        prompt_id=prompt.id, participant_id=participant.id, option_id=option_id, text=text,
        status="pending" if workshop.moderation == "pre" else "visible", client_id=client_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(position)
    except IntegrityError:  # a concurrent retry with the same client_id was stored first
        return submit_position(participant, prompt_id, text, option_id, client_id)
    announce_position(position, participant, "position_added", was_visible=False)
    return position


def _position_by_client_id(participant: Participant, client_id: str) -> Position | None:
    return db.session.scalar(
        select(Position).where(Position.participant_id == participant.id, Position.client_id == client_id)
    )


def announce_position(position: Position, author: Participant, event: str, was_visible: bool,
                      counts: dict | None = None) -> None:
    """Queue a position event for whoever may see the position (after commit)."""
    workshop_id = author.workshop_id
    payload = position_dict(position, author, counts)
    if position.status == "visible" or was_visible:
        if not was_visible and event == "position_changed":
            # Newly visible to participants and screens: it is new to them.
            emit_after_commit("position_added", payload, [workshop_room(workshop_id, "participants"),
                                                          workshop_room(workshop_id, "screens")])
            emit_after_commit(event, payload, [workshop_room(workshop_id, "moderators")])
        else:
            emit_after_commit(event, payload, everyone(workshop_id))
    else:  # pending or hidden without ever being visible: moderators and the author only
        emit_after_commit(event, payload, [workshop_room(workshop_id, "moderators"),
                                           participant_room(author.id)])


def react(participant: Participant, position_id: int, value: str) -> Reaction:
    """Record (or replace) an agree / disagree / pass on someone else's position."""
    position = db.session.get(Position, position_id)
    if (position is None or position.prompt.workshop_id != participant.workshop_id
            or position.status != "visible"):
        raise NotFound("That position does not exist in this workshop.")
    position.prompt.ensure_open()
    if position.participant_id == participant.id:
        raise Invalid("You cannot react to your own position.")
    reaction = db.session.scalar(
        select(Reaction).where(Reaction.position_id == position.id,
                               Reaction.participant_id == participant.id)
    )
    if reaction is None:
        reaction = Reaction(position_id=position.id, participant_id=participant.id, value=value)
        try:
            with db.session.begin_nested():
                db.session.add(reaction)
        except IntegrityError:
            reaction = db.session.scalar(
                select(Reaction).where(Reaction.position_id == position.id,
                                       Reaction.participant_id == participant.id)
            )
    if reaction.value != value:
        reaction.value = value
    reaction.updated_at = utcnow()
    db.session.flush()
    mark_after_commit("reactions", position.id)
    return reaction
