"""End to end: the IGF round table over the real server and python-socketio clients."""

import pytest
import socketio

from .clients import LiveClient
from .server import Server

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path):
    srv = Server(tmp_path).start()
    yield srv
    srv.stop()


def final(client, prompt_id):
    """The newest results a client holds for a prompt (highest version)."""
    results = [p for e, p in client.received if e == "results" and p["prompt_id"] == prompt_id]
    return max(results, key=lambda r: r["version"]) if results else None


def test_igf_round_table(server):
    w = server.create_workshop()
    code, q = w["code"], w["prompts"]
    clients = []
    try:
        mod = LiveClient(server.url, {"workshop": code, "moderator_token": w["moderator_token"]}).connect()
        online_mod = LiveClient(server.url, {"workshop": code, "moderator_token": w["moderator_token"]}).connect()
        screen = LiveClient(server.url, {"workshop": code, "screen": True}).connect()
        clients += [mod, online_mod, screen]
        groups = ["government", "civil_society", "private_sector", "technical_community", "academia", "intergovernmental"]
        people = []
        for i in range(12):
            # Half use long-polling only, as behind a proxy that blocks websockets.
            transports = ("polling",) if i % 4 == 3 else ("websocket",)
            c = LiveClient(server.url, {"workshop": code.lower()}, transports).connect()
            clients.append(c)
            ack = c.emit("join", {"attendance": "onsite" if i % 2 == 0 else "online",
                                  "stakeholder_group": groups[i % 6], "country": "KE" if i < 6 else "CH"})
            assert ack["ok"], ack
            c.token = ack["participant_token"]
            people.append(c)
        mod.wait_for("participation", lambda p: p["total"] == 12)

        for number, prompt in enumerate(q):
            assert mod.emit("open_prompt", {"prompt_id": prompt["id"]}) == {"ok": True}
            for c in people:
                c.wait_for("prompt_changed", lambda p: p["id"] == prompt["id"] and p["status"] == "open")
            for i, c in enumerate(people):
                options = [prompt["options"][i % len(prompt["options"])]["id"]]
                if prompt["kind"] == "multiple" and i % 3 == 0:
                    options.append(prompt["options"][(i + 1) % len(prompt["options"])]["id"])
                assert c.emit("cast_vote", {"prompt_id": prompt["id"], "option_ids": options}) == {"ok": True}
            # Two people change their minds.
            assert people[0].emit("cast_vote", {"prompt_id": prompt["id"],
                                                "option_ids": [prompt["options"][-1]["id"]]}) == {"ok": True}
            positions = []
            for i, c in enumerate(people[:4]):
                payload = {"prompt_id": prompt["id"], "text": f"Position {i} on question {number + 1}",
                           "option_id": prompt["options"][0]["id"], "client_id": f"q{number}-p{i}"}
                ack = c.emit("submit_position", payload)
                assert ack["ok"] and ack["status"] == "visible"
                assert c.emit("submit_position", payload) == ack  # a retry is recognised
                positions.append(ack["position_id"])
            for c in people[4:]:
                for pid in positions:
                    assert c.emit("react", {"position_id": pid, "value": "agree"}) == {"ok": True}
            assert people[5].emit("react", {"position_id": positions[0], "value": "disagree"}) == {"ok": True}
            assert mod.emit("moderate_position", {"position_id": positions[3], "action": "hide",
                                                  "reason": "duplicate"})["ok"]
            assert mod.emit("moderate_position", {"position_id": positions[0], "action": "pin"})["ok"]
            assert mod.emit("show_results", {"prompt_id": prompt["id"], "visible": True}) == {"ok": True}
            expected_total = 12
            for c in [mod, online_mod, screen] + people:
                c.wait_for("results", lambda r: r["prompt_id"] == prompt["id"] and r["votes_total"] == expected_total)
            assert mod.emit("close_prompt", {"prompt_id": prompt["id"]}) == {"ok": True}
            reference = final(mod, prompt["id"])
            for c in [online_mod, screen] + people:
                c.wait_for("results", lambda r: r["prompt_id"] == prompt["id"] and r["version"] >= reference["version"])
                assert final(c, prompt["id"])["options"] == reference["options"]
            assert reference["voters"] == {"onsite": 6, "online": 6}
            pinned = screen.wait_for("position_changed", lambda p: p["id"] == positions[0] and p["pinned"])
            assert (pinned["agree"], pinned["disagree"]) == (7, 1)  # eight agreed, then one changed their mind
            people[1].wait_for("position_changed", lambda p: p["id"] == positions[3] and p["status"] == "hidden")

        # Reconnect with the token after a lost connection: state says everything.
        people[0].disconnect()
        back = LiveClient(server.url, {"workshop": code, "participant_token": people[0].token}).connect()
        clients.append(back)
        state = back.wait_for("state")
        assert state["me"]["role"] == "participant"
        assert set(state["me"]["votes"]) == {str(p["id"]) for p in q}
        assert set(state["results"]) == {str(p["id"]) for p in q}

        assert mod.emit("end_workshop") == {"ok": True}
        back.wait_for("workshop_changed", lambda p: p["status"] == "ended")
        ack = back.emit("cast_vote", {"prompt_id": q[0]["id"], "option_ids": [q[0]["options"][0]["id"]]})
        assert ack["error"]["code"] == "closed"
        refused = LiveClient(server.url, {"workshop": "ZZZZZZ"})
        with pytest.raises(socketio.exceptions.ConnectionError):
            refused.connect()
        assert refused.refused == {"message": "Unknown workshop.", "code": "not_found"}
    finally:
        for c in clients:
            c.disconnect()
    assert "Traceback" not in server.output()


def test_refused_connection_carries_a_message(server):
    client = LiveClient(server.url, {"workshop": "ZZZZZZ"})
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect()
    assert client.refused == {"message": "Unknown workshop.", "code": "not_found"}
    assert "(gevent)" in server.output()
