"""Use cases of participants: join, cast a vote, submit a position, react.

Services take model objects and plain values, check the rules in the
contract's order, flush, and queue their announcements for after commit.
The caller commits once.
"""

from __future__ import annotations

import secrets

from typing import NamedTuple

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..errors import N_, Closed, Conflict, Invalid, NotFound
from ..fields import clean_text, is_blank, one_line
from ..extensions import db
from ..live.outbox import emit_after_commit, mark_after_commit
from ..live.rooms import participant_room, public_rooms, workshop_room
from ..workshops.models import Option, Prompt, Workshop, ensure_open, hash_token
from .models import ATTENDANCES, STAKEHOLDER_GROUPS, Participant, Position, Reaction, Vote, VoteChoice
from .results import snapshot_profiles
from ..live.snapshots import invalidate
from ..opinion.live import touch_after_commit
from .state import position_dict, public_position

def join(workshop: Workshop, attendance: str, display_name: str | None = None,
         stakeholder_group: str | None = None, country: str | None = None) -> tuple[Participant, str]:
    """Add a participant to a workshop; return it and its resume token (shown once)."""
    values, token = _new_participant(workshop.status, attendance, display_name, stakeholder_group, country)
    participant = Participant(workshop_id=workshop.id, **values)
    db.session.add(participant)
    db.session.flush()
    mark_after_commit("participation", workshop.id)
    return participant, token


_WORKSHOP_TO_JOIN = select(Workshop.id, Workshop.code, Workshop.organizer_id, Workshop.status).where(
    Workshop.id == bindparam("workshop_id"))
_ADD_PARTICIPANT = insert(Participant).returning(Participant.id)


def add_participant(workshop_id: int, attendance: str, display_name: str | None = None,
                    stakeholder_group: str | None = None, country: str | None = None):
    """`join` for the socket's join storm: the workshop's row read and one INSERT on the session's
    connection, no ORM object; return the participant's id, its resume token and the workshop's
    (id, code, organizer_id, status)."""
    conn = db.session.connection()
    workshop = conn.execute(_WORKSHOP_TO_JOIN, {"workshop_id": workshop_id}).one()
    values, token = _new_participant(workshop.status, attendance, display_name, stakeholder_group, country)
    participant_id = conn.execute(
        _ADD_PARTICIPANT, {"workshop_id": workshop_id, "joined_at": utcnow(), **values}).scalar_one()
    mark_after_commit("participation", workshop_id)
    return participant_id, token, workshop


def _new_participant(workshop_status: str, attendance: str, display_name: str | None,
                     stakeholder_group: str | None, country: str | None) -> tuple[dict, str]:
    """The rules of joining, then a new participant's columns and its token."""
    if workshop_status == "ended":
        raise Closed(N_("This workshop has ended; joining is no longer possible."))
    if attendance not in ATTENDANCES:
        raise Invalid(N_("Attendance must be 'onsite' or 'online'."))
    if stakeholder_group and stakeholder_group not in STAKEHOLDER_GROUPS:
        raise Invalid(N_("That is not one of the stakeholder groups."))
    token = secrets.token_urlsafe(32)
    return {
        "token_hash": hash_token(token),
        "attendance": attendance,
        "display_name": one_line(display_name),
        "stakeholder_group": stakeholder_group or None,
        "country": (one_line(country) or "").upper() or None,
    }, token

def find_participant(workshop: Workshop, token: str | None) -> Participant | None:
    if not token or not isinstance(token, str):
        return None
    participant = db.session.scalar(select(Participant).where(Participant.token_hash == hash_token(token)))
    if participant is None or participant.workshop_id != workshop.id:
        return None
    return participant

_PARTICIPANT_BY_TOKEN = select(Participant.id, Participant.workshop_id).where(
    Participant.token_hash == bindparam("token_hash"))


def participant_id_for(workshop_id: int, token: str | None) -> int | None:
    """The id of the workshop's participant holding this token (one indexed look-up), else None."""
    if not token or not isinstance(token, str):
        return None
    row = db.session.execute(_PARTICIPANT_BY_TOKEN, {"token_hash": hash_token(token)}).first()
    return row.id if row is not None and row.workshop_id == workshop_id else None


def prompt_of(workshop_id: int, prompt_id: int) -> Prompt:
    prompt = db.session.get(Prompt, prompt_id)
    if prompt is None or prompt.workshop_id != workshop_id:
        raise NotFound(N_("That question does not exist in this workshop."))
    return prompt

class ParticipantRef(NamedTuple):
    """What the vote and reaction paths need of a participant, without loading the row."""

    id: int
    workshop_id: int

