"""`facilitator import-polis`: a workshop from a Pol.is open-data export.

Comments become positions, commenters and voters become (online)
participants, and each voter's latest vote on a comment becomes a reaction.
Participants and positions keep their Pol.is ids (`polis_id`), which
`export --format polis` writes back. The imported consultation is over, so
the workshop is stored as ended.
"""

from __future__ import annotations

import csv
import json
import secrets
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import insert, select

from ..cli import uses_database
from ..extensions import db
from ..workshops.models import Prompt, hash_token
from ..workshops.services import create_workshop, describe
from .models import Participant, Position, Reaction

VOTE_VALUES = {"1": "agree", "-1": "disagree", "0": "pass"}


def _read(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _summary(folder: Path) -> dict:
    path = folder / "summary.csv"
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as f:
        return {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2}


def _time(ms: str) -> datetime:
    return datetime.fromtimestamp(int(ms) / 1000, tz=timezone.utc)


def import_polis(folder: Path, title: str):
    """Create the workshop; return it with counts of what was imported."""
    for name in ("comments.csv", "votes.csv"):
        if not (folder / name).is_file():
            raise click.ClickException(f"{folder} has no {name}; is it a Pol.is export folder?")
    comments = _read(folder / "comments.csv")
    votes = _read(folder / "votes.csv")
    summary = _summary(folder)
    question = summary.get("conversation-description") or summary.get("topic") or title
    workshop, token = create_workshop(title, template=None)
    prompt = Prompt(order=1, text=question.strip(), kind="single", status="closed")
    workshop.prompts.append(prompt)
    db.session.flush()

    people = {row["author-id"] for row in comments} | {row["voter-id"] for row in votes}
    joined = {}
    for row in comments:
        joined[row["author-id"]] = min(joined.get(row["author-id"], row["timestamp"]), row["timestamp"], key=int)
    for row in votes:
        joined[row["voter-id"]] = min(joined.get(row["voter-id"], row["timestamp"]), row["timestamp"], key=int)
    db.session.execute(insert(Participant), [
        {"workshop_id": workshop.id, "token_hash": hash_token(secrets.token_urlsafe(16)),
         "attendance": "online", "joined_at": _time(joined[pid]), "polis_id": int(pid)}
        for pid in sorted(people, key=int)
    ])
    ids = db.session.scalars(select(Participant.id).where(Participant.workshop_id == workshop.id)
                             .order_by(Participant.id)).all()
    participant_of = dict(zip(sorted(people, key=int), ids))

    db.session.execute(insert(Position), [
        {"prompt_id": prompt.id, "participant_id": participant_of[row["author-id"]],
         "text": row["comment-body"].strip() or "(empty)",
         "status": "hidden" if row.get("moderated") == "-1" else "visible", "pinned": False,
         "client_id": f"polis-{row['comment-id']}", "created_at": _time(row["timestamp"]),
         "polis_id": int(row["comment-id"])}
        for row in comments
    ])
    position_of = {
        client_id.removeprefix("polis-"): (pid, author)
        for pid, client_id, author in db.session.execute(
            select(Position.id, Position.client_id, Position.participant_id).where(Position.prompt_id == prompt.id))
    }
    latest: dict[tuple[str, str], dict] = {}
    for row in votes:  # a participant may vote more than once; the latest counts
        key = (row["voter-id"], row["comment-id"])
        if key not in latest or int(row["timestamp"]) >= int(latest[key]["timestamp"]):
            latest[key] = row
    reactions = []
    for (voter, comment), row in latest.items():
        if comment not in position_of or row["vote"] not in VOTE_VALUES:
            continue
        position_id, author = position_of[comment]
        if author == participant_of[voter]:
            continue  # Pol.is counts an author's own vote; Facilitator does not allow it
        reactions.append({"position_id": position_id, "participant_id": participant_of[voter],
                          "value": VOTE_VALUES[row["vote"]], "updated_at": _time(row["timestamp"])})
    for start in range(0, len(reactions), 5000):
        db.session.execute(insert(Reaction), reactions[start:start + 5000])

    stamps = [int(r["timestamp"]) for r in comments + votes]
    start, end = _time(str(min(stamps))), _time(str(max(stamps)))
    workshop.status, workshop.started_at, workshop.ended_at = "ended", start, end
    prompt.opened_at, prompt.closed_at = start, end
    db.session.flush()
    return workshop, token, {"participants": len(people), "positions": len(comments), "reactions": len(reactions)}


@click.command("import-polis")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--title", required=True, help="Title of the new workshop.")
@click.option("--json", "as_json", is_flag=True, help="Print the workshop as JSON.")
@uses_database
def import_polis_command(directory: Path, title: str, as_json: bool) -> None:
    """Create a workshop with one prompt from a Pol.is open-data export folder."""
    try:
        workshop, token, counts = import_polis(directory, title)
        db.session.commit()
    except (click.ClickException, KeyError, ValueError) as exc:
        db.session.rollback()
        message = exc.format_message() if isinstance(exc, click.ClickException) else f"unexpected file content ({exc})"
        click.echo(f"Error: {message}", err=True)
        sys.exit(1)
    data = describe(workshop, token)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(f"Imported {counts['positions']} positions, {counts['participants']} participants and "
                   f"{counts['reactions']} reactions into workshop {workshop.code}.")


def register(app: Flask) -> None:
    app.cli.add_command(import_polis_command)
