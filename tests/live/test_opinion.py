"""The live opinion map (CONTRACT §9): `opinion` to moderators and rapporteurs, to participants and
screens only while shown; `show_opinion_map` refused to anyone else and for bad input; no map
under 3 participants with reactions; a reaction's ack never waits for the analysis."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.moderation.models import ModerationEntry
from facilitator.opinion.models import OpinionMapRow
from facilitator.workshops.models import Prompt

from .helpers import emit, events, wait_for

OPINION_KEYS = {"prompt_id", "version", "participants_in", "groups", "consensus", "points", "divisive", "texts"}
GROUP_KEYS = {"id", "size", "onsite", "online", "representative"}


@pytest.fixture(autouse=True)
def quick_maps(app):
    """Recompute at most every 0.05 s instead of every 2.5 s."""
    app.extensions["facilitator.opinion"].interval = 0.05


def camps(moderator, join, prompt):
    """Open the prompt; 8 participants in two camps react to 4 positions (one agreed by all).

    Returns the clients, the position ids and the id of the position everybody agrees with.
    """
    assert emit(moderator, "open_prompt", {"prompt_id": prompt["id"]}) == {"ok": True}
    people = [join("onsite" if i % 2 else "online")[0] for i in range(8)]
    camp_a, authors = people[:4], {0: people[0], 1: people[4], 2: people[1], 3: people[2]}
    texts = ["Only human authors deserve protection.", "Machine works deserve protection too.",
             "Whatever the answer, the law must say it clearly.", "Output without a human is public domain."]
    ids = []
    for k, text in enumerate(texts):
        ack = emit(authors[k], "submit_position", {"prompt_id": prompt["id"], "text": text, "client_id": f"c{k}"})
        assert ack["ok"], ack
        ids.append(ack["position_id"])
    stance = {0: True, 1: False, 2: None, 3: True}  # True: camp A agrees, B disagrees; None: everyone agrees
    for person in people:
        in_a = person in camp_a
        for k, position_id in enumerate(ids):
            if authors[k] is person:
                continue
            agree = True if stance[k] is None else (stance[k] == in_a)
            ack = emit(person, "react", {"position_id": position_id, "value": "agree" if agree else "disagree"})
            assert ack == {"ok": True}, ack
    return people, ids, ids[2]


def rapporteur_of(app, live, workshop):
    from facilitator.workshops.roles import issue_link
    from facilitator.workshops.services import find_workshop

    with app.app_context():
        _, token = issue_link(find_workshop(workshop["code"]), "rapporteur")
        db.session.commit()
    client = live({"workshop": workshop["code"], "moderator_token": token})
    client.get_received("/live")
    return client


def texts_of(app) -> dict[int, str]:
    from facilitator.participation.models import Position

    with app.app_context():
        return {p.id: p.text for p in db.session.scalars(db.select(Position))}


def test_opinion_reaches_moderators_and_rapporteurs_not_the_room(app, live, workshop, moderator, join, q1):
    rapporteur = rapporteur_of(app, live, workshop)
    screen = live({"workshop": workshop["code"], "screen": True})
    people, ids, agreed = camps(moderator, join, q1)
    for client in (moderator, rapporteur):
        opinion, _ = wait_for(client, "opinion", lambda o: o["participants_in"] == 8 and len(o["groups"]) == 2)
        assert set(opinion) == OPINION_KEYS and opinion["prompt_id"] == q1["id"]
        assert all(set(g) == GROUP_KEYS for g in opinion["groups"])
        assert sorted(g["size"] for g in opinion["groups"]) == [4, 4]
        assert sum(g["onsite"] for g in opinion["groups"]) == 4  # every other participant joined onsite
        assert {r["position_id"] for g in opinion["groups"] for r in g["representative"]} <= set(ids)
        assert opinion["consensus"][0]["position_id"] == agreed
        # the texts of the positions it names (a screen's state may hold only the latest positions)
        named = {r["position_id"] for g in opinion["groups"] for r in g["representative"]} | {agreed}
        assert set(opinion["texts"]) >= {str(i) for i in named}
        assert opinion["texts"][str(agreed)] == texts_of(app)[agreed]
        assert len(opinion["points"]) == 8
        assert all(len(p) == 3 and -1 <= p[0] <= 1 and -1 <= p[1] <= 1 for p in opinion["points"])
        assert {p[2] for p in opinion["points"]} == {g["id"] for g in opinion["groups"]}
    time.sleep(0.3)
    for client in (screen, *people):
        assert events(client, "opinion") == []
    # Versions grow per prompt: the moderator's messages come in order, and state has the last.
    messages = [opinion] + events(moderator, "opinion")
    versions = [o["version"] for o in messages]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    state = emit(moderator, "get_state")["state"]
    # A later recompute that found the same map stores a new version without sending it again.
    stored = state["opinion"][str(q1["id"])]
    assert stored["version"] >= versions[-1]
    assert {**stored, "version": 0} == {**messages[-1], "version": 0}
    assert state["prompts"][0]["opinion_visible"] is False
    assert emit(screen, "get_state")["state"]["opinion"] == {}
    with app.app_context():
        row = db.session.get(OpinionMapRow, q1["id"])
        assert row.version == stored["version"] and row.history["participants_in"]


def test_participants_and_screens_only_while_shown(app, live, workshop, moderator, join, q1):
    screen = live({"workshop": workshop["code"], "screen": True})
    people, ids, agreed = camps(moderator, join, q1)
    last, _ = wait_for(moderator, "opinion", lambda o: len(o["groups"]) == 2 and o["participants_in"] == 8)
    time.sleep(0.2)
    assert events(screen, "opinion") == [] and events(people[0], "opinion") == []

    assert emit(moderator, "show_opinion_map", {"prompt_id": q1["id"], "visible": True}) == {"ok": True}
    for client in (screen, people[0], people[7]):
        wait_for(client, "prompt_changed", lambda p: p["id"] == q1["id"] and p["opinion_visible"] is True)
        shown, _ = wait_for(client, "opinion")  # the last map, at once
        assert set(shown) == OPINION_KEYS and len(shown["groups"]) == 2
    state = emit(screen, "get_state")["state"]
    assert state["opinion"][str(q1["id"])]["consensus"][0]["position_id"] == agreed
    assert state["prompts"][0]["opinion_visible"] is True
    late = live({"workshop": workshop["code"], "screen": True})  # a projector connecting later
    first = next(e["args"][0] for e in late.get_received("/live") if e["name"] == "state")
    assert first["opinion"][str(q1["id"])]["participants_in"] == 8

    # While shown, a new reaction reaches the room as a new version.
    newcomer, _ = join("online")
    assert emit(newcomer, "react", {"position_id": ids[0], "value": "disagree"}) == {"ok": True}
    newer, _ = wait_for(screen, "opinion", lambda o: o["version"] > shown["version"])
    assert newer["participants_in"] == 9

    assert emit(moderator, "show_opinion_map", {"prompt_id": q1["id"], "visible": False}) == {"ok": True}
    wait_for(screen, "prompt_changed", lambda p: p["opinion_visible"] is False)
    events(screen, "opinion")  # anything sent before the hide
    assert emit(newcomer, "react", {"position_id": ids[1], "value": "agree"}) == {"ok": True}
    wait_for(moderator, "opinion", lambda o: o["version"] > newer["version"])
    time.sleep(0.2)
    assert events(screen, "opinion") == []
    assert emit(screen, "get_state")["state"]["opinion"] == {}
    with app.app_context():
        actions = db.session.scalars(select(ModerationEntry.action).order_by(ModerationEntry.id)).all()
        assert actions[-2:] == ["show_opinion_map", "hide_opinion_map"]
        assert db.session.scalars(select(ModerationEntry.desk).where(
            ModerationEntry.action == "show_opinion_map")).one() == "onsite"


def test_show_opinion_map_refusals_change_nothing(app, live, workshop, make_workshop, moderator, join, q1):
    participant, _ = join("onsite")
    screen = live({"workshop": workshop["code"], "screen": True})
    rapporteur = rapporteur_of(app, live, workshop)
    other = make_workshop(title="Another")
    good = {"prompt_id": q1["id"], "visible": True}
    for client in (participant, screen, rapporteur):
        assert emit(client, "show_opinion_map", good)["error"]["code"] == "forbidden"
    for payload in ({"prompt_id": q1["id"], "visible": "yes"}, {"prompt_id": q1["id"], "visible": 1},
                    {"prompt_id": q1["id"]}, {"visible": True}, {"prompt_id": str(q1["id"]), "visible": True},
                    {"prompt_id": [q1["id"]], "visible": True}, {"prompt_id": q1["id"], "visible": [True]}, []):
        assert emit(moderator, "show_opinion_map", payload)["error"]["code"] == "invalid", payload
    for prompt_id in (999_999, other["prompts"][0]["id"], 0, 2**31):
        assert emit(moderator, "show_opinion_map", {"prompt_id": prompt_id, "visible": True})["error"]["code"] \
            == "not_found", prompt_id
    with app.app_context():
        assert not any(db.session.scalars(select(Prompt.opinion_visible)))
        assert db.session.scalar(select(func.count()).select_from(ModerationEntry)) == 0
    assert emit(moderator, "show_opinion_map", {"prompt_id": q1["id"], "visible": False}) == {"ok": True}
    with app.app_context():  # already hidden: nothing to log
        assert db.session.scalar(select(func.count()).select_from(ModerationEntry)) == 0
    # Like show_results, it is accepted after the end: the final map can go on the screen.
    assert emit(moderator, "end_workshop") == {"ok": True}
    assert emit(moderator, "show_opinion_map", good) == {"ok": True}
    assert emit(rapporteur, "show_opinion_map", {**good, "visible": False})["error"]["code"] == "forbidden"


def test_no_map_under_three_participants_with_reactions(app, moderator, join, q1):
    assert emit(moderator, "open_prompt", {"prompt_id": q1["id"]}) == {"ok": True}
    a, _ = join("onsite")
    b, _ = join("online")
    ids = [emit(a, "submit_position", {"prompt_id": q1["id"], "text": f"Position {k}", "client_id": f"a{k}"})
           ["position_id"] for k in range(3)]
    for position_id, value in zip(ids, ("agree", "disagree", "pass")):
        assert emit(b, "react", {"position_id": position_id, "value": value}) == {"ok": True}
    opinion = app.extensions["facilitator.opinion"]
    deadline = time.monotonic() + 3
    while opinion.computed < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)
    assert opinion.computed >= 1  # it was analysed, and there is no map to send
    assert events(moderator, "opinion") == []
    assert emit(moderator, "get_state")["state"]["opinion"] == {}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OpinionMapRow)) == 0


def test_a_reaction_is_acknowledged_while_the_analysis_runs(app, monkeypatch, moderator, join, q1):
    """The react handler never analyses: its ack comes while the background analysis is held up."""
    import facilitator.opinion.process as process_module

    real = process_module.analyse
    release, started = threading.Event(), threading.Event()

    def held(*args, **kwargs):
        started.set()
        assert release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(process_module, "analyse", held)
    people, ids, _ = camps(moderator, join, q1)
    assert started.wait(5)  # the background analysis is under way, and held
    begun = time.monotonic()
    assert emit(people[5], "react", {"position_id": ids[0], "value": "pass"}) == {"ok": True}
    assert emit(people[6], "cast_vote", {"prompt_id": q1["id"], "option_ids": [q1["options"][0]["id"]]}) \
        == {"ok": True}
    assert time.monotonic() - begun < 1.0
    assert events(moderator, "opinion") == []
    release.set()
    wait_for(moderator, "opinion", lambda o: len(o["groups"]) == 2)


def test_hiding_a_position_takes_it_out_of_the_map(app, moderator, join, q1):
    people, ids, agreed = camps(moderator, join, q1)
    wait_for(moderator, "opinion", lambda o: o["consensus"] and o["consensus"][0]["position_id"] == agreed)
    assert emit(moderator, "moderate_position", {"position_id": agreed, "action": "hide"})["ok"]
    hidden, _ = wait_for(moderator, "opinion", lambda o: all(c["position_id"] != agreed for c in o["consensus"]))
    listed = {r["position_id"] for g in hidden["groups"] for r in g["representative"]}
    assert agreed not in listed


def test_console_form_post(app, workshop, q1):
    from facilitator.workshops.roles import issue_link
    from facilitator.workshops.services import find_workshop

    code = workshop["code"]
    console = app.test_client()
    console.get(f"/m/{code}?token={workshop['moderator_token']}")
    with app.app_context():
        _, token = issue_link(find_workshop(code), "rapporteur")
        db.session.commit()
    rapporteur = app.test_client()
    rapporteur.get(f"/m/{code}?token={token}")
    participant = app.test_client()
    participant.post(f"/j/{code}", data={"attendance": "onsite"})
    data = {"prompt_id": q1["id"], "visible": "true"}
    for client in (rapporteur, participant, app.test_client()):
        assert client.post(f"/m/{code}/opinion", data=data).status_code == 403
    response = console.post(f"/m/{code}/opinion", data={"prompt_id": q1["id"], "visible": "maybe"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Prompt, q1["id"]).opinion_visible is False
    assert console.post(f"/m/{code}/opinion", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Prompt, q1["id"]).opinion_visible is True
        assert db.session.scalars(select(ModerationEntry.action)).all() == ["show_opinion_map"]
    page = console.get(f"/m/{code}", follow_redirects=True).text
    assert "The opinion map is shown." in page
