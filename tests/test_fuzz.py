"""Property-based fuzz of every socket event and every form (hypothesis).

For thousands of payloads, hostile and plausible alike (lone surrogates, NUL,
zero-width text, lists where a scalar is documented, integers beyond the
database, nested objects), the server answers with a documented refusal or a
success, never a server error; and a refused input stores nothing.
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from facilitator.export.models import WorkshopReport
from facilitator.extensions import db
from facilitator.floor.models import AgendaVisit, Floor, Hand
from facilitator.live import NAMESPACE
from facilitator.moderation.models import ModerationEntry
from facilitator.participation.models import Participant, Position, Reaction, Vote, VoteChoice
from facilitator.workshops.models import Prompt, Workshop

CODES = {"invalid", "not_found", "forbidden", "closed", "rate_limited", "conflict"}
SERVER_FAILURE = "Something went wrong on the server"
EXAMPLES = 400
TRIED: dict[str, int] = {}
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
nasty_text = st.one_of(
    st.text(max_size=30),
    st.text(st.one_of(st.characters(), surrogates), max_size=10),
    st.sampled_from(["", " ", "\r\n", "\x00", "\ufeff", "\u200b\u200c", "\u202e", "onsite", "online", "agree",
                     "pass", "approve", "pin", "government", "CH", "ch", "x" * 501, "x" * 90, "0", "-1",
                     "1e3", "true", "<script>alert(1)</script>", "Ω≈ç√∫", "🙂" * 3]),
)
big_ints = st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 2**64, 10**20, -(10**20)])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 50), big_ints, st.floats(allow_nan=False), nasty_text)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=4), inner, max_size=2), max_leaves=6)

EVENTS = {
    "join": ["attendance", "display_name", "stakeholder_group", "country"],
    "cast_vote": ["prompt_id", "option_ids"],
    "submit_position": ["prompt_id", "text", "option_id", "client_id"],
    "react": ["position_id", "value"],
    "get_state": [],
    "get_positions": ["prompt_id", "before_id", "limit"],
    "open_prompt": ["prompt_id"],
    "close_prompt": ["prompt_id"],
    "show_results": ["prompt_id", "visible"],
    "show_opinion_map": ["prompt_id", "visible"],
    "moderate_position": ["position_id", "action", "reason"],
    "raise_hand": ["kind", "note", "name"],
    "lower_hand": ["hand_id"],
    "add_speaker": ["name", "attendance", "stakeholder_group", "kind", "note"],
    "call_speaker": ["hand_id"],
    "end_speech": [],
    "remove_hand": ["hand_id", "reason"],
    "move_hand": ["hand_id", "place"],
    "set_floor": ["open", "speaking_seconds", "alternate"],
    "advance_agenda": ["item"],
    "update_report": ["key_takeaways", "calls_to_action", "summary", "gender_balance", "moderators"],
}


def payloads(keys: list[str], ids: list[int]):
    """Dicts of the event's keys (and a stray one) with plausible or hostile values."""
    plausible = st.one_of(json_values, st.sampled_from(ids), st.lists(st.sampled_from(ids), max_size=3))
    return st.one_of(
        st.dictionaries(st.sampled_from(keys + ["stray"]) if keys else st.just("stray"), plausible, max_size=5),
        json_values,  # not even an object
    )


def snapshot() -> tuple:
    """Everything a refused event must leave as it was."""
    counts = tuple(db.session.scalar(select(func.count()).select_from(model))
                   for model in (Participant, Vote, VoteChoice, Position, Reaction, ModerationEntry))
    prompts = tuple(db.session.execute(select(Prompt.id, Prompt.status, Prompt.results_visible,
                                              Prompt.results_version, Prompt.opinion_visible)
                                       .order_by(Prompt.id)).all())
    positions = tuple(db.session.execute(select(Position.id, Position.status, Position.pinned)
                                         .order_by(Position.id)).all())
    reactions = tuple(db.session.execute(select(Reaction.id, Reaction.value).order_by(Reaction.id)).all())
    workshops = tuple(db.session.execute(select(Workshop.id, Workshop.status).order_by(Workshop.id)).all())
    floor = (tuple(db.session.execute(select(Hand.id, Hand.status, Hand.manual_place, Hand.ended_at)
                                      .order_by(Hand.id)).all()),
             tuple(db.session.execute(select(Floor.is_open, Floor.speaking_seconds, Floor.alternate)).all()),
             db.session.scalar(select(func.count()).select_from(AgendaVisit)),
             tuple(db.session.execute(select(WorkshopReport.summary, WorkshopReport.key_takeaways)).all()))
    return counts, prompts, positions, reactions, workshops, floor


class Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def errors(app):
    handler = Errors()
    app.logger.addHandler(handler)
    yield handler.records
    app.logger.removeHandler(handler)


@pytest.fixture
def arena(app, live, workshop):
    """A live workshop: question 1 open, a position, and a client of every role."""
    code = workshop["code"]
    moderator = live({"workshop": code, "moderator_token": workshop["moderator_token"]})
    q1 = workshop["prompts"][0]
    assert moderator.emit("open_prompt", {"prompt_id": q1["id"]}, namespace=NAMESPACE, callback=True)["ok"]
    assert moderator.emit("set_floor", {"open": True}, namespace=NAMESPACE, callback=True)["ok"]
    author = live({"workshop": code})
    assert author.emit("join", {"attendance": "online"}, namespace=NAMESPACE, callback=True)["ok"]
    ack = author.emit("submit_position", {"prompt_id": q1["id"], "text": "A position", "client_id": "a1"},
                      namespace=NAMESPACE, callback=True)
    hand = author.emit("raise_hand", {}, namespace=NAMESPACE, callback=True)
    participant = live({"workshop": code})
    assert participant.emit("join", {"attendance": "onsite"}, namespace=NAMESPACE, callback=True)["ok"]
    ids = sorted({p["id"] for p in workshop["prompts"]} | {o["id"] for p in workshop["prompts"] for o in p["options"]}
                 | {ack["position_id"], hand["hand_id"], 999_999, 0, 1, 2})
    from facilitator.workshops.roles import issue_link
    from facilitator.workshops.services import find_workshop

    with app.app_context():
        _, rapporteur_token = issue_link(find_workshop(code), "rapporteur")
        db.session.commit()
    clients = {"moderator": moderator, "participant": participant, "visitor": live({"workshop": code}),
               "screen": live({"workshop": code, "screen": True}),
               "rapporteur": live({"workshop": code, "moderator_token": rapporteur_token})}
    for client in clients.values():
        client.get_received(NAMESPACE)
    return clients, ids, code


def check_ack(app, ack, before):
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
    if ack["ok"]:
        return
    error = ack["error"]
    assert error["code"] in CODES, ack
    assert isinstance(error["message"], str) and error["message"], ack
    assert SERVER_FAILURE not in error["message"], ack
    with app.app_context():
        assert snapshot() == before, ack  # a refused event changes nothing


@pytest.mark.parametrize("role", ["moderator", "rapporteur", "participant", "visitor", "screen"])
def test_every_event_refuses_or_succeeds_never_fails(app, arena, errors, role):
    clients, ids, _ = arena
    client = clients[role]
    cases = st.tuples(st.sampled_from(sorted(EVENTS)), st.data())

    @FUZZ
    @given(cases)
    def run(case):
        event, data = case
        payload = data.draw(payloads(EVENTS[event], ids))
        with app.app_context():
            before = snapshot()
            db.session.remove()
        ack = client.emit(event, payload, namespace=NAMESPACE, callback=True)
        check_ack(app, ack, before)
        client.get_received(NAMESPACE)
        TRIED[f"events as {role}"] = TRIED.get(f"events as {role}", 0) + 1

    run()
    assert errors == [], [r.getMessage() for r in errors]


def test_connecting_with_any_auth_is_refused_or_accepted_never_fails(app, arena, errors):
    from facilitator.extensions import socketio

    _, _, code = arena
    # A bare number cannot be a connect payload: in Socket.IO v5 the digits after the namespace
    # read as an ack id, so the client library itself cannot encode it; every other JSON value can.
    not_a_number = json_values.filter(lambda v: isinstance(v, bool) or not isinstance(v, (int, float)))
    auths = st.one_of(not_a_number, st.dictionaries(
        st.sampled_from(["workshop", "participant_token", "moderator_token", "screen", "lang"]),
        st.one_of(json_values, st.just(code), st.just(code.lower())), max_size=4))

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(auths)
    def run(auth):
        client = socketio.test_client(app, namespace=NAMESPACE, auth=auth, flask_test_client=app.test_client())
        if client.is_connected(NAMESPACE):
            received = client.get_received(NAMESPACE)
            assert received and received[0]["name"] == "state"
            client.disconnect(NAMESPACE)
        TRIED["connect auth"] = TRIED.get("connect auth", 0) + 1

    run()
    assert errors == [], [r.getMessage() for r in errors]