# The vote path is the hottest: its statements are built once and run on the
# session's connection (Core), skipping statement construction and the ORM.
_PROMPT_FOR_VOTE = (
    select(Prompt.workshop_id, Prompt.status, Prompt.kind, Workshop.status)
    .join(Workshop, Workshop.id == Prompt.workshop_id)
    .where(Prompt.id == bindparam("prompt_id"))
)
_OPTION_IDS = select(Option.id).where(Option.prompt_id == bindparam("prompt_id"))
_CURRENT_CHOICES = (
    select(Vote.id, VoteChoice.option_id)
    .outerjoin(VoteChoice, VoteChoice.vote_id == Vote.id)
    .where(Vote.prompt_id == bindparam("prompt_id"), Vote.participant_id == bindparam("participant_id"))
)
_TOUCH_VOTE = update(Vote).where(Vote.id == bindparam("vote_id")).values(updated_at=bindparam("now"))
_CLEAR_CHOICES = delete(VoteChoice).where(VoteChoice.vote_id == bindparam("vote_id"))
_ADD_CHOICE = insert(VoteChoice)
_BUMP_VERSION = (
    update(Prompt).where(Prompt.id == bindparam("prompt_id"))
    .values(results_version=Prompt.results_version + 1)
)
_INSERT_VOTE: dict[str, object] = {}
#: Option ids of prompts seen open. Options can only change while the workshop
#: is a draft, and a draft has no open prompt, so an entry never goes stale.
_OPTIONS_OF_OPEN_PROMPTS: dict[int, frozenset[int]] = {}

def _insert_vote(conn):
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id, for the connection's dialect."""
    dialect = conn.dialect.name
    if dialect not in _INSERT_VOTE:
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        _INSERT_VOTE[dialect] = (
            make(Vote).values(prompt_id=bindparam("prompt_id"), participant_id=bindparam("participant_id"),
                              created_at=bindparam("now"), updated_at=bindparam("now"))
            .on_conflict_do_nothing(index_elements=["prompt_id", "participant_id"])
            .returning(Vote.id)
        )
    return _INSERT_VOTE[dialect]

def _option_ids(conn, prompt_id: int) -> frozenset[int]:
    options = _OPTIONS_OF_OPEN_PROMPTS.get(prompt_id)
    if options is None:
        options = frozenset(conn.execute(_OPTION_IDS, {"prompt_id": prompt_id}).scalars())
        _OPTIONS_OF_OPEN_PROMPTS[prompt_id] = options
    return options

def cast_vote(participant, prompt_id: int, option_ids: list[int]) -> int:
    """Record (or replace) a participant's vote on an open prompt; return the vote id.

    `participant` is a Participant or a ParticipantRef. Checks run in the
    contract's order: not_found, closed, then the option rules.
    """
    conn = db.session.connection()
    row = conn.execute(_PROMPT_FOR_VOTE, {"prompt_id": prompt_id}).first()
    if row is None or row.workshop_id != participant.workshop_id:
        raise NotFound(N_("That question does not exist in this workshop."))
    _, prompt_status, kind, workshop_status = row
    ensure_open(prompt_status, workshop_status)
    chosen = set(option_ids)
    if not chosen:
        raise Invalid(N_("Choose at least one option."))
    if len(chosen) != len(option_ids):
        raise Invalid(N_("An option was given twice."))
    if not chosen <= _option_ids(conn, prompt_id):
        raise Invalid(N_("That option is not one of this question's options."))
    if kind == "single" and len(chosen) != 1:
        raise Invalid(N_("This question takes exactly one option."))
    keys = {"prompt_id": prompt_id, "participant_id": participant.id}
    vote_id, current = _current_choices(conn, keys)
    if vote_id is not None and current == chosen:
        return vote_id  # the same vote again changes nothing
    now = utcnow()
    if vote_id is None:
        vote_id = conn.execute(_insert_vote(conn), {**keys, "now": now}).scalar()
        if vote_id is None:  # the same participant's concurrent first vote won the race
            vote_id, current = _current_choices(conn, keys)
    if current:
        conn.execute(_TOUCH_VOTE, {"vote_id": vote_id, "now": now})
        conn.execute(_CLEAR_CHOICES, {"vote_id": vote_id})
    conn.execute(_ADD_CHOICE, [{"vote_id": vote_id, "option_id": o, "prompt_id": prompt_id}
                               for o in sorted(chosen)])
    conn.execute(_BUMP_VERSION, {"prompt_id": prompt_id})
    mark_after_commit("results", prompt_id)
    return vote_id

def _current_choices(conn, keys: dict) -> tuple[int | None, set[int]]:
    """The participant's vote id on a prompt and its options (None and empty when none)."""
    rows = conn.execute(_CURRENT_CHOICES, keys).all()
    if not rows:
        return None, set()
    return rows[0][0], {option for _, option in rows if option is not None}

