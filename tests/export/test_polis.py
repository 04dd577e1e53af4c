"""`facilitator export --format polis` (CONTRACT §9): Pol.is's open-data format, round trip through import-polis."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.participation.models import Participant, Position, Reaction
from facilitator.workshops.services import find_workshop

SEATTLE = Path(__file__).resolve().parents[1] / "data" / "polis" / "15-per-hour-seattle"
TABLES = ("comments.csv", "votes.csv", "participants-votes.csv")
VOTE_FIELDS = ("timestamp", "comment-id", "voter-id", "vote")  # `datetime` is in the exporter's time zone


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def summary_keys(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return [row[0] for row in csv.reader(f) if row]


def kept_votes(folder: Path) -> dict[tuple[str, str], dict[str, str]]:
    """The votes import-polis keeps: each voter's latest on a comment, authors' own left out."""
    authors = {c["comment-id"]: c["author-id"] for c in read(folder / "comments.csv")}
    latest: dict[tuple[str, str], dict[str, str]] = {}
    for row in read(folder / "votes.csv"):
        key = (row["comment-id"], row["voter-id"])
        if key not in latest or int(row["timestamp"]) >= int(latest[key]["timestamp"]):
            latest[key] = row
    return {key: row for key, row in latest.items() if authors.get(key[0]) not in (None, key[1])}


def import_polis(runner, folder: Path, title: str) -> str:
    result = runner.invoke(args=["import-polis", str(folder), "--title", title, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["code"]


def export_polis(runner, code: str, folder: Path, *args: str) -> None:
    result = runner.invoke(args=["export", code, "--format", "polis", "--output", str(folder), *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr.startswith(f"Wrote {folder}: ")


def stored(code: str) -> dict[str, set]:
    """A workshop's positions, participants and reactions, by Pol.is id."""
    workshop = find_workshop(code)
    prompt_id = workshop.prompts[0].id
    people = dict(db.session.execute(select(Participant.id, Participant.polis_id)
                                     .where(Participant.workshop_id == workshop.id)).all())
    positions = db.session.execute(select(Position).where(Position.prompt_id == prompt_id)).scalars().all()
    comment = {p.id: p.polis_id for p in positions}
    reactions = db.session.execute(select(Reaction).where(Reaction.position_id.in_(comment))).scalars().all()
    return {
        "participants": set(people.values()),
        "positions": {(p.polis_id, people[p.participant_id], p.text, p.status, p.created_at) for p in positions},
        "reactions": {(comment[r.position_id], people[r.participant_id], r.value, r.updated_at) for r in reactions},
    }


@pytest.fixture
def seattle_export(runner, tmp_path):
    """Import the Seattle conversation and export it back to Pol.is's format."""
    code = import_polis(runner, SEATTLE, "Seattle")
    out = tmp_path / "exported"
    export_polis(runner, code, out)
    return code, out


def test_files_have_polis_columns_in_polis_order(seattle_export):
    _, out = seattle_export
    assert sorted(p.name for p in out.iterdir()) == sorted((*TABLES, "summary.csv"))
    assert header(out / "comments.csv") == header(SEATTLE / "comments.csv")
    assert header(out / "votes.csv") == header(SEATTLE / "votes.csv")
    # participants-votes: the same six columns, then one column per comment id, in id order
    assert header(out / "participants-votes.csv") == header(SEATTLE / "participants-votes.csv")
    assert summary_keys(out / "summary.csv") == summary_keys(SEATTLE / "summary.csv")
    for name in TABLES:  # Pol.is's own line ends
        assert b"\r\n" not in (out / name).read_bytes()


def test_comments_and_votes_compare_row_by_row_with_the_original(seattle_export):
    _, out = seattle_export
    original = {c["comment-id"]: c for c in read(SEATTLE / "comments.csv")}
    exported = read(out / "comments.csv")
    assert [c["comment-id"] for c in exported] == sorted(original, key=int)
    kept = kept_votes(SEATTLE)
    for row in exported:
        source = original[row["comment-id"]]
        assert (row["timestamp"], row["author-id"], row["comment-body"]) == \
            (source["timestamp"], source["author-id"], source["comment-body"].strip())
        # moderated out stays -1; Pol.is's 0 (shown, not yet moderated) and 1 were both shown: visible, 1
        assert row["moderated"] == ("-1" if source["moderated"] == "-1" else "1")
        votes = [v["vote"] for (cid, _), v in kept.items() if cid == row["comment-id"]]
        assert (int(row["agrees"]), int(row["disagrees"])) == (votes.count("1"), votes.count("-1"))

    votes = read(out / "votes.csv")
    assert len(votes) == len(kept) == 2818
    assert [(v["comment-id"], v["voter-id"]) for v in votes] == sorted(kept, key=lambda k: (int(k[0]), int(k[1])))
    for row in votes:
        source = kept[(row["comment-id"], row["voter-id"])]
        assert [row[f] for f in VOTE_FIELDS] == [source[f] for f in VOTE_FIELDS]


