"""Tallies, participation counts and reaction counts, each from one aggregate query.

The snapshot sent on every connect reuses recent figures (`snapshot_*`), so
a crowd joining at once does not run the same aggregates thousands of times:
results while the prompt's version is unchanged and participation while
nobody new joined (both exact); reaction counts for at most one coalescing
interval, forgotten as soon as this process marks them changed.
"""

from __future__ import annotations

import time
from collections import defaultdict

from flask import Flask, current_app
from sqlalchemy import bindparam, func, select

from ..extensions import db
from ..workshops.models import Option, Prompt, Workshop
from .models import STAKEHOLDER_GROUPS, Participant, Position, Reaction, Vote, VoteChoice


def results_for(prompt: Prompt) -> dict:
    """Return RESULTS for a prompt (CONTRACT §3): counts split onsite/online."""
    # Read the version first: the counts read after it are at least as new.
    version = db.session.scalar(select(Prompt.results_version).where(Prompt.id == prompt.id))
    voters = dict(
        db.session.execute(
            select(Participant.attendance, func.count())
            .select_from(Vote)
            .join(Participant, Participant.id == Vote.participant_id)
            .where(Vote.prompt_id == prompt.id)
            .group_by(Participant.attendance)
        ).all()
    )
    per_option: dict[int, dict[str, int]] = defaultdict(lambda: {"onsite": 0, "online": 0})
    for option_id, attendance, count in db.session.execute(
        select(VoteChoice.option_id, Participant.attendance, func.count())
        .select_from(VoteChoice)
        .join(Vote, Vote.id == VoteChoice.vote_id)
        .join(Participant, Participant.id == Vote.participant_id)
        .where(VoteChoice.prompt_id == prompt.id)
        .group_by(VoteChoice.option_id, Participant.attendance)
    ):
        per_option[option_id][attendance] = count
    options = db.session.execute(
        select(Option.id, Option.label).where(Option.prompt_id == prompt.id).order_by(Option.order)
    ).all()
    onsite, online = voters.get("onsite", 0), voters.get("online", 0)
    payload = {
        "prompt_id": prompt.id,
        "version": version or 0,
        "votes_total": onsite + online,
        "voters": {"onsite": onsite, "online": online},
        "options": [
            {
                "id": option_id,
                "label": label,
                "count": per_option[option_id]["onsite"] + per_option[option_id]["online"],
                "onsite": per_option[option_id]["onsite"],
                "online": per_option[option_id]["online"],
            }
            for option_id, label in options
        ],
    }
    if prompt.status != "pending":  # opened once: the workshop is live, labels are final
        _cache("results")[prompt.id] = payload
    return payload


def participation_for(workshop: Workshop) -> dict:
    """Return PARTICIPATION: totals by attendance and stakeholder group."""
    return _participation(workshop.id)[0]


def _participation(workshop_id: int) -> tuple[dict, dict]:
    """PARTICIPATION and the profile counts ({(attendance, group): n, attendance: n}), one query."""
    by_group = {group: 0 for group in STAKEHOLDER_GROUPS}
    by_group["unspecified"] = 0
    attendance = {"onsite": 0, "online": 0}
    profiles: dict = {}
    for att, group, count in db.session.execute(
        select(Participant.attendance, Participant.stakeholder_group, func.count())
        .where(Participant.workshop_id == workshop_id)
        .group_by(Participant.attendance, Participant.stakeholder_group)
    ):
        attendance[att] += count
        by_group[group or "unspecified"] += count
        profiles[(att, group)] = count
        profiles[att] = profiles.get(att, 0) + count
    participation = {
        "total": attendance["onsite"] + attendance["online"],
        "onsite": attendance["onsite"],
        "online": attendance["online"],
        "by_stakeholder_group": by_group,
    }
    return participation, profiles


def countries_for(workshop: Workshop) -> dict[str, int]:
    """Return how many participants gave each country code."""
    return dict(
        db.session.execute(
            select(Participant.country, func.count())
            .where(Participant.workshop_id == workshop.id, Participant.country.is_not(None))
            .group_by(Participant.country)
            .order_by(func.count().desc(), Participant.country)
        ).all()
    )


_REACTION_COUNTS = (select(Reaction.position_id, Reaction.value, func.count())
                    .where(Reaction.position_id.in_(bindparam("ids", expanding=True)))
                    .group_by(Reaction.position_id, Reaction.value))


def reaction_counts(position_ids) -> dict[int, dict[str, int]]:
    """Return {position_id: {"agree", "disagree", "pass"}} for the given positions."""
    ids = list(position_ids)
    counts = {pid: {"agree": 0, "disagree": 0, "pass": 0} for pid in ids}
    if ids:
        for pid, value, count in db.session.execute(_REACTION_COUNTS, {"ids": ids}):
            counts[pid][value] = count
    return counts


def workshop_reaction_counts(workshop: Workshop) -> dict[int, dict[str, int]]:
    """Return reaction counts for every position of a workshop in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"agree": 0, "disagree": 0, "pass": 0})
    for pid, value, count in db.session.execute(
        select(Reaction.position_id, Reaction.value, func.count())
        .join(Position, Position.id == Reaction.position_id)
        .join(Prompt, Prompt.id == Position.prompt_id)
        .where(Prompt.workshop_id == workshop.id)
        .group_by(Reaction.position_id, Reaction.value)
    ):
        counts[pid][value] = count
    return counts


def _cache(name: str, app: Flask | None = None) -> dict:
    app = app or current_app
    return app.extensions.setdefault("facilitator.caches", {}).setdefault(name, {})


def forget(app: Flask, name: str) -> None:
    """Drop recent figures of one kind (this process marked them changed)."""
    _cache(name, app).clear()


def snapshot_results(prompt: Prompt) -> dict:
    """RESULTS for a snapshot: reused while the prompt's results version is unchanged."""
    cached = _cache("results").get(prompt.id)
    if cached is not None and cached["version"] == prompt.results_version:
        return cached
    return results_for(prompt)


def _recent(name: str, key: int, compute):
    cache = _cache(name)
    now = time.monotonic()
    hit = cache.get(key)
    if hit is not None and now - hit[0] < current_app.config["RESULTS_INTERVAL"]:
        return hit[1]
    value = compute()
    cache[key] = (now, value)
    return value


def _snapshot_participation(workshop_id: int) -> tuple[dict, dict]:
    """Participation and profile counts, reused until someone joins (participants are never deleted)."""
    newest = db.session.scalar(select(func.max(Participant.id)).where(Participant.workshop_id == workshop_id))
    cache = _cache("participation")
    hit = cache.get(workshop_id)
    if hit is not None and hit[0] == newest:
        return hit[1]
    value = _participation(workshop_id)
    cache[workshop_id] = (newest, value)
    return value


def snapshot_participation(workshop: Workshop) -> dict:
    """PARTICIPATION for a snapshot (exact: reused only while nobody new joined)."""
    return _snapshot_participation(workshop.id)[0]


def snapshot_profiles(workshop_id: int) -> dict:
    """How many participants share each attendance, and each attendance and stakeholder group."""
    return _snapshot_participation(workshop_id)[1]


def snapshot_reaction_counts(workshop: Workshop) -> dict[int, dict[str, int]]:
    return _recent("reactions", workshop.id, lambda: dict(workshop_reaction_counts(workshop)))
