"""Connecting: the four identities, state on every connect, refusals."""

from facilitator.live import NAMESPACE

from .helpers import emit, events


def first_state(client):
    states = events(client, "state")
    assert len(states) == 1
    return states[0]


def test_visitor_gets_state_and_may_only_join(live, workshop):
    visitor = live({"workshop": workshop["code"].lower()})  # codes are case-insensitive
    state = first_state(visitor)
    assert state["me"]["role"] == "visitor"
    assert [p["text"][:20] for p in state["prompts"]] == [p["text"][:20] for p in workshop["prompts"]]
    assert state["open_prompt_id"] is None
    assert state["results"] == {}
    ack = emit(visitor, "cast_vote", {"prompt_id": workshop["prompts"][0]["id"], "option_ids": [1]})
    assert ack["error"]["code"] == "forbidden"


def test_join_turns_the_same_connection_into_a_participant(live, workshop):
    client = live({"workshop": workshop["code"]})
    client.get_received(NAMESPACE)
    ack = emit(client, "join", {"attendance": "online", "stakeholder_group": "civil_society",
                                "country": "br", "display_name": "Ana"})
    assert ack["ok"] is True and isinstance(ack["participant_id"], int)
    assert len(ack["participant_token"]) >= 32
    state = first_state(client)
    assert state["me"] == {"role": "participant", "participant_id": ack["participant_id"],
                           "votes": {}, "reactions": {}, "position_ids": []}
    again = emit(client, "join", {"attendance": "online"})
    assert again["error"]["code"] == "conflict"


def test_join_rejects_bad_fields_and_stores_nothing(live, workshop, moderator):
    client = live({"workshop": workshop["code"]})
    for payload in ({}, {"attendance": "moon"}, {"attendance": "onsite", "stakeholder_group": "lobby"},
                    {"attendance": "onsite", "country": "XX"}, {"attendance": "onsite", "display_name": "x" * 81},
                    {"attendance": "onsite", "display_name": 7}):
        ack = emit(client, "join", payload)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", payload
        assert ack["error"]["message"]
    state = emit(moderator, "get_state")["state"]
    assert state["workshop"]["participants"]["total"] == 0


def test_participant_resumes_with_token(live, workshop, join):
    _, ack = join("onsite")
    again = live({"workshop": workshop["code"], "participant_token": ack["participant_token"]})
    state = first_state(again)
    assert state["me"]["role"] == "participant"
    assert state["me"]["participant_id"] == ack["participant_id"]


def test_moderator_and_screen_roles(live, workshop):
    mod = live({"workshop": workshop["code"], "moderator_token": workshop["moderator_token"]})
    assert first_state(mod)["me"]["role"] == "moderator"
    screen = live({"workshop": workshop["code"], "screen": True})
    assert first_state(screen)["me"]["role"] == "screen"
    both = live({"workshop": workshop["code"], "screen": True,
                 "moderator_token": workshop["moderator_token"]})
    assert first_state(both)["me"]["role"] == "moderator"  # moderator wins


def test_unknown_workshop_or_bad_token_is_refused(live, workshop):
    for auth in ({"workshop": "ZZZZZZ"}, {}, {"workshop": workshop["code"], "participant_token": "nope"},
                 {"workshop": workshop["code"], "moderator_token": "nope"}):
        client = live(auth)
        assert not client.is_connected(NAMESPACE), auth


def test_token_of_another_workshop_is_refused(live, workshop, make_workshop, join):
    _, ack = join("onsite")
    other = make_workshop(title="Other")
    client = live({"workshop": other["code"], "participant_token": ack["participant_token"]})
    assert not client.is_connected(NAMESPACE)
    mod = live({"workshop": other["code"], "moderator_token": workshop["moderator_token"]})
    assert not mod.is_connected(NAMESPACE)


def test_participation_counts_reach_moderators(moderator, join):
    join("onsite", stakeholder_group="government")
    join("online")
    from .helpers import wait_for

    payload, _ = wait_for(moderator, "participation", lambda p: p["total"] == 2)
    assert payload["onsite"] == 1 and payload["online"] == 1
    assert payload["by_stakeholder_group"]["government"] == 1
    assert payload["by_stakeholder_group"]["unspecified"] == 1


def test_wtforms_own_messages_are_in_each_connections_language(live, workshop):
    """A refused choice is explained in the connection's language, event after event (WTForms'
    catalog is loaded once per language, not once per event)."""
    for language, words in (("fr", "choix valide"), ("ru", "Неверный вариант"), ("fr", "choix valide"),
                            ("en", "valid choice")):
        client = live({"workshop": workshop["code"], "lang": language})
        for _ in range(2):
            ack = emit(client, "join", {"attendance": "moon"})
            assert ack["error"]["code"] == "invalid" and words in ack["error"]["message"], (language, ack)
