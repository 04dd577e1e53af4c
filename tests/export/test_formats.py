"""CSV zip, Markdown and HTML: contents, hidden and pending handling, injection guard, anonymity."""

import csv
import io
import json
import re
import zipfile

import pytest

from facilitator.export.csvzip import safe_cell
from facilitator.extensions import db
from facilitator.export.services import update_report
from facilitator.workshops.services import find_workshop

from .conftest import HYPERLINK, NAMES


def tables(data: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        out = {}
        for name in archive.namelist():
            raw = archive.read(name)
            assert raw.startswith(b"\xef\xbb\xbf"), f"{name} has no UTF-8 byte-order mark"
            out[name] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        return out


@pytest.fixture
def with_report(app, session_data):
    with app.app_context():
        update_report(find_workshop(session_data["code"]),
                      key_takeaways=["Takeaway ALPHA", "Takeaway BETA"],
                      calls_to_action=["Call GAMMA"], summary="Summary DELTA of the debate.",
                      gender_balance="about 55% women (EPSILON)", moderators="Ms Moderator OMEGA")
        db.session.commit()
    return session_data


def test_csv_zip_tables(session_data, export_of):
    t = tables(export_of(session_data["code"], "csv"))
    assert set(t) == {"prompts.csv", "options.csv", "positions.csv", "participation.csv", "report.csv",
                      "speeches.csv", "agenda.csv", "speakers.csv", "opinion_groups.csv", "opinion_statements.csv"}
    assert [(r["name"], r["attendance"]) for r in t["speakers.csv"]] == [("Paolo Lanteri", "onsite"),
                                                                       ("Victor Owade", "online")]
    prompts = t["prompts.csv"]
    assert [p["status"] for p in prompts] == ["closed", "closed", "pending"]
    assert (prompts[0]["votes_total"], prompts[0]["positions_hidden"], prompts[0]["positions_pending"]) == ("4", "1", "1")
    first = t["options.csv"][0]
    assert (first["count"], first["onsite"], first["online"]) == ("3", "1", "2")
    positions = {int(p["position_id"]): p for p in t["positions.csv"]}
    ids = session_data["positions"]
    assert positions[ids["p3"]]["status"] == "hidden" and positions[ids["p4"]]["status"] == "pending"
    p1 = positions[ids["p1"]]
    assert (p1["agree"], p1["disagree"], p1["agree_onsite"], p1["agree_online"], p1["pinned"]) == ("3", "1", "1", "2", "yes")
    participation = {(r["dimension"], r["value"]): r["participants"] for r in t["participation.csv"]}
    assert participation[("total", "all")] == "6"
    assert participation[("attendance", "onsite")] == "3"
    assert participation[("stakeholder_group", "unspecified")] == "2"
    assert participation[("country", "FR")] == "2"
    report = {r["field"]: r["value"] for r in t["report.csv"]}
    assert report["format"] == "Round table, 60 minutes, hybrid"


def test_csv_guards_against_formula_injection(session_data, export_of):
    t = tables(export_of(session_data["code"], "csv"))
    text = next(p["text"] for p in t["positions.csv"] if int(p["position_id"]) == session_data["positions"]["p2"])
    assert text == "'" + HYPERLINK
    for prefix in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(prefix) == "'" + prefix
    assert safe_cell("plain") == "plain" and safe_cell(-3) == -3 and safe_cell(None) == ""


def test_markdown_report(with_report, export_of):
    md = export_of(with_report["code"], "md").decode()
    for needle in ("Round table, 60 minutes, hybrid", "Ms Moderator OMEGA", "Takeaway ALPHA", "Takeaway BETA", "Call GAMMA",
                   "Summary DELTA", "EPSILON", "Most agreed positions", "Most contested positions",
                   "Agreed by both onsite and online participants", "Machines are tools",
                   "PENDINGPLUGH", "awaiting approval", "| Government | 1 |", "France (2)", "off topic"):
        assert needle in md, needle
    assert "HIDDENXYZZY" not in md
    assert md.startswith("# Test workshop\n")


def test_html_report(with_report, export_of):
    html = export_of(with_report["code"], "html").decode()
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", html), "prints on A4"
    for needle in ("<svg", "Round table, 60 minutes, hybrid", "Ms Moderator OMEGA", "Takeaway ALPHA",
                   "Call GAMMA", "Summary DELTA", "EPSILON", "Most contested positions", "PENDINGPLUGH",
                   "&#34;http://evil.example/x&#34;"):
        assert needle in html, needle
    assert "HIDDENXYZZY" not in html
    assert "<script" not in html


@pytest.mark.parametrize("fmt", ["json", "md", "csv", "html"])
def test_exports_are_anonymous(session_data, export_of, fmt):
    data = export_of(session_data["code"], fmt)
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    else:
        text = data.decode()
    for name in NAMES:
        assert name not in text and name.split()[1] not in text
    for token in session_data["tokens"] + [session_data["moderator_token"]]:
        assert token not in text
    assert "token" not in text.lower() and "display_name" not in text and "127.0.0.1" not in text
    if fmt == "json":
        doc = json.loads(text)
        for prompt in doc["prompts"]:
            for position in prompt["positions"]:
                assert "participant_id" not in position
