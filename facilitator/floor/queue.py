"""The order of the speaking queue (CONTRACT §7), as a pure function of the waiting hands.

1. Points of order first, in the order raised.
2. Then the other hands in the order raised; with `alternate` on, the next hand after a
   speech from one channel is the first waiting hand from the other channel, if there
   is one, and so on (the room and the remote participants take turns).
3. A hand a moderator moved sits at the place it was put (the manual order stands);
   moves are applied in the order they were made.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol


class Waiting(Protocol):
    id: int
    kind: str
    attendance: str
    raised_at: datetime
    manual_place: int | None
    moved_at: datetime | None


def _raised(hand: Waiting):
    return (hand.raised_at, hand.id)


def alternated(hands: list[Waiting], last_channel: str | None) -> list[Waiting]:
    """Hands (in the order raised) taking turns between channels, starting with the other channel."""
    if not hands:
        return []
    lines = {"onsite": deque(h for h in hands if h.attendance == "onsite"),
             "online": deque(h for h in hands if h.attendance == "online")}
    want = {"onsite": "online", "online": "onsite"}.get(last_channel, hands[0].attendance)
    ordered = []
    while lines["onsite"] or lines["online"]:
        line = lines[want] if lines[want] else lines["online" if want == "onsite" else "onsite"]
        hand = line.popleft()
        ordered.append(hand)
        want = "online" if hand.attendance == "onsite" else "onsite"
    return ordered


def call_order(hands: Sequence[Waiting], alternate: bool, last_channel: str | None) -> list[Waiting]:
    """The waiting hands in the order in which they would be called."""
    automatic = [h for h in hands if h.manual_place is None]
    points = sorted((h for h in automatic if h.kind == "point_of_order"), key=_raised)
    others = sorted((h for h in automatic if h.kind != "point_of_order"), key=_raised)
    queue = points + (alternated(others, last_channel) if alternate else others)
    moved = sorted((h for h in hands if h.manual_place is not None), key=lambda h: (h.moved_at or h.raised_at, h.id))
    for hand in moved:
        queue.insert(min(hand.manual_place - 1, len(queue)), hand)
    return queue


def newest_place(kind: str, channel: str, counts: dict[tuple[str, str], int], alternate: bool,
                 first_channel: str | None) -> int:
    """The 1-based place `call_order` gives the hand raised last, from counts alone (no manual places).

    `counts[(kind, channel)]` counts the waiting hands, the new one included; `first_channel` is
    the channel alternation starts from (the other one than the last speech's, or else the
    channel of the earliest waiting hand). Raising a hand is then a few counts, not a sort of
    the whole queue: 500 hands in a minute stay cheap (tests check it against `call_order`).
    """
    points = counts.get(("point_of_order", "onsite"), 0) + counts.get(("point_of_order", "online"), 0)
    if kind == "point_of_order":
        return points
    mine = counts.get(("speak", channel), 0)
    other = counts.get(("speak", "online" if channel == "onsite" else "onsite"), 0)
    if not alternate:
        return points + mine + other
    before = mine - 1  # hands of my channel ahead of me
    ahead_other = min(before, other) if first_channel == channel else min(before + 1, other)
    return points + before + ahead_other + 1
