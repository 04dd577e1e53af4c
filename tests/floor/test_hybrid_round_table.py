"""A whole hybrid round table over the protocol: two moderators at different desks, a rapporteur,
a screen, participants in the room and online, points of order, alternation, a manual order, an
overrun, the agenda clock, and the speaking log in every export format."""

from __future__ import annotations

import io
import json
import time
import zipfile

from sqlalchemy import select

from facilitator.extensions import db
from facilitator.moderation.models import ModerationEntry
from facilitator.workshops.roles import issue_link
from facilitator.workshops.services import find_workshop

from live.helpers import emit, events, wait_for


def floor_of(client):
    return wait_for(client, "floor")[0]


def latest_floor(client, predicate=lambda f: True, timeout=3.0):
    """The newest `floor` satisfying predicate (the coalescer may send several)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [f for f in events(client, "floor") if predicate(f)]
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            raise AssertionError("no matching floor")
        time.sleep(0.02)


def queue_names(floor):
    return [h["name"] or h["attendance"] for h in floor["queue"]]


def test_hybrid_round_table(app, live, workshop, export_of):
    code = workshop["code"]
    with app.app_context():
        w = find_workshop(code)
        _, online_token = issue_link(w, "moderator", "online")
        _, rapporteur_token = issue_link(w, "rapporteur")
        db.session.commit()
    onsite_mod = live({"workshop": code, "moderator_token": workshop["moderator_token"]})
    online_mod = live({"workshop": code, "moderator_token": online_token})
    rapporteur = live({"workshop": code, "moderator_token": rapporteur_token})
    screen = live({"workshop": code, "screen": True})
    me = {c: events(c, "state")[-1]["me"] for c in (onsite_mod, online_mod, rapporteur)}
    assert me[onsite_mod] == {"role": "moderator", "desk": "onsite", "votes": {}, "reactions": {}}
    assert me[online_mod]["desk"] == "online" and me[rapporteur]["role"] == "rapporteur"
    state = events(screen, "state")[-1]
    assert state["floor"]["open"] is False and state["floor"]["queue"] == []
    assert [i["title"][:8] for i in state["agenda"]["items"]][:2] == ["Welcome ", "Speaker "]
    assert state["agenda"]["current"] is None

    # Introductions before any question: the agenda moves, the workshop is still a draft.
    assert emit(onsite_mod, "advance_agenda", {"item": 1}) == {"ok": True}
    assert wait_for(screen, "agenda")[0]["current"] == 1
    assert emit(rapporteur, "advance_agenda", {"item": 2})["error"]["code"] == "forbidden"

    # Participants: three in the room, three online, with names.
    people = {}
    for name, attendance, group in [("Amina", "onsite", "civil_society"), ("Bo", "online", "government"),
                                    ("Chen", "onsite", "academia"), ("Dana", "online", "private_sector"),
                                    ("Eli", "onsite", None), ("Femi", "online", "technical_community")]:
        client = live({"workshop": code})
        assert emit(client, "join", {"attendance": attendance, "display_name": name,
                                     **({"stakeholder_group": group} if group else {})})["ok"]
        people[name] = client

    # The floor is closed: asking to speak is refused, a point of order is heard.
    assert emit(people["Amina"], "raise_hand", {})["error"]["code"] == "closed"
    poo = emit(people["Bo"], "raise_hand", {"kind": "point_of_order", "note": "The stream has no sound"})
    assert poo["ok"] and poo["place"] == 1
    assert emit(people["Bo"], "raise_hand", {"kind": "point_of_order"})["error"]["code"] == "conflict"

    assert emit(onsite_mod, "set_floor", {"open": True, "speaking_seconds": 30, "alternate": True}) == {"ok": True}
    assert emit(rapporteur, "set_floor", {"open": False})["error"]["code"] == "forbidden"
    for name in ("Amina", "Chen", "Eli"):  # the room raises hands first
        assert emit(people[name], "raise_hand", {})["ok"]
    dana = emit(people["Dana"], "raise_hand", {"note": "On question 1"})
    femi = emit(people["Femi"], "raise_hand", {"name": "Femi O."})
    # A remote attendee asked in the meeting's chat: the online moderator adds them.
    added = emit(online_mod, "add_speaker", {"name": "Gita (chat)", "attendance": "online",
                                             "stakeholder_group": "academia"})
    assert added["ok"]

    # Order: the point of order first; then alternation (no speech yet: the earliest hand's channel first).
    staff = latest_floor(onsite_mod, lambda f: f["queue_total"] == 7)
    assert queue_names(staff) == ["Bo", "Amina", "Dana", "Chen", "Femi O.", "Eli", "Gita (chat)"]
    assert staff["queue"][0]["note"] == "The stream has no sound"  # notes for moderators and rapporteurs
    public = latest_floor(screen, lambda f: f["queue_total"] == 7)
    assert queue_names(public) == queue_names(staff) and all(h["note"] is None for h in public["queue"])
    mine = latest_floor(people["Dana"], lambda f: f["queue_total"] == 7 and "my_hands" in f)
    assert [h.get("mine", False) for h in mine["queue"]] == [False, False, True, False, False, False, False]
    assert mine["my_hands"] == [{"id": dana["hand_id"], "place": 3, "kind": "speak"}]
    assert femi["place"] == 5 and latest_floor(rapporteur, lambda f: f["queue_total"] == 7)["queue"][4]["name"] == "Femi O."

    # The online desk calls the point of order, then the room (Amina): alternation goes on from there.
    assert emit(online_mod, "call_speaker", {"hand_id": staff["queue"][0]["id"]}) == {"ok": True}
    assert emit(onsite_mod, "call_speaker", {"hand_id": staff["queue"][1]["id"]}) == {"ok": True}
    staff = latest_floor(onsite_mod, lambda f: f["current"] and f["current"]["name"] == "Amina")
    assert staff["current"]["ends_at"] is not None and staff["current"]["attendance"] == "onsite"
    assert queue_names(staff) == ["Dana", "Chen", "Femi O.", "Eli", "Gita (chat)"]

    # Manual order: Eli moved to the front; the rule-based order goes on around him.
    eli = next(h for h in staff["queue"] if h["name"] == "Eli")
    assert emit(onsite_mod, "move_hand", {"hand_id": eli["id"], "place": 1}) == {"ok": True}
    staff = latest_floor(onsite_mod, lambda f: f["queue"] and f["queue"][0]["name"] == "Eli")
    assert queue_names(staff) == ["Eli", "Dana", "Chen", "Femi O.", "Gita (chat)"]
    # Someone lowers their hand; a moderator removes one with a reason.
    assert emit(people["Chen"], "lower_hand", {"hand_id": staff["queue"][2]["id"]}) == {"ok": True}
    assert emit(people["Amina"], "lower_hand", {"hand_id": staff["queue"][1]["id"]})["error"]["code"] == "not_found"
    gita = staff["queue"][4]["id"]
    assert emit(online_mod, "remove_hand", {"hand_id": gita, "reason": "left the call"}) == {"ok": True}
    # (Floors go out twice a second at most: wait for the one showing these changes.)
    staff = latest_floor(onsite_mod, lambda f: queue_names(f) == ["Eli", "Dana", "Femi O."])

    # Overrun: nothing is cut off; the moderator ends the speech. Then the next speakers.
    time.sleep(0.05)
    assert emit(onsite_mod, "end_speech") == {"ok": True}
    assert emit(onsite_mod, "end_speech")["error"]["code"] == "conflict"
    assert emit(onsite_mod, "call_speaker", {"hand_id": eli["id"]}) == {"ok": True}  # the manual order
    assert emit(online_mod, "call_speaker", {"hand_id": dana["hand_id"]}) == {"ok": True}
    # Opening a question moves the agenda to its item.
    q1 = workshop["prompts"][0]
    assert emit(onsite_mod, "open_prompt", {"prompt_id": q1["id"]}) == {"ok": True}
    agenda = wait_for(people["Femi"], "agenda", lambda a: a["current"] == 3)[0]
    assert agenda["items"][3]["prompt_id"] == q1["id"]
    assert emit(onsite_mod, "end_workshop") == {"ok": True}
    assert emit(people["Femi"], "lower_hand", {"hand_id": femi["hand_id"]})["error"]["code"] == "closed"
    assert emit(onsite_mod, "call_speaker", {"hand_id": femi["hand_id"]})["error"]["code"] == "closed"

    # Every moderator action is logged with its actor and desk.
    with app.app_context():
        logged = {(e.action, e.desk) for e in db.session.scalars(select(ModerationEntry))}
    assert {("set_floor", "onsite"), ("add_speaker", "online"), ("call_speaker", "online"),
            ("remove_hand", "online"), ("move_hand", "onsite"), ("advance_agenda", "onsite")} <= logged

    # The speaking log in every export format.
    doc = json.loads(export_of(code, "json"))
    log = doc["floor"]["speeches"]
    assert [(s["kind"], s["attendance"]) for s in log] == [
        ("point_of_order", "online"), ("speak", "onsite"), ("speak", "onsite"), ("speak", "online")]
    assert [s["name"] for s in log] == [None, None, None, None]  # participants' names never in an export
    assert all(s["seconds"] is not None for s in log)
    assert doc["floor"]["by_attendance"]["online"]["speeches"] == 2
    assert doc["floor"]["by_stakeholder_group"]["government"]["speeches"] == 1
    assert doc["floor"]["hands_left"] == 1  # Femi was still waiting
    assert doc["agenda"]["items"][1]["actual_minutes"] is not None
    assert doc["report"]["interventions"].startswith("Interventions: 2 in the room, 2 online;")
    md = export_of(code, "md").decode()
    assert "## Interventions" in md and "| 1 | online | Government | point of order |" in md
    assert "## Time per agenda item" in md
    html = export_of(code, "html").decode()
    assert "Interventions: 2 in the room, 2 online" in html and "Time per agenda item" in html
    with zipfile.ZipFile(io.BytesIO(export_of(code, "csv"))) as archive:
        speeches = archive.read("speeches.csv").decode("utf-8-sig").splitlines()
    assert speeches[0].startswith("number,kind,attendance") and len(speeches) == 5