FORMS = {
    "/j/{code}": ["attendance", "display_name", "stakeholder_group", "country"],
    "/j/{code}/vote": ["prompt_id", "option_ids"],
    "/j/{code}/position": ["prompt_id", "text", "option_id", "client_id"],
    "/j/{code}/react": ["position_id", "value"],
    "/m/{code}/open": ["prompt_id", "confirm"],
    "/m/{code}/close": ["prompt_id", "confirm"],
    "/m/{code}/results": ["prompt_id", "visible"],
    "/m/{code}/opinion": ["prompt_id", "visible"],
    "/m/{code}/moderate": ["position_id", "action", "reason"],
    "/w/{code}/summary": ["key_takeaways-0", "calls_to_action-1", "summary", "gender_balance", "moderators"],
    "/login": ["email", "password"],
    "/workshops/new": ["title", "template", "moderation", "position_max_length"],
}
form_text = st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
                      st.sampled_from(["", "\x00", "\r\n", "1", "-1", "10000000000000000000000", "onsite",
                                       "agree", "pin", "yes", "true", "x" * 6000]))


def test_every_form_answers_without_a_server_error(app, arena, errors, organizer):
    from conftest import login

    clients, ids, code = arena
    participant, moderator, organizer_client = app.test_client(), app.test_client(), app.test_client()
    participant.post(f"/j/{code}", data={"attendance": "onsite"})
    from facilitator.workshops.roles import issue_link
    from facilitator.workshops.services import find_workshop

    with app.app_context():
        _, token = issue_link(find_workshop(code), "moderator", "online")
        db.session.commit()
    moderator.get(f"/m/{code}?token={token}")
    login(organizer_client)
    form_data = st.dictionaries(st.text(max_size=3), form_text, max_size=2)

    @FUZZ
    @given(st.sampled_from(sorted(FORMS)), st.data())
    def run(path, data):
        fields = st.dictionaries(st.sampled_from(FORMS[path]), st.one_of(form_text, st.sampled_from([str(i) for i in ids])),
                                 max_size=5)
        values = data.draw(st.one_of(fields, form_data))
        client = organizer_client if path.startswith(("/login", "/workshops")) else (
            moderator if path.startswith(("/m/", "/w/")) else participant)
        with app.app_context():
            before = snapshot()
            db.session.remove()
        response = client.post(path.format(code=code), data=values)
        assert response.status_code < 500, (path, values)
        TRIED["form posts"] = TRIED.get("form posts", 0) + 1
        if response.status_code >= 400:
            with app.app_context():
                assert snapshot() == before, (path, values)

    run()
    assert errors == [], [r.getMessage() for r in errors]


@pytest.mark.parametrize("path,status", [
    ("/workshops/{code}/prompts/100000000000000000000", 404), ("/workshops/{code}/prompts/0/delete", 404),
    ("/j/\ud7ff\ud7ff", 404), ("/m/%00%00", 404), ("/s/" + "A" * 300, 404),
    ("/w/{code}/export.json?token=%ff%fe", 200),  # the owner is logged in: a junk token changes nothing
])
def test_hostile_urls_are_client_errors(app, organizer, workshop, path, status, errors):
    from conftest import login

    client = app.test_client()
    login(client)
    url = path.format(code=workshop["code"])
    response = client.post(url) if "prompts" in path else client.get(url)
    assert response.status_code == status
    assert errors == []


def test_report_inputs_tried():
    """Print how many inputs the fuzz above tried (runs after it in this module)."""
    from figures import report

    if TRIED:
        report("fuzz: inputs tried, server errors 0", [f"{name}: {count}" for name, count in TRIED.items()]
               + [f"in all: {sum(TRIED.values())}"])
