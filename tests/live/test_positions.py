"""submit_position, react and moderate_position."""

import time

from facilitator.extensions import db
from facilitator.participation.models import Position, Reaction

from .helpers import emit, events, wait_for


def submit(client, prompt, text, client_id, **extra):
    return emit(client, "submit_position", {"prompt_id": prompt["id"], "text": text,
                                             "client_id": client_id, **extra})


def test_position_is_broadcast_and_retry_is_idempotent(app, moderator, join, q1):
    emit(moderator, "open_prompt", {"prompt_id": q1["id"]})
    a, _ = join("onsite", stakeholder_group="academia", display_name="Secret Name")
    b, _ = join("online")
    ack = submit(a, q1, "  Machines need no incentive. <script>x</script> ", "c-1",
                 option_id=q1["options"][2]["id"])
    assert ack["ok"] and ack["status"] == "visible"
    assert submit(a, q1, "Machines need no incentive. <script>x</script>", "c-1",
                  option_id=q1["options"][2]["id"]) == ack
    conflict = submit(a, q1, "Something else", "c-1")
    assert conflict["error"]["code"] == "conflict"
    added, _ = wait_for(b, "position_added")
    assert added["text"] == "Machines need no incentive. <script>x</script>"  # stored as text
    # One academic in the room among two participants: others cannot tell who wrote it.
    assert added["attendance"] is None and added["stakeholder_group"] is None
    assert "Secret Name" not in str(added) and added["author_name"] is None
    assert ack["position"] == {**added, "agree": 0, "disagree": 0, "pass": 0}
    # Moderators see who wrote it, as the join form says.
    staff, _ = wait_for(moderator, "position_added")
    assert (staff["attendance"], staff["stakeholder_group"], staff["author_name"]) == (
        "onsite", "academia", "Secret Name")
    # The author hears of it once (the ack carried it), not twice.
    assert [p["id"] for p in events(a, "position_added")] == [ack["position_id"]]
    with app.app_context():
        assert db.session.query(Position).count() == 1
    # The retry is recognised even after the prompt closed.
    emit(moderator, "close_prompt", {"prompt_id": q1["id"]})
    assert submit(a, q1, "Machines need no incentive. <script>x</script>", "c-1",
                  option_id=q1["options"][2]["id"]) == ack
    assert submit(a, q1, "New one", "c-2")["error"]["code"] == "closed"


def test_author_details_shown_once_enough_people_share_them(app, moderator, join, q1):
    """PUBLIC_GROUP_MIN (5): attendance and group appear once five participants share them."""
    emit(moderator, "open_prompt", {"prompt_id": q1["id"]})
    author, _ = join("online", stakeholder_group="civil_society")
    reader, _ = join("onsite")
    pid = submit(author, q1, "Keep the commons open.", "c1")["position_id"]
    def shown():
        time.sleep(0.06)  # the shared part of `state` is reused for one interval (0.05 s here)
        return next(p for p in emit(reader, "get_state")["state"]["positions"] if p["id"] == pid)

    assert (shown()["attendance"], shown()["stakeholder_group"]) == (None, None)
    for _ in range(4):
        join("online")
    assert (shown()["attendance"], shown()["stakeholder_group"]) == ("online", None)
    for _ in range(4):
        join("online", stakeholder_group="civil_society")
    assert (shown()["attendance"], shown()["stakeholder_group"]) == ("online", "civil_society")


def test_text_rules(app, moderator, join, q1, q2):
    emit(moderator, "open_prompt", {"prompt_id": q1["id"]})
    a, _ = join("onsite")
    assert submit(a, q1, "   ", "c1")["error"]["code"] == "invalid"
    assert submit(a, q1, "x" * 501, "c2")["error"]["code"] == "invalid"
    assert submit(a, q1, "x" * 500, "c3")["ok"]
    assert submit(a, q1, "ok", "c4", option_id=q2["options"][0]["id"])["error"]["code"] == "invalid"
    assert emit(a, "submit_position", {"prompt_id": q1["id"], "text": 5, "client_id": "c5"})["error"]["code"] == "invalid"
    assert emit(a, "submit_position", {"prompt_id": q1["id"], "text": "ok"})["error"]["code"] == "invalid"
    assert submit(a, q2, "ok", "c6")["error"]["code"] == "closed"
    with app.app_context():
        assert db.session.query(Position).count() == 1


def test_reactions_counted_and_coalesced(app, moderator, join, q1):
    emit(moderator, "open_prompt", {"prompt_id": q1["id"]})
    author, _ = join("onsite")
    pid = submit(author, q1, "A position", "c1")["position_id"]
    assert emit(author, "react", {"position_id": pid, "value": "agree"})["error"]["code"] == "invalid"
    reactors = [join("online")[0] for _ in range(3)]
    for client, value in zip(reactors, ["agree", "agree", "disagree"]):
        assert emit(client, "react", {"position_id": pid, "value": value}) == {"ok": True}
    assert emit(reactors[2], "react", {"position_id": pid, "value": "pass"}) == {"ok": True}
    assert emit(reactors[0], "react", {"position_id": pid, "value": "love"})["error"]["code"] == "invalid"
    assert emit(reactors[0], "react", {"position_id": 424242, "value": "agree"})["error"]["code"] == "not_found"
    changed, _ = wait_for(author, "position_changed", lambda p: p["agree"] == 2 and p["pass"] == 1)
    assert changed["disagree"] == 0
    with app.app_context():
        assert db.session.query(Reaction).count() == 3


