"""Counts in every export equal the last live `results` the moderator saw when each prompt closed."""

import csv
import io
import json
import time
import zipfile

from facilitator.extensions import db
from facilitator.workshops.models import Prompt
from live.helpers import emit

from .conftest import settle

NAMESPACE = "/live"


class ResultsLog:
    """Keep the newest `results` payload per prompt that a moderator client received."""

    def __init__(self, client):
        self.client = client
        self.latest: dict[int, dict] = {}

    def drain(self):
        for event in self.client.get_received(NAMESPACE):
            if event["name"] == "results":
                payload = event["args"][0]
                seen = self.latest.get(payload["prompt_id"])
                if seen is None or payload["version"] >= seen["version"]:
                    self.latest[payload["prompt_id"]] = payload

    def final(self, app, prompt_id, timeout=3.0):
        """Wait until the figures of the prompt's stored version arrived; return them."""
        with app.app_context():
            version = db.session.get(Prompt, prompt_id).results_version
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.drain()
            payload = self.latest.get(prompt_id)
            if payload is not None and payload["version"] == version:
                time.sleep(0.1)  # anything later would be a bug: check nothing newer follows
                self.drain()
                return self.latest[prompt_id]
            time.sleep(0.02)
        raise AssertionError(f"no results of version {version} for prompt {prompt_id}: {self.latest.get(prompt_id)}")


def test_exports_match_live_results(app, live, workshop, runner, tmp_path):
    code = workshop["code"]
    q1, q2, q3 = workshop["prompts"]
    mod = live({"workshop": code, "moderator_token": workshop["moderator_token"]})
    log = ResultsLog(mod)
    people = []
    for i, (attendance, group) in enumerate([("onsite", "government"), ("online", "civil_society"),
                                              ("onsite", None), ("online", "academia"), ("online", "media")]):
        client = live({"workshop": code})
        ack = emit(client, "join", {"attendance": attendance, "display_name": f"Livename{i} Secretsson",
                                    "stakeholder_group": group} if group else
                   {"attendance": attendance, "display_name": f"Livename{i} Secretsson"})
        assert ack["ok"], ack
        people.append(client)
    a, b, c, d, e = people

    def opt(prompt, i):
        return prompt["options"][i]["id"]

    def ok(client, event, payload):
        ack = emit(client, event, payload)
        assert ack["ok"], (event, payload, ack)
        return ack

    final = {}
    ok(mod, "open_prompt", {"prompt_id": q1["id"]})
    for client, i in ((a, 0), (b, 1), (c, 1), (d, 0), (e, 2)):
        ok(client, "cast_vote", {"prompt_id": q1["id"], "option_ids": [opt(q1, i)]})
    ok(b, "cast_vote", {"prompt_id": q1["id"], "option_ids": [opt(q1, 0)]})  # re-vote
    ok(e, "cast_vote", {"prompt_id": q1["id"], "option_ids": [opt(q1, 1)]})  # re-vote
    p1 = ok(a, "submit_position", {"prompt_id": q1["id"], "text": "Authorship needs a human.",
                                   "option_id": opt(q1, 0), "client_id": "a1"})["position_id"]
    p2 = ok(d, "submit_position", {"prompt_id": q1["id"], "text": "=1+1 machines deserve rights",
                                   "client_id": "d1"})["position_id"]
    for client, value in ((b, "agree"), (c, "agree"), (d, "disagree"), (e, "agree")):
        ok(client, "react", {"position_id": p1, "value": value})
    for client, value in ((a, "disagree"), (b, "agree"), (c, "pass")):
        ok(client, "react", {"position_id": p2, "value": value})
    ok(c, "react", {"position_id": p2, "value": "disagree"})  # reacting again replaces
    ok(mod, "moderate_position", {"position_id": p2, "action": "hide", "reason": "joke"})
    ok(mod, "close_prompt", {"prompt_id": q1["id"]})
    final[q1["id"]] = log.final(app, q1["id"])
    assert emit(a, "cast_vote", {"prompt_id": q1["id"], "option_ids": [opt(q1, 2)]})["error"]["code"] == "closed"

    ok(mod, "open_prompt", {"prompt_id": q2["id"]})
    ok(a, "cast_vote", {"prompt_id": q2["id"], "option_ids": [opt(q2, 0), opt(q2, 1)]})
    ok(b, "cast_vote", {"prompt_id": q2["id"], "option_ids": [opt(q2, 1)]})
    ok(c, "cast_vote", {"prompt_id": q2["id"], "option_ids": [opt(q2, 2)]})
    ok(c, "cast_vote", {"prompt_id": q2["id"], "option_ids": [opt(q2, 0), opt(q2, 2)]})
    ok(mod, "open_prompt", {"prompt_id": q3["id"]})  # closes q2
    final[q2["id"]] = log.final(app, q2["id"])
    for client, i in ((a, 0), (b, 0), (d, 1)):
        ok(client, "cast_vote", {"prompt_id": q3["id"], "option_ids": [opt(q3, i)]})
    ok(mod, "end_workshop", {})
    final[q3["id"]] = log.final(app, q3["id"])
    assert final[q1["id"]]["votes_total"] == 5 and final[q2["id"]]["votes_total"] == 3

    doc = json.loads(runner.invoke(args=["export", code, "--format", "json"]).stdout)
    for prompt in doc["prompts"]:
        live_results = final[prompt["id"]]
        assert prompt["status"] == "closed"
        assert prompt["votes_total"] == live_results["votes_total"]
        assert prompt["voters"] == live_results["voters"]
        assert prompt["options"] == live_results["options"]
        assert prompt["results_version"] == live_results["version"]
    positions = {p["id"]: p for p in doc["prompts"][0]["positions"]}
    assert (positions[p1]["agree"], positions[p1]["disagree"]) == (3, 1)
    assert (positions[p2]["status"], positions[p2]["disagree"], positions[p2]["agree"]) == ("hidden", 2, 1)

    target = tmp_path / "s.zip"
    assert runner.invoke(args=["export", code, "--format", "csv", "-o", str(target)]).exit_code == 0
    with zipfile.ZipFile(target) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("options.csv").decode("utf-8-sig"))))
    for row in rows:
        option = next(o for o in final[int(row["prompt_id"])]["options"] if o["id"] == int(row["option_id"]))
        assert (int(row["count"]), int(row["onsite"]), int(row["online"])) == (
            option["count"], option["onsite"], option["online"])

    md = runner.invoke(args=["export", code, "--format", "md"]).stdout
    html = runner.invoke(args=["export", code, "--format", "html"]).stdout
    for prompt_id, live_results in final.items():
        for o in live_results["options"]:
            assert f"| {o['count']} | " in md
        assert f"{live_results['votes_total']} participants voted ({live_results['voters']['onsite']} onsite" in md
        assert f"{live_results['votes_total']} participants voted ({live_results['voters']['onsite']} onsite" in html
    for text in (json.dumps(doc), md, html):
        assert "Livename" not in text and "Secretsson" not in text
    settle(app)