def test_reimported_export_is_the_same_workshop(app, runner, seattle_export, tmp_path):
    code, out = seattle_export
    again = import_polis(runner, out, "Seattle again")
    with app.app_context():
        first, second = stored(code), stored(again)
    assert len(first["participants"]) == 339 and len(first["positions"]) == 54 and len(first["reactions"]) == 2818
    assert first == second
    # exporting the re-imported workshop gives the same files
    out2 = tmp_path / "exported-again"
    export_polis(runner, again, out2)
    for name in TABLES:
        assert (out2 / name).read_bytes() == (out / name).read_bytes(), name


def test_group_ids_are_ours_and_agree_with_polis(seattle_export, runner):
    code, out = seattle_export
    published = {r["participant"]: r["group-id"] for r in read(SEATTLE / "participants-votes.csv") if r["group-id"]}
    ours = {r["participant"]: r["group-id"] for r in read(out / "participants-votes.csv") if r["group-id"]}
    data = json.loads(runner.invoke(args=["analyze", code, "--json"]).stdout)["prompts"][0]
    assert len(ours) == data["participants_in"] == 137 and set(ours.values()) == {"0", "1"}
    both = sorted(set(ours) & set(published), key=int)
    score = adjusted_rand_score([published[p] for p in both], [ours[p] for p in both])
    assert len(both) >= 130 and score > 0.8, score  # 0.883 on this data


def test_export_of_a_live_workshop_uses_facilitator_ids(runner, session_data, tmp_path):
    out = tmp_path / "live"
    export_polis(runner, session_data["code"], out, "--prompt", str(session_data["q"][0]["id"]))
    comments = {int(c["comment-id"]): c for c in read(out / "comments.csv")}
    ids = session_data["positions"]
    assert sorted(comments) == sorted(ids.values())  # every status, Facilitator's position ids
    assert [comments[ids[k]]["moderated"] for k in ("p1", "p2", "p3", "p4")] == ["1", "1", "-1", "0"]
    assert comments[ids["p2"]]["comment-body"].startswith("=HYPERLINK(")  # verbatim: data for tools
    assert (comments[ids["p1"]]["agrees"], comments[ids["p1"]]["disagrees"]) == ("3", "1")
    people = read(out / "participants-votes.csv")
    assert len(people) == 6 and sum(int(p["n-comments"]) for p in people) == 4
    assert sum(int(p["n-votes"]) for p in people) == len(read(out / "votes.csv")) == 10
    data = json.loads(runner.invoke(args=["analyze", session_data["code"], "--json"]).stdout)["prompts"][0]
    group_of = {str(m): str(g["id"]) for g in data["groups"] for m in g["members"]}
    assert {p["participant"]: p["group-id"] for p in people} == {p["participant"]: group_of.get(p["participant"], "")
                                                                   for p in people}
    with (out / "summary.csv").open(newline="", encoding="utf-8") as f:
        summary = dict(csv.reader(f))
    assert summary["groups"] == str(len(data["groups"])) and summary["comments"] == "4"
    assert summary["topic"] == "Test workshop" and summary["conversation-description"] == session_data["q"][0]["text"]


def one_line_error(result, text: str) -> None:
    assert result.exit_code == 1 and result.stdout == "", result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1 and text in result.stderr


def test_polis_export_errors_are_one_line(runner, session_data, tmp_path):
    code = session_data["code"]
    one_line_error(runner.invoke(args=["export", code, "--format", "polis"]), "--output DIR")
    one_line_error(runner.invoke(args=["export", code, "--format", "polis", "-o", str(tmp_path), "--prompt", "999999"]),
                   f"workshop {code} has no prompt 999999")
    (tmp_path / "file").write_text("x")
    one_line_error(runner.invoke(args=["export", code, "--format", "polis", "-o", str(tmp_path / "file")]),
                   "not a folder")
    one_line_error(runner.invoke(args=["export", code, "--format", "polis", "-o", str(tmp_path / "a" / "b")]),
                   "cannot write")
    one_line_error(runner.invoke(args=["export", code, "--format", "json", "--prompt", "1"]),
                   "--prompt only applies to --format polis")