def submit_position(participant: Participant, prompt_id: int, text: str,
                    option_id: int | None, client_id: str) -> Position:
    """Add a position; a retried client_id returns the position already stored."""
    prompt = prompt_of(participant.workshop_id, prompt_id)
    text = clean_text(text or "").strip()
    existing = _position_by_client_id(participant, client_id)
    if existing is not None:
        if (existing.prompt_id, existing.text, existing.option_id) != (prompt.id, text, option_id):
            raise Conflict(N_("This client_id was already used for a different position."))
        return existing
    prompt.ensure_open()
    workshop = prompt.workshop
    if is_blank(text):
        raise Invalid(N_("Your position must not be empty."))
    if len(text) > workshop.position_max_length:
        raise Invalid.ngettext("Your position may have at most %(num)d character (it has %(length)d).",
                               "Your position may have at most %(num)d characters (it has %(length)d).",
                               workshop.position_max_length, length=len(text))
    if option_id is not None and option_id not in prompt.option_ids():
        raise Invalid(N_("That option is not one of this question's options."))
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
    if position.status == "visible":
        invalidate(participant.workshop_id)
        touch_after_commit(participant.workshop_id, prompt.id)  # a new column of the opinion map
    return position

def submit_position_of(participant_id: int, prompt_id: int, text: str, option_id: int | None,
                       client_id: str) -> tuple[int, str, dict]:
    """`submit_position` by the author's id: (id, status, the position as moderators see it),
    read before the commit expires them."""
    author = db.session.get(Participant, participant_id)
    position = submit_position(author, prompt_id, text, option_id, client_id)
    return position.id, position.status, position_dict(position, author)

def _position_by_client_id(participant: Participant, client_id: str) -> Position | None:
    return db.session.scalar(
        select(Position).where(Position.participant_id == participant.id, Position.client_id == client_id)
    )

def announce_position(position: Position, author: Participant, event: str, was_visible: bool,
                      counts: dict | None = None) -> None:
    """Queue a position event for whoever may see the position (after commit).

    Moderators (with the author's details) hear at once. A position that has
    just become visible reaches participants and screens through the
    coalescer, within its delivery budget, so a burst of positions cannot
    swamp every phone; its author has it already (in the ack, or as the
    pending position they were sent) and hears of it once, with the others.
    A pending position goes to its author only.
    """
    workshop_id = author.workshop_id
    payload = position_dict(position, author, counts)
    emit_after_commit(event, payload, workshop_room(workshop_id, "moderators"))
    if was_visible:
        emit_after_commit(event, public_position(payload, snapshot_profiles(workshop_id)),
                          public_rooms(workshop_id))
    elif position.status == "visible":
        mark_after_commit("new_positions", position.id)
    else:
        emit_after_commit(event, public_position(payload, snapshot_profiles(workshop_id)),
                          participant_room(author.id))


_POSITION_FOR_REACTION = (
    select(Position.participant_id, Position.status, Prompt.workshop_id, Prompt.status, Workshop.status)
    .join(Prompt, Prompt.id == Position.prompt_id)
    .join(Workshop, Workshop.id == Prompt.workshop_id)
    .where(Position.id == bindparam("position_id"))
)
_UPSERT_REACTION: dict[str, object] = {}


def _upsert_reaction(conn):
    """INSERT ... ON CONFLICT (position, participant) DO UPDATE, for the connection's dialect."""
    dialect = conn.dialect.name
    if dialect not in _UPSERT_REACTION:
        statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(Reaction).values(
            position_id=bindparam("position_id"), participant_id=bindparam("participant_id"),
            value=bindparam("value"), updated_at=bindparam("now"))
        _UPSERT_REACTION[dialect] = statement.on_conflict_do_update(
            index_elements=["position_id", "participant_id"],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
        )
    return _UPSERT_REACTION[dialect]


def react(participant, position_id: int, value: str) -> None:
    """Record (or replace) an agree / disagree / pass on someone else's position.

    `participant` is a Participant or a ParticipantRef. A hidden or pending
    position is `not_found` to participants.
    """
    conn = db.session.connection()
    row = conn.execute(_POSITION_FOR_REACTION, {"position_id": position_id}).first()
    if row is None or row[2] != participant.workshop_id or row[1] != "visible":
        raise NotFound(N_("That position does not exist in this workshop."))
    author_id, _, _, prompt_status, workshop_status = row
    ensure_open(prompt_status, workshop_status)
    if author_id == participant.id:
        raise Invalid(N_("You cannot react to your own position."))
    conn.execute(_upsert_reaction(conn), {"position_id": position_id, "participant_id": participant.id,
                                          "value": value, "now": utcnow()})
    mark_after_commit("reactions", position_id)
    touch_after_commit(participant.workshop_id, position_id=position_id)  # the opinion map, later, in the background
    invalidate(participant.workshop_id)
