"""The place a raised hand is told (computed from counts, to stay cheap under a burst of hands)
is the place the queue's order gives it, whatever came before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.floor.queue import call_order, newest_place

T0 = datetime(2026, 11, 22, 10, 0)


@dataclass
class FakeHand:
    id: int
    kind: str
    attendance: str
    raised_at: datetime
    manual_place: int | None = None
    moved_at: datetime | None = None


hands_st = st.lists(st.tuples(st.sampled_from(["speak", "speak", "point_of_order"]), st.sampled_from(["onsite", "online"])),
                    max_size=30)


@settings(max_examples=400, deadline=None)
@given(earlier=hands_st, new=st.tuples(st.sampled_from(["speak", "point_of_order"]), st.sampled_from(["onsite", "online"])),
       alternate=st.booleans(), last=st.sampled_from([None, "onsite", "online"]))
def test_the_place_from_counts_is_the_place_in_the_call_order(earlier, new, alternate, last):
    hands = [FakeHand(i + 1, kind, channel, T0 + timedelta(seconds=i)) for i, (kind, channel) in enumerate(earlier)]
    mine = FakeHand(len(hands) + 1, new[0], new[1], T0 + timedelta(seconds=len(hands)))
    hands.append(mine)
    order = call_order(hands, alternate, last if alternate else None)
    counts: dict = {}
    for hand in hands:
        counts[(hand.kind, hand.attendance)] = counts.get((hand.kind, hand.attendance), 0) + 1
    speakers = [h for h in hands if h.kind == "speak"]
    first = ({"onsite": "online", "online": "onsite"}[last] if last else speakers[0].attendance if speakers else None)
    assert newest_place(mine.kind, mine.attendance, counts, alternate, first) == order.index(mine) + 1


def test_points_of_order_jump_ahead_and_alternation_interleaves():
    hands = [FakeHand(1, "speak", "onsite", T0), FakeHand(2, "speak", "onsite", T0 + timedelta(seconds=1)),
             FakeHand(3, "speak", "online", T0 + timedelta(seconds=2)),
             FakeHand(4, "point_of_order", "online", T0 + timedelta(seconds=3))]
    assert [h.id for h in call_order(hands, False, None)] == [4, 1, 2, 3]
    assert [h.id for h in call_order(hands, True, "onsite")] == [4, 3, 1, 2]  # online goes after the room spoke
    assert [h.id for h in call_order(hands, True, None)] == [4, 1, 3, 2]
