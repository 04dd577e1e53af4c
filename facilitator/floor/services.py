"""Use cases of the floor: hands raised and lowered, speakers added, called, ended, removed, moved.

Every change marks the workshop's floor dirty: the coalescer sends the new
`floor` a few times a second at most (floor/broadcasts.py), never once per hand
to everyone. Moderator actions are written to the moderation log with the
actor and their desk.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..errors import N_, Closed, Conflict, Invalid, NotFound
from ..extensions import db
from ..fields import one_line
from ..live.outbox import mark_after_commit
from ..moderation.models import record_action
from ..live.snapshots import invalidate
from ..participation.models import STAKEHOLDER_GROUPS, Participant
from ..workshops.models import Prompt, Workshop
from .models import CHANNELS, KINDS, Floor, Hand
from .queue import call_order, newest_place

SPEAKING_SECONDS = (30, 1800)


def floor_of(workshop_id: int) -> Floor:
    """The workshop's floor settings (a new workshop's floor is closed, no limit, no alternation)."""
    floor = db.session.get(Floor, workshop_id)
    if floor is None:
        floor = Floor(workshop_id=workshop_id, is_open=False, speaking_seconds=0, alternate=False)
        db.session.add(floor)
        db.session.flush()
    return floor


def current_speech(workshop_id: int) -> Hand | None:
    return db.session.scalar(select(Hand).where(Hand.workshop_id == workshop_id, Hand.status == "speaking"))


def last_channel(workshop_id: int) -> str | None:
    """The channel of the speech now running or the one that ran last (for alternation)."""
    return db.session.scalar(select(Hand.attendance).where(Hand.workshop_id == workshop_id,
                                                           Hand.started_at.is_not(None))
                             .order_by(Hand.started_at.desc(), Hand.id.desc()).limit(1))


def queue(workshop_id: int, floor: Floor | None = None) -> list[Hand]:
    """The waiting hands in the order in which they would be called (ORM objects, to change them)."""
    floor = floor or floor_of(workshop_id)
    hands = db.session.scalars(select(Hand).where(Hand.workshop_id == workshop_id, Hand.status == "waiting")).all()
    return call_order(hands, floor.alternate, last_channel(workshop_id) if floor.alternate else None)


#: What reading the queue needs: plain rows, several times cheaper than ORM objects when 500 wait.
_WAITING_ROWS = select(Hand.id, Hand.participant_id, Hand.name, Hand.attendance, Hand.stakeholder_group, Hand.kind,
                       Hand.note, Hand.prompt_id, Hand.raised_at, Hand.added_by, Hand.manual_place, Hand.moved_at)


def queue_rows(workshop_id: int, floor: Floor | None = None) -> list:
    """The waiting hands in call order, as read-only rows (payloads, places)."""
    floor = floor or floor_of(workshop_id)
    rows = db.session.execute(_WAITING_ROWS.where(Hand.workshop_id == workshop_id, Hand.status == "waiting")).all()
    return call_order(rows, floor.alternate, last_channel(workshop_id) if floor.alternate else None)


def _changed(workshop_id: int) -> None:
    mark_after_commit("floor", workshop_id)
    invalidate(workshop_id)


def _usable(workshop: Workshop) -> None:
    if workshop.is_ended:
        raise Closed(N_("This workshop has ended; the floor is closed."))


def _open_prompt_id(workshop_id: int) -> int | None:
    return db.session.scalar(select(Prompt.id).where(Prompt.workshop_id == workshop_id, Prompt.status == "open"))


def _check_kind(kind: str | None) -> str:
    kind = kind or "speak"
    if kind not in KINDS:
        raise Invalid(N_("The kind must be speak or point_of_order."))
    return kind


def raise_hand(participant: Participant, kind: str | None = None, note: str | None = None,
               name: str | None = None) -> tuple[Hand, int]:
    """Ask for the floor; return the hand and its 1-based place in the queue."""
    workshop = db.session.get(Workshop, participant.workshop_id)
    _usable(workshop)
    kind = _check_kind(kind)
    floor = floor_of(workshop.id)
    if kind == "speak" and not floor.is_open:
        raise Closed(N_("The floor is not open for requests right now. A point of order is always heard."))
    waiting = db.session.scalar(select(Hand.id).where(Hand.participant_id == participant.id, Hand.kind == kind,
                                                      Hand.status == "waiting"))
    if waiting is not None:
        raise Conflict(N_("You have already asked for the floor.") if kind == "speak"
                       else N_("You have already raised a point of order."))
    hand = Hand(workshop_id=workshop.id, participant_id=participant.id,
                name=one_line(name) or participant.display_name, attendance=participant.attendance,
                stakeholder_group=participant.stakeholder_group, kind=kind, note=one_line(note),
                prompt_id=_open_prompt_id(workshop.id), added_by="participant", status="waiting",
                raised_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(hand)
    except IntegrityError:  # the same participant's concurrent request won the race
        raise Conflict(N_("You have already asked for the floor.")) from None
    _changed(workshop.id)
    return hand, _newest_place(hand, floor)


def _newest_place(hand: Hand, floor: Floor) -> int:
    """The place of a hand just raised: a few counts (the whole queue only when a moderator moved hands)."""
    rows = db.session.execute(
        select(Hand.kind, Hand.attendance, func.count(), func.min(Hand.raised_at), func.count(Hand.manual_place))
        .where(Hand.workshop_id == hand.workshop_id, Hand.status == "waiting")
        .group_by(Hand.kind, Hand.attendance)).all()
    if any(row[4] for row in rows):
        return place_of(hand, queue_rows(hand.workshop_id, floor))
    counts = {(kind, channel): n for kind, channel, n, _, _ in rows}
    first = None
    if floor.alternate:
        last = last_channel(hand.workshop_id)
        if last is not None:
            first = "online" if last == "onsite" else "onsite"
        else:
            earliest = [(raised, channel) for kind, channel, _, raised, _ in rows if kind == "speak"]
            first = min(earliest)[1] if earliest else hand.attendance
    return newest_place(hand.kind, hand.attendance, counts, floor.alternate, first)


def place_of(hand: Hand, waiting: list[Hand]) -> int:
    return next((i for i, h in enumerate(waiting, start=1) if h.id == hand.id), 0)


def _hand(workshop_id: int, hand_id: int) -> Hand:
    hand = db.session.get(Hand, hand_id)
    if hand is None or hand.workshop_id != workshop_id:
        raise NotFound(N_("That hand is not in this workshop's queue."))
    return hand


def _leave_queue(hand: Hand, status: str) -> None:
    """Take a waiting hand off the queue; hands a moderator placed behind it move up one place."""
    waiting = queue(hand.workshop_id)
    place = place_of(hand, waiting)
    hand.status = status
    for other in waiting[place:]:
        if other.manual_place is not None and other.manual_place > 1:
            other.manual_place -= 1
    _changed(hand.workshop_id)


def lower_hand(participant: Participant, hand_id: int) -> Hand:
    """Withdraw one's own waiting hand (someone else's is not_found)."""
    hand = db.session.get(Hand, hand_id)
    if hand is None or hand.participant_id != participant.id:
        raise NotFound(N_("That is not one of your hands."))
    _usable(db.session.get(Workshop, participant.workshop_id))
    if hand.status != "waiting":
        raise Conflict(N_("That hand is not waiting any more."))
    _leave_queue(hand, "lowered")
    db.session.flush()
    return hand


def add_speaker(workshop: Workshop, actor, name: str, attendance: str, stakeholder_group: str | None = None,
                kind: str | None = None, note: str | None = None) -> Hand:
    """Queue someone who raised a hand in the room or asked in the online meeting's chat."""
    _usable(workshop)
    name = one_line(name)
    if not name or len(name) > 80:
        raise Invalid(N_("Give the speaker's name (1 to 80 characters)."))
    if attendance not in CHANNELS:
        raise Invalid(N_("Attendance must be onsite or online."))
    if stakeholder_group and stakeholder_group not in STAKEHOLDER_GROUPS:
        raise Invalid(N_("That is not one of the stakeholder groups."))
    hand = Hand(workshop_id=workshop.id, name=name, attendance=attendance, stakeholder_group=stakeholder_group or None,
                kind=_check_kind(kind), note=one_line(note), prompt_id=_open_prompt_id(workshop.id),
                added_by="moderator", status="waiting", raised_at=utcnow())
    db.session.add(hand)
    db.session.flush()
    record_action(workshop.id, actor, "add_speaker", reason=f"{name} ({attendance})")
    _changed(workshop.id)
    return hand


