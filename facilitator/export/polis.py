"""`export --format polis`: one prompt in Pol.is's open-data format (CONTRACT §9).

Four files, with Pol.is's columns in Pol.is's order: `comments.csv` (the
prompt's positions, every status), `votes.csv` (the stored reactions),
`participants-votes.csv` (one row per participant who wrote or reacted, with
the `group-id` of Facilitator's own analysis) and `summary.csv`. Participant
and comment ids are the Pol.is ids kept by `import-polis` when every row has
one, else Facilitator's ids. Cells are written verbatim (UTF-8, LF line ends,
no formula guard), as Pol.is writes them: these files are data for tools.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from ..addresses import public_url
from ..extensions import db
from ..opinion.services import analyze_prompt
from ..participation.models import Participant, Position, Reaction
from ..workshops.models import Prompt, Workshop

COMMENT_COLUMNS = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated",
                   "comment-body"]
VOTE_COLUMNS = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
PARTICIPANT_COLUMNS = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
VOTES = {"agree": 1, "disagree": -1, "pass": 0}
#: Pol.is's `moderated`: 1 accepted, 0 not yet moderated, -1 moderated out.
MODERATED = {"visible": 1, "pending": 0, "hidden": -1}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class PolisCounts:
    """What an export wrote."""

    comments: int
    votes: int
    participants: int
    groups: int


def milliseconds(moment: datetime) -> int:
    """Return Pol.is's timestamp: milliseconds since the Unix epoch."""
    return (moment - EPOCH) // timedelta(milliseconds=1)


def polis_datetime(moment: datetime) -> str:
    """Return Pol.is's `datetime` column (Java's Date.toString, here always in UTC)."""
    t = moment.astimezone(timezone.utc)
    return f"{DAYS[t.weekday()]} {MONTHS[t.month - 1]} {t:%d %H:%M:%S} UTC {t.year}"


def _ids(rows: Iterable[tuple[int, int | None]]) -> dict[int, int]:
    """Map Facilitator ids to Pol.is ids when every row has one, else to themselves."""
    rows = list(rows)
    if rows and all(polis_id is not None for _, polis_id in rows):
        return {own: polis_id for own, polis_id in rows}
    return {own: own for own, _ in rows}


def _write_csv(path: Path, rows: Iterable[list]) -> None:
    """Write rows (the header first, if any) as Pol.is does: UTF-8, minimal quoting, LF line ends."""
    with path.open("w", newline="", encoding="utf-8") as fp:
        csv.writer(fp, lineterminator="\n").writerows(rows)


def write_polis_export(workshop: Workshop, prompt: Prompt, folder: Path) -> PolisCounts:
    """Write the four Pol.is files of `prompt` into `folder` (made if missing)."""
    positions = db.session.execute(
        select(Position.id, Position.polis_id, Position.participant_id, Position.text, Position.status,
               Position.created_at).where(Position.prompt_id == prompt.id)).all()
    reactions = db.session.execute(
        select(Reaction.participant_id, Reaction.position_id, Reaction.value, Reaction.updated_at)
        .join(Position, Position.id == Reaction.position_id).where(Position.prompt_id == prompt.id)).all()
    active = {p.participant_id for p in positions} | {r.participant_id for r in reactions}
    comment_id = _ids((p.id, p.polis_id) for p in positions)
    person_id = _ids((own, polis_id) for own, polis_id in db.session.execute(
        select(Participant.id, Participant.polis_id).where(Participant.workshop_id == workshop.id))
        if own in active)
    opinion = analyze_prompt(prompt).result
    group_of = {member: group.id for group in opinion.groups for member in group.members}
    folder.mkdir(exist_ok=True)

    tally: dict[int, Counter[str]] = {p.id: Counter() for p in positions}
    for r in reactions:
        tally[r.position_id][r.value] += 1
    _write_csv(folder / "comments.csv", [COMMENT_COLUMNS, *(
        [milliseconds(p.created_at), polis_datetime(p.created_at), comment_id[p.id], person_id[p.participant_id],
         tally[p.id]["agree"], tally[p.id]["disagree"], MODERATED[p.status], p.text]
        for p in sorted(positions, key=lambda p: comment_id[p.id]))])
    _write_csv(folder / "votes.csv", [VOTE_COLUMNS, *(
        [milliseconds(r.updated_at), polis_datetime(r.updated_at), comment_id[r.position_id],
         person_id[r.participant_id], VOTES[r.value]]
        for r in sorted(reactions, key=lambda r: (comment_id[r.position_id], person_id[r.participant_id])))])

    # participants-votes.csv: each participant's latest vote per comment, one column per comment id
    votes: dict[int, dict[int, int]] = {pid: {} for pid in active}
    for r in reactions:
        votes[r.participant_id][comment_id[r.position_id]] = VOTES[r.value]
    written = Counter(p.participant_id for p in positions)
    columns = sorted(comment_id.values())
    _write_csv(folder / "participants-votes.csv", [PARTICIPANT_COLUMNS + [str(c) for c in columns], *(
        [person_id[pid], group_of.get(pid, ""), written[pid], len(votes[pid]),
         list(votes[pid].values()).count(1), list(votes[pid].values()).count(-1),
         *(votes[pid].get(c, "") for c in columns)]
        for pid in sorted(active, key=person_id.__getitem__))])

    joined = db.session.scalar(select(func.count()).select_from(Participant)
                               .where(Participant.workshop_id == workshop.id))
    _write_csv(folder / "summary.csv", [
        ["topic", workshop.title], ["url", public_url(f"/j/{workshop.code}")], ["views", joined],
        ["voters", len({r.participant_id for r in reactions})], ["voters-in-conv", len(opinion.participants_in)],
        ["commenters", len(written)], ["comments", len(positions)], ["groups", len(opinion.groups)],
        ["conversation-description", prompt.text]])
    return PolisCounts(len(positions), len(reactions), len(active), len(opinion.groups))
