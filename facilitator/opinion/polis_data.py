"""Read a Pol.is open-data export into a vote matrix and the groups Pol.is published."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class PolisExport:
    """Hold one export: the latest-vote matrix (agree 1, disagree -1, pass 0, missing NaN) and Pol.is's groups."""

    name: str
    matrix: NDArray[np.float64]
    participant_ids: list[int]
    statement_ids: list[int]
    groups: dict[int, int]  # participant id -> Pol.is group-id, for those Pol.is grouped
    moderated_out: list[int]  # statement ids a moderator removed
    n_votes: int  # latest votes in the matrix


def load_polis_export(folder: str | Path, *, keep_moderated: bool = False) -> PolisExport:
    """Read comments.csv, votes.csv and participants-votes.csv from a Pol.is export folder."""
    # The latest vote per voter and comment counts (by timestamp; a later row wins a tie). Comments
    # with moderated == -1 are left out of the matrix; with keep_moderated their columns stay, so that
    # analyse(..., moderated_out=export.moderated_out) treats them as Pol.is does (conversation.clj
    # :rating-mat zeroes them rather than dropping them, which changes the projection's scaling).
    folder = Path(folder)
    with open(folder / "comments.csv", newline="", encoding="utf-8") as f:
        comments = list(csv.DictReader(f))
    moderated_out = sorted(int(c["comment-id"]) for c in comments if c["moderated"].strip() == "-1")
    removed = set(moderated_out)
    kept = {int(c["comment-id"]) for c in comments} - removed

    latest: dict[tuple[int, int], tuple[int, int]] = {}
    voters: set[int] = set()
    with open(folder / "votes.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            pid, sid = int(row["voter-id"]), int(row["comment-id"])
            stamp, vote = int(row["timestamp"]), int(row["vote"])
            voters.add(pid)
            old = latest.get((pid, sid))
            if old is None or stamp >= old[0]:
                latest[(pid, sid)] = (stamp, vote)

    statement_ids = sorted(kept | {sid for _, sid in latest if sid not in removed}
                           | (removed if keep_moderated else set()))
    participant_ids = sorted(voters)
    row_of = {p: i for i, p in enumerate(participant_ids)}
    col = {s: j for j, s in enumerate(statement_ids)}
    matrix = np.full((len(participant_ids), len(statement_ids)), np.nan)
    n_votes = 0
    for (pid, sid), (_, vote) in latest.items():
        if sid in col:
            matrix[row_of[pid], col[sid]] = float(np.sign(vote))
            n_votes += 1

    groups: dict[int, int] = {}
    with open(folder / "participants-votes.csv", newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            gid = (rec.get("group-id") or "").strip()
            if gid:
                groups[int(rec["participant"])] = int(gid)
    return PolisExport(folder.name, matrix, participant_ids, statement_ids, groups, moderated_out, n_votes)