def _finish(speech: Hand, now) -> None:
    speech.status = "spoke"
    speech.ended_at = max(now, speech.started_at)


def call_speaker(workshop: Workshop, actor, hand_id: int) -> Hand:
    """Give the floor to a waiting hand now; a speech still running ends at that moment."""
    hand = _hand(workshop.id, hand_id)
    _usable(workshop)
    if hand.status != "waiting":
        raise Conflict(N_("That hand is not waiting in the queue."))
    now = utcnow()
    running = current_speech(workshop.id)
    if running is not None:
        _finish(running, now)
    _leave_queue(hand, "speaking")
    seconds = floor_of(workshop.id).speaking_seconds
    hand.started_at = now
    hand.ends_at = now + timedelta(seconds=seconds) if seconds else None
    hand.manual_place = None
    record_action(workshop.id, actor, "call_speaker", reason=hand.name)
    db.session.flush()
    return hand


def call_next(workshop: Workshop, actor) -> Hand:
    """Give the floor to the first hand of the queue (the console's one-click "next speaker")."""
    _usable(workshop)
    waiting = queue(workshop.id)
    if not waiting:
        raise Conflict(N_("Nobody is waiting for the floor."))
    return call_speaker(workshop, actor, waiting[0].id)


def end_speech(workshop: Workshop, actor) -> Hand:
    """End the current speech (`conflict` when nobody speaks)."""
    _usable(workshop)
    running = current_speech(workshop.id)
    if running is None:
        raise Conflict(N_("Nobody has the floor."))
    _finish(running, utcnow())
    record_action(workshop.id, actor, "end_speech", reason=running.name)
    _changed(workshop.id)
    db.session.flush()
    return running


