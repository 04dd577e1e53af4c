"""Moderator events: open/close, results visibility, end, authorization."""

from sqlalchemy import select

from facilitator.extensions import db
from facilitator.moderation.models import ModerationEntry
from facilitator.workshops.models import Workshop

from .helpers import emit, wait_for


def test_open_closes_the_previous_and_goes_live(app, moderator, join, q1, q2):
    a, _ = join("onsite")
    assert emit(moderator, "open_prompt", {"prompt_id": q1["id"]}) == {"ok": True}
    changed, _ = wait_for(a, "workshop_changed")
    assert changed["status"] == "live"
    prompt, _ = wait_for(a, "prompt_changed", lambda p: p["id"] == q1["id"])
    assert prompt["status"] == "open" and prompt["results_visible"] is False
    emit(moderator, "open_prompt", {"prompt_id": q2["id"]})
    closed, _ = wait_for(a, "prompt_changed", lambda p: p["id"] == q1["id"] and p["status"] == "closed")
    assert closed["closed_at"] is not None
    state = emit(a, "get_state")["state"]
    assert state["open_prompt_id"] == q2["id"]
    # Re-opening keeps the first opening time.
    emit(moderator, "open_prompt", {"prompt_id": q1["id"]})
    reopened = next(p for p in emit(a, "get_state")["state"]["prompts"] if p["id"] == q1["id"])
    assert reopened["status"] == "open" and reopened["opened_at"] == closed["opened_at"]
    with app.app_context():
        w = db.session.scalar(db.select(Workshop))
        assert w.started_at is not None
        actions = [e.action for e in db.session.scalars(db.select(ModerationEntry))]
        assert actions == ["open_prompt", "open_prompt", "open_prompt"]


def test_show_results_reaches_participants_and_screens(live, workshop, moderator, join, q1):
    a, _ = join("onsite")
    screen = live({"workshop": workshop["code"], "screen": True})
    emit(moderator, "open_prompt", {"prompt_id": q1["id"]})
    emit(a, "cast_vote", {"prompt_id": q1["id"], "option_ids": [q1["options"][1]["id"]]})
    assert emit(moderator, "show_results", {"prompt_id": q1["id"], "visible": True}) == {"ok": True}
    for client in (a, screen):
        r, _ = wait_for(client, "results", lambda r: r["votes_total"] == 1)
        assert r["options"][1]["count"] == 1
    assert emit(moderator, "show_results", {"prompt_id": q1["id"], "visible": "yes"})["error"]["code"] == "invalid"
    emit(moderator, "show_results", {"prompt_id": q1["id"], "visible": False})
    assert emit(a, "get_state")["state"]["results"] == {}


def test_participants_and_screens_get_forbidden(live, workshop, join, q1):
    a, _ = join("onsite")
    screen = live({"workshop": workshop["code"], "screen": True})
    for client in (a, screen):
        for event, payload in [("open_prompt", {"prompt_id": q1["id"]}),
                               ("close_prompt", {"prompt_id": q1["id"]}),
                               ("show_results", {"prompt_id": q1["id"], "visible": True}),
                               ("moderate_position", {"position_id": 1, "action": "hide"}),
                               ("end_workshop", {})]:
            assert emit(client, event, payload)["error"]["code"] == "forbidden", (event, client)
    assert emit(a, "get_state")["state"]["workshop"]["status"] == "draft"


def test_end_workshop_is_read_only_except_show_results(app, live, workshop, moderator, join, q1, q2):
    a, ack = join("onsite")
    emit(moderator, "open_prompt", {"prompt_id": q1["id"]})
    emit(a, "cast_vote", {"prompt_id": q1["id"], "option_ids": [q1["options"][0]["id"]]})
    assert emit(moderator, "end_workshop") == {"ok": True}
    wait_for(a, "workshop_changed", lambda w: w["status"] == "ended")
    assert emit(a, "cast_vote", {"prompt_id": q1["id"], "option_ids": [q1["options"][1]["id"]]})["error"]["code"] == "closed"
    assert emit(moderator, "open_prompt", {"prompt_id": q2["id"]})["error"]["code"] == "closed"
    assert emit(moderator, "end_workshop")["error"]["code"] == "closed"
    assert emit(moderator, "show_results", {"prompt_id": q1["id"], "visible": True}) == {"ok": True}
    r, _ = wait_for(a, "results")
    assert r["votes_total"] == 1
    late = live({"workshop": workshop["code"]})
    assert emit(late, "join", {"attendance": "online"})["error"]["code"] == "closed"
    with app.app_context():
        w = db.session.scalar(db.select(Workshop))
        assert w.status == "ended" and w.ended_at is not None
        assert all(p.status != "open" for p in w.prompts)


def test_two_moderators_see_each_others_actions(live, workshop, moderator, q1):
    other = live({"workshop": workshop["code"], "moderator_token": workshop["moderator_token"]})
    emit(moderator, "open_prompt", {"prompt_id": q1["id"]})
    p, _ = wait_for(other, "prompt_changed", lambda p: p["id"] == q1["id"])
    assert p["status"] == "open"


def test_rate_limit_is_per_participant(configured):
    info, connect = configured(RATE_LIMIT_WRITES="5/10second")
    token = info["moderator_token"]
    q = info["prompts"][0]

    mod = connect({"workshop": info["code"], "moderator_token": token})
    emit(mod, "open_prompt", {"prompt_id": q["id"]})
    spammer, calm = connect({"workshop": info["code"]}), connect({"workshop": info["code"]})
    emit(spammer, "join", {"attendance": "onsite"})
    emit(calm, "join", {"attendance": "online"})
    acks = [emit(spammer, "cast_vote", {"prompt_id": q["id"], "option_ids": [q["options"][0]["id"]]})
            for _ in range(8)]
    assert [a["ok"] for a in acks[:5]] == [True] * 5
    assert all(a["error"]["code"] == "rate_limited" for a in acks[5:])
    assert emit(calm, "cast_vote", {"prompt_id": q["id"], "option_ids": [q["options"][0]["id"]]}) == {"ok": True}


def test_a_reason_over_500_characters_is_refused_and_changes_nothing(app, moderator, join, q1):
    from facilitator.moderation.models import ModerationEntry

    emit(moderator, "open_prompt", {"prompt_id": q1["id"]})
    author, _ = join("online")
    pid = emit(author, "submit_position", {"prompt_id": q1["id"], "text": "Long reasons", "client_id": "r"})["position_id"]
    ack = emit(moderator, "moderate_position", {"position_id": pid, "action": "hide", "reason": "x" * 501})
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert "at most 500 characters" in ack["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(ModerationEntry).where(ModerationEntry.action == "hide")) is None
    assert emit(moderator, "moderate_position", {"position_id": pid, "action": "hide", "reason": "x" * 500})["ok"]
