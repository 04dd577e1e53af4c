"""The floor and the agenda in the export (CONTRACT §10): the speaking log, totals by channel and
stakeholder group, and the time spent on each agenda item against the plan."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select

from ..extensions import db
from ..participation.models import STAKEHOLDER_GROUPS
from ..workshops.models import Workshop
from .agenda import items, minutes_spent, visits
from .models import Hand
from .payloads import iso
from .services import hands_left


def speeches(workshop: Workshop) -> list[dict]:
    """Every speech, in the order given; a name only for speakers a moderator added (never a participant's)."""
    rows = db.session.scalars(select(Hand).where(Hand.workshop_id == workshop.id, Hand.started_at.is_not(None))
                              .order_by(Hand.started_at, Hand.id)).all()
    return [{"kind": h.kind, "attendance": h.attendance, "stakeholder_group": h.stakeholder_group,
             "prompt_id": h.prompt_id, "started_at": iso(h.started_at), "ended_at": iso(h.ended_at),
             "seconds": h.seconds, "added_by": h.added_by, "name": h.name if h.added_by == "moderator" else None}
            for h in rows]


def _totals(log: list[dict], key: str, keys: list[str]) -> dict:
    totals = {k: {"speeches": 0, "seconds": 0} for k in keys}
    for speech in log:
        bucket = totals.setdefault(speech[key] or "unspecified", {"speeches": 0, "seconds": 0})
        bucket["speeches"] += 1
        bucket["seconds"] += speech["seconds"] or 0
    return totals


def floor_summary(workshop: Workshop) -> dict:
    log = speeches(workshop)
    return {
        "speeches": log,
        "by_attendance": _totals(log, "attendance", ["onsite", "online"]),
        "by_stakeholder_group": _totals(log, "stakeholder_group", [*STAKEHOLDER_GROUPS, "unspecified"]),
        "hands_left": hands_left(workshop.id),
    }


def agenda_summary(workshop: Workshop) -> dict:
    """Each item's planned and actual minutes (actual: None when the session never reached it)."""
    plan = items(workshop)
    spent = minutes_spent(workshop)
    seen = visits(workshop.id)
    planned = sum(item["minutes"] or 0 for item in plan)
    actual = sum(m for m in spent if m is not None)
    return {
        "items": [{**item, "planned_minutes": item["minutes"], "actual_minutes": spent[i]}
                  for i, item in enumerate(plan)],
        "started_at": iso(seen[0].started_at) if seen else None,
        "planned_minutes": planned,
        "actual_minutes": round(actual, 1) if seen else None,
    }


def speaking_sentence(floor: dict) -> str | None:
    """"Interventions: 7 in the room, 5 online; online participants had 41 % of the speaking time."."""
    onsite, online = floor["by_attendance"]["onsite"], floor["by_attendance"]["online"]
    if not onsite["speeches"] and not online["speeches"]:
        return None
    seconds = onsite["seconds"] + online["seconds"]
    share = round(100 * online["seconds"] / seconds) if seconds else 0
    return gettext("Interventions: %(onsite)d in the room, %(online)d online; "
                   "online participants had %(share)d %% of the speaking time.",
                   onsite=onsite["speeches"], online=online["speeches"], share=share)
