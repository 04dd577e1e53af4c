"""cast_vote: acks, error codes in the contract's order, coalesced results."""

from facilitator.extensions import db
from facilitator.participation.models import Vote, VoteChoice

from .helpers import emit, events, wait_for


def opt(prompt, i):
    return prompt["options"][i]["id"]


def test_vote_replace_and_results_split_by_attendance(app, moderator, join, q1):
    assert emit(moderator, "open_prompt", {"prompt_id": q1["id"]}) == {"ok": True}
    a, _ = join("onsite")
    b, _ = join("online")
    assert emit(a, "cast_vote", {"prompt_id": q1["id"], "option_ids": [opt(q1, 0)]}) == {"ok": True}
    assert emit(b, "cast_vote", {"prompt_id": q1["id"], "option_ids": [opt(q1, 0)]}) == {"ok": True}
    assert emit(b, "cast_vote", {"prompt_id": q1["id"], "option_ids": [opt(q1, 2)]}) == {"ok": True}
    results, _ = wait_for(moderator, "results", lambda r: r["votes_total"] == 2
                          and r["options"][2]["count"] == 1)
    assert results["voters"] == {"onsite": 1, "online": 1}
    counts = {o["id"]: (o["count"], o["onsite"], o["online"]) for o in results["options"]}
    assert counts[opt(q1, 0)] == (1, 1, 0)
    assert counts[opt(q1, 2)] == (1, 0, 1)
    assert results["version"] == 3
    with app.app_context():
        assert db.session.query(Vote).count() == 2
        assert db.session.query(VoteChoice).count() == 2
    # Results are hidden from participants until shown.
    assert events(a, "results") == []


def test_multiple_choice_counts_can_exceed_voters(moderator, join, q2):
    emit(moderator, "open_prompt", {"prompt_id": q2["id"]})
    a, _ = join("onsite")
    assert emit(a, "cast_vote", {"prompt_id": q2["id"], "option_ids": [opt(q2, 0), opt(q2, 1)]})["ok"]
    results, _ = wait_for(moderator, "results", lambda r: r["votes_total"] == 1)
    assert sum(o["count"] for o in results["options"]) == 2


def test_error_codes_and_nothing_changes(app, moderator, join, q1, q2, make_workshop):
    a, _ = join("onsite")
    other = make_workshop(title="Elsewhere")
    pid = q1["id"]
    cases = [
        ({"prompt_id": pid, "option_ids": [opt(q1, 0)]}, "closed"),  # still pending
        ({"prompt_id": "one", "option_ids": [opt(q1, 0)]}, "invalid"),
        ({"prompt_id": True, "option_ids": [opt(q1, 0)]}, "invalid"),
        ({"prompt_id": pid}, "invalid"),
        ({"prompt_id": pid, "option_ids": []}, "invalid"),
        ({"prompt_id": pid, "option_ids": "1"}, "invalid"),  # a single value where a list is documented
        ({"prompt_id": [pid], "option_ids": [opt(q1, 0)]}, "invalid"),  # a list where a single id is
        ({"prompt_id": pid, "option_ids": [[1]]}, "invalid"),
        ({"prompt_id": 10**20, "option_ids": [1]}, "not_found"),  # beyond the database: no such id
        ({"prompt_id": -3, "option_ids": [1]}, "not_found"),
        ({"prompt_id": 999999, "option_ids": [1]}, "not_found"),
        ({"prompt_id": other["prompts"][0]["id"], "option_ids": [other["prompts"][0]["options"][0]["id"]]}, "not_found"),
    ]
    for payload, code in cases:
        ack = emit(a, "cast_vote", payload)
        assert ack["ok"] is False and ack["error"]["code"] == code, (payload, ack)
    emit(moderator, "open_prompt", {"prompt_id": pid})
    for payload in ({"prompt_id": pid, "option_ids": [opt(q1, 0), opt(q1, 1)]},  # single-choice
                    {"prompt_id": pid, "option_ids": [opt(q2, 0)]}):  # another prompt's option
        ack = emit(a, "cast_vote", payload)
        assert ack["error"]["code"] == "invalid", payload
        assert ack["error"]["message"]
    # q2 is not open: closed comes before the option rules.
    ack = emit(a, "cast_vote", {"prompt_id": q2["id"], "option_ids": [opt(q1, 0)]})
    assert ack["error"]["code"] == "closed"
    with app.app_context():
        assert db.session.query(Vote).count() == 0


def test_moderator_and_screen_cannot_vote(live, workshop, moderator, q1):
    emit(moderator, "open_prompt", {"prompt_id": q1["id"]})
    screen = live({"workshop": workshop["code"], "screen": True})
    for client in (moderator, screen):
        ack = emit(client, "cast_vote", {"prompt_id": q1["id"], "option_ids": [opt(q1, 0)]})
        assert ack["error"]["code"] == "forbidden"


def test_coalescing_sends_few_messages_and_the_last_figures(app, moderator, join, q1):
    emit(moderator, "open_prompt", {"prompt_id": q1["id"]})
    emit(moderator, "show_results", {"prompt_id": q1["id"], "visible": True})
    voters = [join("onsite" if i % 2 else "online")[0] for i in range(30)]
    moderator.get_received("/live")
    for i, client in enumerate(voters):
        assert emit(client, "cast_vote", {"prompt_id": q1["id"], "option_ids": [opt(q1, i % 4)]})["ok"]
    final, seen = wait_for(moderator, "results", lambda r: r["votes_total"] == 30)
    sent = [e for e in seen if e["name"] == "results"]
    assert len(sent) < 30  # coalesced, not one per vote
    assert [o["count"] for o in final["options"]] == [8, 8, 7, 7]
    # A participant sees the same final figures once results are shown.
    last_seen, _ = wait_for(voters[0], "results", lambda r: r["votes_total"] == 30)
    assert last_seen["options"] == final["options"]