def remove_hand(workshop: Workshop, actor, hand_id: int, reason: str | None = None) -> Hand:
    """Take a waiting hand off the queue (logged, with the reason if given)."""
    hand = _hand(workshop.id, hand_id)
    _usable(workshop)
    if hand.status != "waiting":
        raise Conflict(N_("That hand is not waiting in the queue."))
    hand.reason = one_line(reason)
    _leave_queue(hand, "removed")
    record_action(workshop.id, actor, "remove_hand", reason=reason)
    db.session.flush()
    return hand


def move_hand(workshop: Workshop, actor, hand_id: int, place: int) -> Hand:
    """Put a waiting hand at a 1-based place; the manual order then stands."""
    hand = _hand(workshop.id, hand_id)
    _usable(workshop)
    if hand.status != "waiting":
        raise Conflict(N_("That hand is not waiting in the queue."))
    if place < 1:
        raise Invalid(N_("The place is a number from 1."))
    waiting = queue(workshop.id)
    hand.manual_place = min(place, len(waiting))
    hand.moved_at = utcnow()
    record_action(workshop.id, actor, "move_hand", reason=f"{hand.name or hand.attendance} to {hand.manual_place}")
    _changed(workshop.id)
    db.session.flush()
    return hand


def set_floor(workshop: Workshop, actor, is_open: bool | None = None, speaking_seconds: int | None = None,
              alternate: bool | None = None) -> Floor:
    """Open or close the floor to requests, set the speaking time (0: none) and alternation."""
    _usable(workshop)
    if speaking_seconds is not None and speaking_seconds != 0 and not (
            SPEAKING_SECONDS[0] <= speaking_seconds <= SPEAKING_SECONDS[1]):
        raise Invalid(N_("The speaking time is 0 (no limit) or from 30 to 1800 seconds."))
    floor = floor_of(workshop.id)
    if is_open is not None:
        floor.is_open = is_open
    if speaking_seconds is not None:
        floor.speaking_seconds = speaking_seconds
    if alternate is not None:
        floor.alternate = alternate
    record_action(workshop.id, actor, "set_floor",
                  reason=f"open={floor.is_open} seconds={floor.speaking_seconds} alternate={floor.alternate}")
    _changed(workshop.id)
    db.session.flush()
    return floor


def end_running_speech(workshop_id: int, now) -> None:
    """At the end of the workshop a speech still running ends then (the queue stays as it was)."""
    running = current_speech(workshop_id)
    if running is not None:
        _finish(running, now)
        _changed(workshop_id)


def my_hands(participant_id: int) -> list[Hand]:
    return db.session.scalars(select(Hand).where(Hand.participant_id == participant_id,
                                                 Hand.status.in_(("waiting", "speaking")))).all()


def hands_left(workshop_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Hand).where(Hand.workshop_id == workshop_id,
                                                                          Hand.status == "waiting")) or 0