def test_pre_moderation_approve_hide_pin(live, make_workshop, organizer):
    from .helpers import emit as e

    w = make_workshop(organizer_id=organizer, moderation="pre")
    q = w["prompts"][0]
    mod = live({"workshop": w["code"], "moderator_token": w["moderator_token"]})
    e(mod, "open_prompt", {"prompt_id": q["id"]})
    author = live({"workshop": w["code"]})
    e(author, "join", {"attendance": "onsite"})
    other = live({"workshop": w["code"]})
    e(other, "join", {"attendance": "online"})
    screen = live({"workshop": w["code"], "screen": True})
    ack = e(author, "submit_position", {"prompt_id": q["id"], "text": "Wait for me", "client_id": "x"})
    assert ack["status"] == "pending"
    pid = ack["position_id"]
    wait_for(mod, "position_added", lambda p: p["id"] == pid and p["status"] == "pending")
    wait_for(author, "position_added", lambda p: p["id"] == pid)  # the author sees their own
    assert e(other, "react", {"position_id": pid, "value": "agree"})["error"]["code"] == "not_found"
    assert not [p for p in events(other, "position_added") if p["id"] == pid]
    assert e(other, "get_state")["state"]["positions"] == []
    assert e(other, "moderate_position", {"position_id": pid, "action": "approve"})["error"]["code"] == "forbidden"
    assert e(mod, "moderate_position", {"position_id": pid, "action": "approve", "reason": "fine"})["ok"]
    wait_for(other, "position_added", lambda p: p["id"] == pid and p["status"] == "visible")
    wait_for(screen, "position_added", lambda p: p["id"] == pid)
    assert e(mod, "moderate_position", {"position_id": pid, "action": "pin"})["pinned"] is True
    wait_for(screen, "position_changed", lambda p: p["id"] == pid and p["pinned"])
    assert e(mod, "moderate_position", {"position_id": pid, "action": "hide", "reason": "off topic"})["ok"]
    wait_for(other, "position_changed", lambda p: p["id"] == pid and p["status"] == "hidden")
    assert e(other, "react", {"position_id": pid, "value": "agree"})["error"]["code"] == "not_found"
    assert e(mod, "moderate_position", {"position_id": pid, "action": "shout"})["error"]["code"] == "invalid"
    assert e(mod, "moderate_position", {"position_id": 999, "action": "hide"})["error"]["code"] == "not_found"
    mod_state = e(mod, "get_state")["state"]
    assert [p["status"] for p in mod_state["positions"]] == ["hidden"]
    author_state = e(author, "get_state")["state"]
    assert [p["status"] for p in author_state["positions"]] == ["hidden"]
    assert author_state["me"]["position_ids"] == [pid]
    assert e(other, "get_state")["state"]["me"]["position_ids"] == []


def test_reaction_updates_respect_the_delivery_budget(configured):
    """With a budget of one position per tick, every position's final counts still arrive."""
    info, connect = configured(DELIVERIES_PER_TICK=1)
    token = info["moderator_token"]
    q = info["prompts"][0]

    mod = connect({"workshop": info["code"], "moderator_token": token})
    emit(mod, "open_prompt", {"prompt_id": q["id"]})
    authors = [connect({"workshop": info["code"]}) for _ in range(3)]
    ids = []
    for i, a in enumerate(authors):
        emit(a, "join", {"attendance": "onsite"})
        ids.append(emit(a, "submit_position", {"prompt_id": q["id"], "text": f"P{i}", "client_id": "c"})["position_id"])
    reactor = connect({"workshop": info["code"]})
    emit(reactor, "join", {"attendance": "online"})
    for pid in ids:
        assert emit(reactor, "react", {"position_id": pid, "value": "agree"}) == {"ok": True}
    for pid in ids:
        wait_for(mod, "position_changed", lambda p, pid=pid: p["id"] == pid and p["agree"] == 1)


def test_a_saturated_process_sends_fewer_optional_updates_and_recovers(app):
    """Reaction counts and new positions share a delivery budget per tick; when ticks wake late
    (a reaction storm saturates the process) the budget shrinks, so acknowledgements come first,
    and grows back once ticks are on time. The last figures still arrive."""
    from facilitator.live.coalescer import LOAD_FACTOR_MAX, LOAD_FACTOR_MIN

    coalescer = app.extensions["facilitator.coalescer"]
    sent = []

    def handler(keys):
        sent.append(sorted(keys))
        return []

    coalescer.register("test", handler, max_keys=lambda: 8)

    def tick_with_twenty_dirty():
        coalescer._dirty["test"] = set(range(20))  # as marks would leave them, without the loop
        coalescer.flush()
        return sent[-1]

    for _ in range(10):
        coalescer.pace(late=coalescer.interval)  # every tick a whole interval late
    assert coalescer.load_factor == LOAD_FACTOR_MIN
    assert tick_with_twenty_dirty() == [0, 1]  # 8 × 0.25 this tick; the others stay dirty
    while coalescer._dirty.get("test"):
        coalescer.flush()
    assert sorted(k for keys in sent for k in keys) == list(range(20))  # none lost

    for _ in range(20):
        coalescer.pace(late=0.0)  # on time again
    assert coalescer.load_factor == LOAD_FACTOR_MAX
    assert len(tick_with_twenty_dirty()) == 16
