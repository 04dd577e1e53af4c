"""`facilitator analyze` (CONTRACT §9) and the reaction matrix it reads, on a real SQLite database."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from sqlalchemy import update

from facilitator.extensions import db
from facilitator.moderation import services as ms
from facilitator.opinion.services import reaction_matrix
from facilitator.participation import services as ps
from facilitator.participation.models import Position
from facilitator.workshops.models import Prompt
from facilitator.workshops.services import find_workshop

ACTOR = "moderator@example.org"
PROMPT_KEYS = {"prompt_id", "participants_in", "groups", "consensus", "divisive", "seconds", "reason"}
GROUP_KEYS = {"id", "size", "onsite", "online", "members", "representative"}


def settle(app):
    """Send the coalesced broadcasts now, so that no background flush touches the database after the test."""
    coalescer = app.extensions["facilitator.coalescer"]
    coalescer.flush()
    time.sleep(2 * coalescer.interval)
    coalescer.flush()


def stored(app, code, build):
    """Open the first prompt of workshop `code`, run build(workshop, prompt_id), commit; return what it returns."""
    with app.app_context():
        w = find_workshop(code)
        prompt_id = w.prompts[0].id
        ms.open_prompt(w, prompt_id, ACTOR)
        result = build(w, prompt_id)
        db.session.commit()
    settle(app)
    return result


def positions(w, prompt_id, n, attendance="online"):
    """Have one author (who reacts to nothing) write n positions; return their ids."""
    author, _ = ps.join(w, attendance)
    return [ps.submit_position(author, prompt_id, f"Statement number {i}", None, f"s{i}").id for i in range(n)]


@pytest.fixture
def two_camps(app, workshop):
    """Sixteen participants in two camps over six divisive positions and one that everyone agrees with."""
    def build(w, prompt_id):
        ids = positions(w, prompt_id, 7)
        camps = {"a": [], "b": []}
        for camp, onsite in (("a", 5), ("b", 2)):
            sign = 1 if camp == "a" else -1
            for i in range(8):
                person, _ = ps.join(w, "onsite" if i < onsite else "online")
                camps[camp].append(person.id)
                for j, position_id in enumerate(ids[:6]):
                    value = "agree" if (sign if j < 3 else -sign) > 0 else "disagree"
                    ps.react(person, position_id, "pass" if j == i % 6 and i >= 6 else value)
                ps.react(person, ids[6], "agree")
        return {"positions": ids, "camps": camps, "prompt_id": prompt_id}

    return {**stored(app, workshop["code"], build), "code": workshop["code"]}


def analyze(runner, *args):
    result = runner.invoke(args=["analyze", *args])
    assert result.exit_code == 0, result.output
    return result


def test_json_has_the_contract_shape_and_finds_the_camps(runner, two_camps):
    data = json.loads(analyze(runner, two_camps["code"], "--json").stdout)
    assert set(data) == {"prompts"} and len(data["prompts"]) == 3  # every prompt, in agenda order
    first, *others = data["prompts"]
    assert set(first) == PROMPT_KEYS and first["prompt_id"] == two_camps["prompt_id"]
    assert first["reason"] == "" and first["participants_in"] == 16
    assert isinstance(first["seconds"], float) and 0 <= first["seconds"] < 5
    groups = first["groups"]
    assert [g["id"] for g in groups] == [0, 1]
    for group in groups:
        assert set(group) == GROUP_KEYS
        assert group["size"] == len(group["members"]) == group["onsite"] + group["online"]
        for rep in group["representative"]:
            assert set(rep) == {"position_id", "direction", "share"}
            assert rep["direction"] in ("agree", "disagree") and 0 <= rep["share"] <= 1
            assert rep["position_id"] in two_camps["positions"][:6]
    by_members = {frozenset(g["members"]): g for g in groups}
    camp_a, camp_b = (frozenset(two_camps["camps"][c]) for c in "ab")
    assert set(by_members) == {camp_a, camp_b}  # participant ids, exactly the planted camps
    assert (by_members[camp_a]["onsite"], by_members[camp_a]["online"]) == (5, 3)
    assert (by_members[camp_b]["onsite"], by_members[camp_b]["online"]) == (2, 6)
    assert [c["position_id"] for c in first["consensus"]] == [two_camps["positions"][6]]
    assert set(first["consensus"][0]) == {"position_id", "agree_share"} and first["consensus"][0]["agree_share"] > 0.5
    assert first["divisive"] and all(set(d) == {"position_id"} for d in first["divisive"])
    assert {d["position_id"] for d in first["divisive"]} <= set(two_camps["positions"][:6])
    for other in others:  # the prompts nobody reacted on
        assert set(other) == PROMPT_KEYS and other["groups"] == [] and other["reason"] == "no reactions yet"


def test_prompt_option_and_readable_summary(runner, two_camps):
    data = json.loads(analyze(runner, two_camps["code"], "--prompt", str(two_camps["prompt_id"]), "--json").stdout)
    assert [p["prompt_id"] for p in data["prompts"]] == [two_camps["prompt_id"]]
    text = analyze(runner, two_camps["code"]).stdout
    assert text.startswith(f"Workshop {two_camps['code']}: ")
    assert "16 participants in the map, 2 groups" in text
    assert "Group 0: 8 participants" in text and "Group 1: 8 participants" in text
    assert "Consensus (agreed across groups):" in text and "Statement number 6" in text
    assert text.count("No map: no reactions yet.") == 2
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def one_participant(w, prompt_id):
    ids = positions(w, prompt_id, 3)
    person, _ = ps.join(w, "onsite")
    for position_id, value in zip(ids, ("agree", "disagree", "pass")):
        ps.react(person, position_id, value)


def one_position(w, prompt_id):
    ids = positions(w, prompt_id, 3)
    for value in ("agree", "disagree", "agree", "pass"):
        ps.react(ps.join(w, "online")[0], ids[0], value)


def two_participants(w, prompt_id):
    ids = positions(w, prompt_id, 3)
    for value in ("agree", "disagree"):
        person, _ = ps.join(w, "online")
        for position_id in ids:
            ps.react(person, position_id, value)


def only_hidden(w, prompt_id):
    ids = positions(w, prompt_id, 2)
    for value in ("agree", "disagree", "pass", "agree"):
        ps.react(ps.join(w, "online")[0], ids[0], value)
    ms.moderate_position(w, ids[0], "hide", ACTOR)


@pytest.mark.parametrize("build, reason", [
    (None, "no reactions yet"),
    (one_participant, "only one participant has reacted"),
    (one_position, "reactions to only one statement"),
    (two_participants, "fewer than 3 participants have reacted"),
    (only_hidden, "no reactions yet"),  # reactions to hidden positions make no map
])
def test_too_little_to_map_is_an_empty_map_with_a_reason(app, runner, workshop, build, reason):
    if build is not None:
        stored(app, workshop["code"], build)
    result = analyze(runner, workshop["code"], "--json")
    first = json.loads(result.stdout)["prompts"][0]
    assert set(first) == PROMPT_KEYS
    assert first["groups"] == [] and first["consensus"] == [] and first["divisive"] == []
    assert first["reason"] == reason and "Traceback" not in result.output
    assert f"No map: {reason}." in analyze(runner, workshop["code"]).stdout


def test_unknown_workshop_or_prompt_is_one_line(runner, workshop):
    for args, message in ((["NOPE22"], "Error: no workshop has the code NOPE22"),
                          ([workshop["code"], "--prompt", "999999"],
                           f"Error: workshop {workshop['code']} has no prompt 999999")):
        result = runner.invoke(args=["analyze", *args, "--json"])
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == message + "\n"


def test_reaction_matrix_reads_values_authors_hidden_and_pending(app, workshop):
    def build(w, prompt_id):
        a, _ = ps.join(w, "onsite")
        b, _ = ps.join(w, "online")
        c, _ = ps.join(w, "online")
        pa = ps.submit_position(a, prompt_id, "A's position", None, "a").id
        pb = ps.submit_position(b, prompt_id, "B's position", None, "b").id
        hidden = ps.submit_position(c, prompt_id, "Hidden later", None, "c").id
        pending = ps.submit_position(c, prompt_id, "Waiting", None, "d").id
        ps.react(a, pb, "disagree")
        ps.react(b, pa, "pass")
        ps.react(a, hidden, "agree")
        ms.moderate_position(w, hidden, "hide", ACTOR)
        db.session.execute(update(Position).where(Position.id == pending).values(status="pending"))
        return a.id, b.id, pa, pb, hidden, prompt_id

    a, b, pa, pb, hidden, prompt_id = stored(app, workshop["code"], build)
    with app.app_context():
        matrix = reaction_matrix(db.session.get(Prompt, prompt_id))
    assert matrix.participant_ids == [a, b]  # c reacted to nothing: no row
    assert matrix.position_ids == [pa, pb, hidden]  # the pending position is no column
    assert matrix.hidden == [hidden]
    # authors agree with their own positions; a missing reaction is NaN
    np.testing.assert_array_equal(matrix.votes, [[1.0, -1.0, 1.0], [0.0, 1.0, np.nan]])
