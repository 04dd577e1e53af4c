"""HAND, SPEECH and the `floor` object (CONTRACT §7), as each kind of client may see them."""

from __future__ import annotations

from ..db_types import utcnow
from .models import Hand
from .services import current_speech, floor_of, queue_rows

#: Participants and screens get the first hands of the queue (the whole queue goes to
#: moderators and rapporteurs) and `queue_total`: the projector shows three, a phone its own
#: place (`my_hands`); 500 hands sent to 5,000 phones twice a second would be more than a
#: phone on 3G (or the server) can carry. Measured by `facilitator bench` (the floor burst).
PUBLIC_QUEUE = 10


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def hand_dict(hand, staff: bool) -> dict:
    """HAND: the note goes to moderators and rapporteurs only (null for everyone else)."""
    return {
        "id": hand.id,
        "name": hand.name,
        "attendance": hand.attendance,
        "stakeholder_group": hand.stakeholder_group,
        "kind": hand.kind,
        "note": hand.note if staff else None,
        "prompt_id": hand.prompt_id,
        "raised_at": iso(hand.raised_at),
        "added_by": hand.added_by,
    }


def speech_dict(hand: Hand, staff: bool) -> dict:
    """SPEECH: a HAND plus started_at, ends_at (null without a limit) and, once over, ended_at and seconds."""
    speech = hand_dict(hand, staff)
    speech.update(started_at=iso(hand.started_at), ends_at=iso(hand.ends_at), ended_at=iso(hand.ended_at),
                  seconds=hand.seconds)
    return speech


def floor_payloads(workshop_id: int) -> tuple[dict, dict, dict[int, list[int]]]:
    """The staff `floor`, the public one, and each participant's hands (for their own copy)."""
    floor = floor_of(workshop_id)
    waiting = queue_rows(workshop_id, floor)
    current = current_speech(workshop_id)
    now = iso(utcnow())

    def payload(staff: bool, hands: list[Hand]) -> dict:
        return {"open": floor.is_open, "speaking_seconds": floor.speaking_seconds, "alternate": floor.alternate,
                "current": speech_dict(current, staff) if current else None,
                "queue": [hand_dict(h, staff) for h in hands], "queue_total": len(waiting), "now": now}

    owners: dict[int, list[int]] = {}
    for hand in waiting + ([current] if current else []):
        if hand.participant_id is not None:
            owners.setdefault(hand.participant_id, []).append(hand.id)
    return payload(True, waiting), payload(False, waiting[:PUBLIC_QUEUE]), owners


def personal(public: dict, hand_ids: list[int], waiting: dict[int, tuple[int, str]]) -> dict:
    """The public floor as one participant sees it: their hands carry "mine", and `my_hands`
    (an addition) says where each of their waiting hands stands, even beyond the hands listed."""
    mine = set(hand_ids)
    marked = dict(public)
    marked["queue"] = [dict(h, mine=True) if h["id"] in mine else h for h in public["queue"]]
    if public["current"] and public["current"]["id"] in mine:
        marked["current"] = dict(public["current"], mine=True)
    marked["my_hands"] = [{"id": i, "place": waiting[i][0], "kind": waiting[i][1]} for i in hand_ids if i in waiting]
    return marked


def waiting_index(staff: dict) -> dict[int, tuple[int, str]]:
    """{hand_id: (place, kind)} of every waiting hand, from the staff floor (the whole queue)."""
    return {hand["id"]: (place, hand["kind"]) for place, hand in enumerate(staff["queue"], start=1)}


def floor_for(workshop_id: int, identity) -> dict:
    """The `floor` for one client (in `state`)."""
    staff_payload, public, owners = floor_payloads(workshop_id)
    if identity.is_staff:
        return staff_payload
    if identity.participant_id in owners:
        return personal(public, owners[identity.participant_id], waiting_index(staff_payload))
    return public
