"""`facilitator import-polis` on a real Pol.is export (shipped under tests/data/polis)."""

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.participation.models import Participant, Position, Reaction
from facilitator.workshops.models import Workshop

DATA = Path(__file__).resolve().parents[1] / "data" / "polis"


def rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def expected_reactions(folder: Path) -> dict[str, int]:
    """Recount from the raw files: latest vote per voter and comment, authors' own votes left out."""
    authors = {r["comment-id"]: r["author-id"] for r in rows(folder / "comments.csv")}
    latest = {}
    for r in rows(folder / "votes.csv"):
        key = (r["voter-id"], r["comment-id"])
        if key not in latest or int(r["timestamp"]) >= int(latest[key]["timestamp"]):
            latest[key] = r
    counts = {"agree": 0, "disagree": 0, "pass": 0}
    names = {"1": "agree", "-1": "disagree", "0": "pass"}
    for (voter, comment), r in latest.items():
        if comment in authors and authors[comment] != voter:
            counts[names[r["vote"]]] += 1
    return counts


def test_import_seattle(app, runner):
    folder = DATA / "15-per-hour-seattle"
    result = runner.invoke(args=["import-polis", str(folder), "--title", "$15/hour", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == "$15/hour" and len(data["code"]) == 6
    assert data["prompts"][0]["text"].startswith("How do you think the new minimum wage law")
    with app.app_context():
        workshop = db.session.scalar(select(Workshop))
        assert workshop.status == "ended" and workshop.started_at < workshop.ended_at
        assert db.session.scalar(select(func.count()).select_from(Participant)) == 339
        comments = rows(folder / "comments.csv")
        assert db.session.scalar(select(func.count()).select_from(Position)) == len(comments)
        hidden = sum(1 for c in comments if c["moderated"] == "-1")
        assert db.session.scalar(select(func.count()).where(Position.status == "hidden")) == hidden
        stored = dict(db.session.execute(select(Reaction.value, func.count()).group_by(Reaction.value)).all())
        # Pol.is's ids are kept, so that export --format polis can write them back
        people = dict(db.session.execute(select(Participant.id, Participant.polis_id)).all())
        authors = {(p.polis_id, people[p.participant_id]) for p in db.session.scalars(select(Position))}
    assert stored == expected_reactions(folder)
    voters = {int(v["voter-id"]) for v in rows(folder / "votes.csv")}
    assert set(people.values()) == voters | {int(c["author-id"]) for c in comments}
    assert authors == {(int(c["comment-id"]), int(c["author-id"])) for c in comments}


def test_import_keeps_unicode(app, runner, tmp_path):
    """Statements in Chinese and Arabic (as in vTaiwan's UberX conversation) arrive unchanged."""
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1420000000000,x,0,0,1,0,1,計程車應該合法化\n"
        "1420000001000,x,1,1,0,1,1,يجب أن يحصل السائقون على تأمين\n", encoding="utf-8")
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n"
        "1420000002000,x,0,1,1\n1420000003000,x,1,0,-1\n", encoding="utf-8")
    result = runner.invoke(args=["import-polis", str(tmp_path), "--title", "vTaiwan"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        texts = sorted(db.session.scalars(select(Position.text)).all())
    assert texts == ["يجب أن يحصل السائقون على تأمين", "計程車應該合法化"]


def test_import_refuses_a_folder_without_export(runner, tmp_path):
    result = runner.invoke(args=["import-polis", str(tmp_path), "--title", "x"])
    assert result.exit_code == 1
    assert "comments.csv" in result.output and "Traceback" not in result.output
