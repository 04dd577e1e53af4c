"""The JSON export: the contract's schema, its figures, hidden and pending positions."""

import json
from pathlib import Path

import jsonschema

from facilitator.participation.models import STAKEHOLDER_GROUPS

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text())


def load(export_of, code):
    return json.loads(export_of(code, "json"))


def test_validates_against_the_documented_schema(session_data, export_of, workshop, make_workshop):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(load(export_of, session_data["code"]), SCHEMA)
    # A draft with nothing in it validates too (nulls for what has not happened).
    empty = make_workshop(title="Nothing yet")
    doc = load(export_of, empty["code"])
    jsonschema.validate(doc, SCHEMA)
    assert doc["workshop"]["started_at"] is None and doc["workshop"]["ended_at"] is None


def test_contract_keys_and_figures(session_data, export_of):
    doc = load(export_of, session_data["code"])
    assert doc["schema"] == "facilitator.workshop/1"
    assert set(doc["workshop"]) >= {"code", "title", "template", "status", "created_at", "started_at", "ended_at"}
    assert doc["workshop"]["status"] == "ended" and doc["workshop"]["template"] == "igf-ai-copyright"
    part = doc["participants"]
    assert (part["total"], part["onsite"], part["online"]) == (6, 3, 3)
    assert set(part["by_stakeholder_group"]) == set(STAKEHOLDER_GROUPS) | {"unspecified"}
    assert sum(part["by_stakeholder_group"].values()) == part["total"]
    assert part["by_stakeholder_group"]["unspecified"] == 2
    assert doc["countries"] == {"FR": 2, "BR": 1, "KE": 1}
    q1, q2, q3 = doc["prompts"]
    for prompt in doc["prompts"]:
        assert set(prompt) >= {"id", "order", "text", "kind", "status", "opened_at", "closed_at",
                               "votes_total", "voters", "options", "positions"}
    assert [p["status"] for p in doc["prompts"]] == ["closed", "closed", "pending"]
    assert q1["votes_total"] == 4 and q1["voters"] == {"onsite": 2, "online": 2}
    first = q1["options"][0]
    assert (first["count"], first["onsite"], first["online"]) == (3, 1, 2)  # B's re-vote counts once
    assert q2["kind"] == "multiple" and q2["votes_total"] == 2
    assert sum(o["count"] for o in q2["options"]) == 3
    assert q3["opened_at"] is None and q3["closed_at"] is None and q3["votes_total"] == 0
    for stamp in (doc["workshop"]["created_at"], doc["workshop"]["ended_at"], q1["opened_at"], q1["closed_at"]):
        assert stamp.endswith("+00:00")


def test_lists_hidden_and_pending_positions_with_status(session_data, export_of):
    doc = load(export_of, session_data["code"])
    positions = {p["id"]: p for p in doc["prompts"][0]["positions"]}
    ids = session_data["positions"]
    assert positions[ids["p3"]]["status"] == "hidden"
    assert positions[ids["p4"]]["status"] == "pending"
    p1 = positions[ids["p1"]]
    assert (p1["agree"], p1["disagree"], p1["pass"], p1["pinned"]) == (3, 1, 0, True)
    assert p1["reactions_by_attendance"]["onsite"]["agree"] == 1
    assert p1["reactions_by_attendance"]["online"] == {"agree": 2, "disagree": 1, "pass": 0}
    assert (p1["attendance"], p1["stakeholder_group"]) == ("onsite", "government")


def test_report_prefill(session_data, export_of):
    report = load(export_of, session_data["code"])["report"]
    session = report["session"]
    assert session["format"] == "Round table, 60 minutes, hybrid"
    # Names the rapporteur typed, else the session record's; never log-in e-mails.
    assert session["moderators"] == "Paolo Lanteri (onsite), Victor Owade (online)"
    assert "moderator@example.org" not in json.dumps(load(export_of, session_data["code"]))
    assert session["duration_minutes"] == 0
    assert report["participation"]["countries"] == {"FR": 2, "BR": 1, "KE": 1}
    q1 = report["questions"][0]
    ids = session_data["positions"]
    assert [p["id"] for p in q1["most_agreed"]] == [ids["p1"], ids["p2"]]
    assert [p["id"] for p in q1["most_contested"]] == [ids["p2"], ids["p1"]]  # min(2,2) before min(3,1)
    assert [p["id"] for p in q1["agreed_by_both"]] == [ids["p1"]]
    assert all(p["id"] not in (ids["p3"], ids["p4"]) for key in ("most_agreed", "most_contested")
               for p in q1[key])
    moderation = report["moderation"]
    assert moderation["actions"]["hide"] == 1 and moderation["actions"]["end_workshop"] == 1
    assert moderation["hidden_positions"] == 1 and moderation["pending_positions"] == 1
    assert moderation["hide_reasons"] == [{"reason": "off topic", "count": 1}]
    assert report["key_takeaways"] == [] and report["updated_at"] is None
