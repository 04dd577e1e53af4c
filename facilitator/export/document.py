"""The export document (`facilitator.workshop/1`), built from aggregate queries.

Every format is rendered from this one document (or, for the CSV tables,
from the same queries), so the figures agree everywhere. Reactions are
only ever counted in SQL; nothing here loads one row per reaction.
"""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext
from sqlalchemy import func, select

from ..extensions import db
from ..moderation.models import ModerationEntry
from ..participation.models import Participant, Position, Reaction
from ..participation.results import countries_for, participation_for, results_for
from ..workshops.models import Prompt, Workshop
from ..floor.summary import agenda_summary, floor_summary
from ..workshops.record import session_record
from .opinion import add_opinion
from .services import igf_report

SCHEMA = "facilitator.workshop/1"
REACTION_VALUES = ("agree", "disagree", "pass")
ATTENDANCES = ("onsite", "online")


def iso(value) -> str | None:
    """ISO 8601 in UTC with its offset, or None."""
    return value.isoformat() if value is not None else None


def reactions_by_attendance(workshop: Workshop) -> dict[int, dict[str, dict[str, int]]]:
    """Return {position_id: {reactor attendance: {value: count}}} in one aggregate query."""
    split: dict[int, dict[str, dict[str, int]]] = defaultdict(
        lambda: {att: dict.fromkeys(REACTION_VALUES, 0) for att in ATTENDANCES})
    for position_id, attendance, value, count in db.session.execute(
        select(Reaction.position_id, Participant.attendance, Reaction.value, func.count())
        .join(Participant, Participant.id == Reaction.participant_id)
        .join(Position, Position.id == Reaction.position_id)
        .join(Prompt, Prompt.id == Position.prompt_id)
        .where(Prompt.workshop_id == workshop.id)
        .group_by(Reaction.position_id, Participant.attendance, Reaction.value)
    ):
        split[position_id][attendance][value] = count
    return split


def iter_positions(workshop: Workshop, split: dict, statuses=None):
    """Yield each position of the workshop as an export dict, in prompt and id order (streamed)."""
    empty = {att: dict.fromkeys(REACTION_VALUES, 0) for att in ATTENDANCES}
    query = (
        select(Position.id, Position.prompt_id, Position.text, Position.option_id, Position.status,
               Position.pinned, Position.created_at, Participant.attendance,
               Participant.stakeholder_group)
        .join(Participant, Participant.id == Position.participant_id)
        .join(Prompt, Prompt.id == Position.prompt_id)
        .where(Prompt.workshop_id == workshop.id)
        .order_by(Prompt.order, Position.id)
        .execution_options(yield_per=500)
    )
    if statuses is not None:
        query = query.where(Position.status.in_(statuses))
    for row in db.session.execute(query):
        by_att = split.get(row.id, empty)
        yield {
            "id": row.id,
            "prompt_id": row.prompt_id,
            "text": row.text,
            "option_id": row.option_id,
            "attendance": row.attendance,
            "stakeholder_group": row.stakeholder_group,
            "status": row.status,
            "pinned": bool(row.pinned),
            "agree": sum(by_att[a]["agree"] for a in ATTENDANCES),
            "disagree": sum(by_att[a]["disagree"] for a in ATTENDANCES),
            "pass": sum(by_att[a]["pass"] for a in ATTENDANCES),
            "reactions_by_attendance": {a: dict(by_att[a]) for a in ATTENDANCES},
            "created_at": iso(row.created_at),
        }


def moderation_summary(workshop: Workshop) -> dict:
    """Counts per moderator action, hidden positions and the reasons given for hiding."""
    actions = dict(db.session.execute(
        select(ModerationEntry.action, func.count())
        .where(ModerationEntry.workshop_id == workshop.id)
        .group_by(ModerationEntry.action).order_by(ModerationEntry.action)
    ).all())
    hidden = db.session.scalar(
        select(func.count()).select_from(Position).join(Prompt, Prompt.id == Position.prompt_id)
        .where(Prompt.workshop_id == workshop.id, Position.status == "hidden")
    ) or 0
    pending = db.session.scalar(
        select(func.count()).select_from(Position).join(Prompt, Prompt.id == Position.prompt_id)
        .where(Prompt.workshop_id == workshop.id, Position.status == "pending")
    ) or 0
    reasons = [
        {"reason": reason or gettext("(no reason given)"), "count": count}
        for reason, count in db.session.execute(
            select(ModerationEntry.reason, func.count())
            .where(ModerationEntry.workshop_id == workshop.id, ModerationEntry.action == "hide")
            .group_by(ModerationEntry.reason).order_by(func.count().desc(), ModerationEntry.reason)
        )
    ]
    return {"actions": actions, "hidden_positions": hidden, "pending_positions": pending,
            "hide_reasons": reasons}




def prompt_head(prompt: Prompt) -> dict:
    """A prompt's export fields with its results (the live `results` figures), positions empty."""
    results = results_for(prompt)
    return {
        "id": prompt.id,
        "order": prompt.order,
        "text": prompt.text,
        "kind": prompt.kind,
        "status": prompt.status,
        "opened_at": iso(prompt.opened_at),
        "closed_at": iso(prompt.closed_at),
        "results_version": results["version"],
        "votes_total": results["votes_total"],
        "voters": results["voters"],
        "options": results["options"],
        "positions": [],
    }


def build_document(workshop: Workshop, statuses=None) -> dict:
    """Return the whole export document; `statuses` limits the positions listed (default: all)."""
    participants = participation_for(workshop)
    countries = countries_for(workshop)
    prompts = [prompt_head(p) for p in workshop.prompts]
    by_id = {p["id"]: p for p in prompts}
    split = reactions_by_attendance(workshop)
    for position in iter_positions(workshop, split, statuses):
        by_id[position.pop("prompt_id")]["positions"].append(position)
    moderation = moderation_summary(workshop)
    document = {
        "schema": SCHEMA,
        "workshop": {
            "code": workshop.code,
            "title": workshop.title,
            "template": workshop.template,
            "status": workshop.status,
            "moderation": workshop.moderation,
            "created_at": iso(workshop.created_at),
            "started_at": iso(workshop.started_at),
            "ended_at": iso(workshop.ended_at),
        },
        "participants": participants,
        "countries": countries,
        "prompts": prompts,
        "moderation_log": moderation,
        "session": session_record(workshop),
        "floor": floor_summary(workshop),
        "agenda": agenda_summary(workshop),
    }
    document["report"] = igf_report(workshop, document)
    add_opinion(document, workshop)  # per prompt "opinion", and the report's consensus statements
    return document
