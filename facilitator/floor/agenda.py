"""The agenda clock (CONTRACT §8): the plan's items, the current one, and the time spent on each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..db_types import utcnow
from ..errors import N_, Closed, Invalid
from ..extensions import db
from ..live.outbox import emit_after_commit
from ..live.rooms import everyone
from ..moderation.models import record_action
from ..workshops.models import Prompt, Workshop
from .models import AgendaVisit
from .payloads import iso


def items(workshop: Workshop) -> list[dict]:
    """The plan as `state.agenda.items`: [{"title", "minutes", "prompt_id"}]."""
    prompts_by_order = None
    plan = []
    for item in workshop.agenda or []:
        prompt_id = item.get("prompt_id")
        if prompt_id is None and item.get("prompt"):  # a plan saved before prompt ids were kept
            if prompts_by_order is None:
                prompts_by_order = dict(db.session.execute(
                    select(Prompt.order, Prompt.id).where(Prompt.workshop_id == workshop.id)).all())
            prompt_id = prompts_by_order.get(item["prompt"])
        entry = {"title": item.get("title", ""), "minutes": item.get("minutes"), "prompt_id": prompt_id}
        if item.get("translations"):
            entry["translations"] = item["translations"]
        plan.append(entry)
    return plan


def visits(workshop_id: int) -> list[AgendaVisit]:
    return db.session.scalars(select(AgendaVisit).where(AgendaVisit.workshop_id == workshop_id)
                              .order_by(AgendaVisit.started_at, AgendaVisit.id)).all()


def agenda_payload(workshop: Workshop) -> dict:
    """`agenda`: the items, the current one (0-based or null), when it and the session started."""
    seen = visits(workshop.id)
    current = next((v for v in reversed(seen) if v.ended_at is None), None)
    return {"items": items(workshop), "current": current.item if current else None,
            "item_started_at": iso(current.started_at) if current else None,
            "started_at": iso(seen[0].started_at) if seen else None, "now": iso(utcnow())}


def _move(workshop: Workshop, item: int, now: datetime) -> bool:
    """Make `item` the current one; False when it already is."""
    current = db.session.scalar(select(AgendaVisit).where(AgendaVisit.workshop_id == workshop.id,
                                                          AgendaVisit.ended_at.is_(None)))
    if current is not None and current.item == item:
        return False
    if current is not None:
        current.ended_at = now
    db.session.add(AgendaVisit(workshop_id=workshop.id, item=item, started_at=now))
    db.session.flush()
    emit_after_commit("agenda", agenda_payload(workshop), everyone(workshop.id))
    return True


def advance_agenda(workshop: Workshop, actor, item: int) -> dict:
    """Move the agenda to an item (also back); it never opens or closes a prompt."""
    if workshop.is_ended:
        raise Closed(N_("This workshop has ended; the agenda is closed."))
    plan = items(workshop)
    if not 0 <= item < len(plan):
        if not plan:
            raise Invalid(N_("The agenda has no items."))
        raise Invalid(N_("The agenda has items 0 to %(last)d."), last=len(plan) - 1)
    if _move(workshop, item, utcnow()):
        record_action(workshop.id, actor, "advance_agenda", reason=plan[item]["title"][:200])
    return agenda_payload(workshop)


def follow_prompt(workshop: Workshop, prompt: Prompt) -> None:
    """Opening a prompt tied to an item moves the agenda there."""
    for index, item in enumerate(items(workshop)):
        if item["prompt_id"] == prompt.id:
            _move(workshop, index, utcnow())
            return


def close_clock(workshop: Workshop, now: datetime) -> None:
    """At the end of the workshop the current item ends too."""
    for visit in visits(workshop.id):
        if visit.ended_at is None:
            visit.ended_at = now


def minutes_spent(workshop: Workshop) -> list[float | None]:
    """Actual minutes on each item (None for items never visited); a running item counts until now."""
    spent: list[float | None] = [None] * len(workshop.agenda or [])
    now = workshop.ended_at or utcnow()
    for visit in visits(workshop.id):
        if 0 <= visit.item < len(spent):
            seconds = ((visit.ended_at or now) - visit.started_at).total_seconds()
            spent[visit.item] = (spent[visit.item] or 0) + max(0.0, seconds) / 60
    return [round(m, 1) if m is not None else None for m in spent]
