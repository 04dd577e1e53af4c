"""The opinion map in the exports (CONTRACT §10): per prompt `opinion` in the JSON (the `analyze`
object without `members`), consensus statements and groups in the Markdown and the IGF report."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from facilitator.extensions import db
from facilitator.moderation import services as ms
from facilitator.participation import services as ps
from facilitator.workshops.services import find_workshop

from .conftest import ACTOR, settle

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text())
AGREED = "Whatever the answer, the law must say it clearly."


@pytest.fixture
def mapped(app, workshop):
    """Q1 of an ended workshop: two camps of six over four positions, one agreed by all; one hidden."""
    q1 = workshop["prompts"][0]
    with app.app_context():
        w = find_workshop(workshop["code"])
        ms.open_prompt(w, q1["id"], ACTOR)
        people = [ps.join(w, "onsite" if i % 3 == 0 else "online")[0] for i in range(12)]
        texts = [("Only human authors deserve protection.", True), ("Machine works deserve protection too.", False),
                 (AGREED, None), ("Output without a human is public domain.", True)]
        authors = [people[0], people[6], people[1], people[2]]
        ids = [ps.submit_position(author, q1["id"], text, None, f"c{k}").id
               for k, (author, (text, _)) in enumerate(zip(authors, texts))]
        for i, person in enumerate(people):
            for k, (_, stance) in enumerate(texts):
                if authors[k] is not person:
                    agree = True if stance is None else stance == (i < 6)
                    ps.react(person, ids[k], "agree" if agree else "disagree")
        hidden = ps.submit_position(people[3], q1["id"], "HIDDENTEXT off topic", None, "h").id
        ps.react(people[4], hidden, "agree")
        ms.moderate_position(w, hidden, "hide", ACTOR)
        ms.end_workshop(w, ACTOR)
        db.session.commit()
    settle(app)
    return {**workshop, "ids": ids, "hidden": hidden}


def test_json_carries_each_prompts_analysis_without_members(mapped, export_of, runner):
    doc = json.loads(export_of(mapped["code"], "json"))
    jsonschema.validate(doc, SCHEMA)
    analyzed = json.loads(runner.invoke(args=["analyze", mapped["code"], "--json"]).stdout)["prompts"]
    for prompt, expected in zip(doc["prompts"], analyzed, strict=True):
        opinion = prompt["opinion"]
        assert set(opinion) == {"prompt_id", "participants_in", "groups", "consensus", "divisive", "seconds",
                                "reason"}
        assert all("members" not in g for g in opinion["groups"])
        for group in expected["groups"]:
            del group["members"]
        assert {**opinion, "seconds": 0} == {**expected, "seconds": 0}
    first = doc["prompts"][0]["opinion"]
    assert first["participants_in"] == 12 and sorted(g["size"] for g in first["groups"]) == [6, 6]
    assert sum(g["onsite"] for g in first["groups"]) == 4
    assert [c["position_id"] for c in first["consensus"]] == [mapped["ids"][2]]
    assert doc["prompts"][1]["opinion"]["reason"] == "no reactions yet"
    assert doc["report"]["questions"][0]["consensus"][0]["text"] == AGREED
    assert doc["report"]["questions"][1]["consensus"] == []
    # participants stay anonymous: no participant id anywhere in the maps
    assert "members" not in json.dumps([p["opinion"] for p in doc["prompts"]])


def test_markdown_lists_consensus_and_groups(mapped, export_of):
    md = export_of(mapped["code"], "md").decode()
    assert "**Statements with broad agreement across groups**" in md
    consensus = md.split("**Statements with broad agreement across groups**")[1].split("**Opinion groups**")[0]
    assert f"“{AGREED}” (11 agree, 0 disagree, 0 pass; group-informed consensus" in consensus
    assert "**Opinion groups** (12 participants in the map)" in md
    assert "- **Group A**: 6 participants (2 onsite, 4 online)" in md
    assert "- **Group B**: 6 participants (2 onsite, 4 online)" in md
    assert "  - agreed (100%): “Only human authors deserve protection.”" in md
    assert "HIDDENTEXT" not in md
    assert md.count("Statements with broad agreement") == 1  # the other questions have no map


def test_html_report_shows_consensus_and_groups(mapped, export_of):
    html = export_of(mapped["code"], "html").decode()
    q1 = html.split('id="q1"')[1].split('id="q2"')[0]
    consensus = q1.split("Statements with broad agreement across groups")[1].split("Opinion groups")[0]
    assert AGREED in consensus and "11 agree, 0 disagree, 0 pass; group-informed consensus" in consensus
    assert "(12 participants in the map)" in q1
    assert "<strong>Group A</strong>: 6 participants (2 onsite, 4 online)" in q1
    assert "agreed (100%):" in q1 and "disagreed (100%):" in q1
    assert "HIDDENTEXT" not in html
    assert "Opinion groups" not in html.split('id="q2"')[1]  # no map, no section


def test_csv_zip_has_the_groups_and_their_statements(mapped, export_of):
    import csv
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(export_of(mapped["code"], "csv")))

    def rows(name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))

    groups = rows("opinion_groups.csv")
    q1 = mapped["prompts"][0]["id"]
    assert [(g["prompt_id"], g["group"], g["size"], g["participants_in_map"]) for g in groups] == [
        (str(q1), "A", "6", "12"), (str(q1), "B", "6", "12")]
    assert sum(int(g["onsite"]) for g in groups) == 4
    statements = rows("opinion_statements.csv")
    consensus = [s for s in statements if s["role"] == "consensus"]
    assert [(s["position_id"], s["text"], s["group"]) for s in consensus] == [(str(mapped["ids"][2]), AGREED, "")]
    reps = [s for s in statements if s["role"] == "representative"]
    assert {s["group"] for s in reps} == {"A", "B"}
    assert all(s["direction"] in ("agree", "disagree") and 0 < float(s["share"]) <= 1 for s in reps)
    assert not any("HIDDENTEXT" in s["text"] for s in statements)
