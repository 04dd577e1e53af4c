"""A finished round table stored through the services, for the export tests."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import update

from facilitator.extensions import db

ACTOR = "moderator@example.org"
NAMES = ["Zelda Quuxington", "Bartholomew Snarf", "Cordelia Wibble", "Dmitri Frobozz",
         "Esmeralda Plugh", "Fitzgerald Xyzzy"]
HYPERLINK = '=HYPERLINK("http://evil.example/x","click me")'


def settle(app):
    """Send the coalesced broadcasts now, so no background flush touches the database after the test."""
    coalescer = app.extensions["facilitator.coalescer"]
    coalescer.flush()
    time.sleep(2 * coalescer.interval)  # let a flush already under way in the loop finish
    coalescer.flush()


@pytest.fixture
def session_data(app, workshop):
    """End a workshop with votes, re-votes, positions (one hidden, one pending) and reactions."""
    from facilitator.moderation import services as ms
    from facilitator.participation import services as ps
    from facilitator.participation.models import Position
    from facilitator.workshops.services import find_workshop

    q1, q2, q3 = workshop["prompts"]
    o1 = [o["id"] for o in q1["options"]]
    o2 = [o["id"] for o in q2["options"]]
    profiles = [("onsite", "government", "FR"), ("online", "civil_society", "BR"),
                ("onsite", "academia", "FR"), ("online", None, "KE"),
                ("online", "private_sector", None), ("onsite", None, None)]
    tokens = []
    with app.app_context():
        w = find_workshop(workshop["code"])
        people = []
        for name, (attendance, group, country) in zip(NAMES, profiles):
            participant, token = ps.join(w, attendance, display_name=name, stakeholder_group=group,
                                         country=country)
            people.append(participant)
            tokens.append(token)
        a, b, c, d, e, f = people
        ms.open_prompt(w, q1["id"], ACTOR)
        ps.cast_vote(a, q1["id"], [o1[0]])
        ps.cast_vote(b, q1["id"], [o1[1]])
        ps.cast_vote(b, q1["id"], [o1[0]])  # re-vote replaces
        ps.cast_vote(c, q1["id"], [o1[1]])
        ps.cast_vote(d, q1["id"], [o1[0]])
        p1 = ps.submit_position(a, q1["id"], "Machines are tools; protection should follow human authorship.",
                                o1[0], "c1")
        p2 = ps.submit_position(b, q1["id"], HYPERLINK, None, "c2")
        p3 = ps.submit_position(c, q1["id"], "Rude hidden text HIDDENXYZZY", None, "c3")
        p4 = ps.submit_position(d, q1["id"], "Awaiting approval PENDINGPLUGH", None, "c4")
        for who, value in ((b, "agree"), (c, "agree"), (d, "agree"), (e, "disagree")):
            ps.react(who, p1.id, value)
        for who, value in ((a, "agree"), (c, "disagree"), (d, "disagree"), (e, "agree"), (f, "pass")):
            ps.react(who, p2.id, value)
        ps.react(a, p3.id, "agree")
        ms.moderate_position(w, p3.id, "hide", ACTOR, reason="off topic")
        ms.moderate_position(w, p1.id, "pin", "moderator link")
        db.session.execute(update(Position).where(Position.id == p4.id).values(status="pending"))
        ms.open_prompt(w, q2["id"], ACTOR)  # closes q1
        ps.cast_vote(a, q2["id"], [o2[0], o2[1]])
        ps.cast_vote(b, q2["id"], [o2[1]])
        ms.end_workshop(w, ACTOR)
        db.session.commit()
        ids = {"p1": p1.id, "p2": p2.id, "p3": p3.id, "p4": p4.id}
    settle(app)
    return {**workshop, "positions": ids, "tokens": tokens, "q": (q1, q2, q3), "o1": o1, "o2": o2}


