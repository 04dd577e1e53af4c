"""Every floor and agenda event refuses the wrong role and bad input with the contract's codes,
and a refused event changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.floor.models import AgendaVisit, Floor, Hand
from facilitator.moderation.models import ModerationEntry
from facilitator.workshops.roles import issue_link
from facilitator.workshops.services import find_workshop

from live.helpers import emit

MODERATOR_EVENTS = {
    "add_speaker": {"name": "Zoe", "attendance": "onsite"},
    "call_speaker": {"hand_id": 1},
    "end_speech": {},
    "remove_hand": {"hand_id": 1},
    "move_hand": {"hand_id": 1, "place": 1},
    "set_floor": {"open": True},
    "advance_agenda": {"item": 0},
}


def snapshot(app):
    with app.app_context():
        return (tuple(db.session.execute(select(Hand.id, Hand.status, Hand.manual_place).order_by(Hand.id)).all()),
                tuple(db.session.execute(select(Floor.workshop_id, Floor.is_open, Floor.speaking_seconds,
                                                Floor.alternate)).all()),
                db.session.scalar(select(func.count()).select_from(AgendaVisit)),
                db.session.scalar(select(func.count()).select_from(ModerationEntry)))


@pytest.fixture
def room(app, live, workshop, join):
    code = workshop["code"]
    with app.app_context():
        _, rapporteur_token = issue_link(find_workshop(code), "rapporteur")
        db.session.commit()
    moderator = live({"workshop": code, "moderator_token": workshop["moderator_token"]})
    assert emit(moderator, "set_floor", {"open": True}) == {"ok": True}
    participant, _ = join("online", display_name="Ola")
    hand = emit(participant, "raise_hand", {})
    return {"moderator": moderator, "participant": participant, "hand": hand["hand_id"],
            "rapporteur": live({"workshop": code, "moderator_token": rapporteur_token}),
            "screen": live({"workshop": code, "screen": True}), "visitor": live({"workshop": code})}


@pytest.mark.parametrize("event", sorted(MODERATOR_EVENTS))
@pytest.mark.parametrize("who", ["participant", "rapporteur", "screen", "visitor"])
def test_moderator_events_are_forbidden_to_everyone_else(app, room, event, who):
    before = snapshot(app)
    ack = emit(room[who], event, MODERATOR_EVENTS[event])
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden", ack
    assert snapshot(app) == before


@pytest.mark.parametrize("event,payload", [("raise_hand", {}), ("lower_hand", {"hand_id": 1})])
@pytest.mark.parametrize("who", ["moderator", "rapporteur", "screen", "visitor"])
def test_participant_events_are_forbidden_to_everyone_else(app, room, event, payload, who):
    before = snapshot(app)
    assert emit(room[who], event, payload)["error"]["code"] == "forbidden"
    assert snapshot(app) == before


@pytest.mark.parametrize("event,payload,code", [
    ("raise_hand", {"kind": "filibuster"}, "invalid"),
    ("raise_hand", {"kind": ["speak"]}, "invalid"),
    ("raise_hand", {"note": "x" * 141}, "invalid"),
    ("raise_hand", {"name": "x" * 81}, "invalid"),
    ("raise_hand", {"note": "\ud800"}, "invalid"),
    ("raise_hand", {}, "conflict"),  # already waiting
    ("lower_hand", {}, "invalid"),
    ("lower_hand", {"hand_id": "one"}, "invalid"),
    ("lower_hand", {"hand_id": 999_999}, "not_found"),
    ("lower_hand", {"hand_id": 10**20}, "not_found"),
])
def test_participant_events_refuse_bad_input(app, room, event, payload, code):
    before = snapshot(app)
    ack = emit(room["participant"], event, payload)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert snapshot(app) == before


@pytest.mark.parametrize("event,payload,code", [
    ("add_speaker", {"attendance": "onsite"}, "invalid"),
    ("add_speaker", {"name": "   ", "attendance": "onsite"}, "invalid"),
    ("add_speaker", {"name": "x" * 81, "attendance": "onsite"}, "invalid"),
    ("add_speaker", {"name": "Zoe", "attendance": "backstage"}, "invalid"),
    ("add_speaker", {"name": "Zoe", "attendance": "online", "stakeholder_group": "lobby"}, "invalid"),
    ("add_speaker", {"name": "Zoe", "attendance": "online", "kind": "rant"}, "invalid"),
    ("call_speaker", {"hand_id": 999_999}, "not_found"),
    ("call_speaker", {"hand_id": [1]}, "invalid"),
    ("end_speech", {}, "conflict"),  # nobody speaks
    ("remove_hand", {"hand_id": 999_999}, "not_found"),
    ("remove_hand", {"hand_id": "HAND", "reason": "x" * 501}, "invalid"),
    ("move_hand", {"hand_id": "HAND", "place": 0}, "invalid"),
    ("move_hand", {"hand_id": "HAND", "place": True}, "invalid"),
    ("move_hand", {"hand_id": "HAND"}, "invalid"),
    ("set_floor", {"speaking_seconds": 29}, "invalid"),
    ("set_floor", {"speaking_seconds": 1801}, "invalid"),
    ("set_floor", {"speaking_seconds": "60"}, "invalid"),
    ("set_floor", {"open": "yes please"}, "invalid"),
    ("advance_agenda", {"item": 99}, "invalid"),
    ("advance_agenda", {"item": -1}, "invalid"),
    ("advance_agenda", {}, "invalid"),
])
def test_moderator_events_refuse_bad_input(app, room, event, payload, code):
    payload = {k: room["hand"] if v == "HAND" else v for k, v in payload.items()}
    before = snapshot(app)
    ack = emit(room["moderator"], event, payload)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert snapshot(app) == before


def test_another_workshops_hand_is_not_found(app, room, make_workshop, live):
    other = make_workshop(title="Elsewhere")
    moderator = live({"workshop": other["code"], "moderator_token": other["moderator_token"]})
    before = snapshot(app)
    for event in ("call_speaker", "remove_hand"):
        assert emit(moderator, event, {"hand_id": room["hand"]})["error"]["code"] == "not_found"
    assert emit(moderator, "move_hand", {"hand_id": room["hand"], "place": 1})["error"]["code"] == "not_found"
    assert snapshot(app) == before


def test_after_the_end_every_floor_event_is_closed(app, room):
    assert emit(room["moderator"], "end_workshop") == {"ok": True}
    before = snapshot(app)
    assert emit(room["participant"], "raise_hand", {"kind": "point_of_order"})["error"]["code"] == "closed"
    assert emit(room["participant"], "lower_hand", {"hand_id": room["hand"]})["error"]["code"] == "closed"
    for event, payload in MODERATOR_EVENTS.items():
        payload = {k: room["hand"] if k == "hand_id" else v for k, v in payload.items()}
        assert emit(room["moderator"], event, payload)["error"]["code"] == "closed", event
    assert snapshot(app) == before


def test_a_closed_floor_takes_points_of_order_only(app, room, join):
    assert emit(room["moderator"], "set_floor", {"open": False}) == {"ok": True}
    late, _ = join("onsite")
    assert emit(late, "raise_hand", {})["error"]["code"] == "closed"
    assert emit(late, "raise_hand", {"kind": "point_of_order"})["ok"]


def test_a_revoked_link_is_refused_at_its_next_event(app, room, workshop):
    from facilitator.workshops.roles import revoke_links

    with app.app_context():
        revoke_links(find_workshop(workshop["code"]), "moderator")
        db.session.commit()
    ack = emit(room["moderator"], "set_floor", {"open": False})
    assert ack["error"]["code"] == "forbidden" and "revoked" in ack["error"]["message"]
