"""Who a connection is, and the objects `state` and the broadcasts are made of (CONTRACT §3)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from ..workshops.models import Prompt, Workshop
from ..workshops.services import prompt_dict as agenda_prompt_dict
from .models import Participant, Position


@dataclass(frozen=True)
class Identity:
    """Who is at the other end of a connection (or a browser session)."""

    role: str  # visitor | participant | moderator | rapporteur | screen
    workshop_id: int
    participant_id: int | None = None
    actor: str | None = None  # moderators and rapporteurs: organizer e-mail, or "moderator link"
    desk: str | None = None  # moderators: onsite or online
    link_id: int | None = None  # the role link it came through, if any (revocable)

    @property
    def is_moderator(self) -> bool:
        return self.role == "moderator"

    @property
    def is_staff(self) -> bool:
        """Sees what moderators see: every position, live results, names."""
        return self.role in ("moderator", "rapporteur")


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def prompt_dict(prompt: Prompt) -> dict:
    """The prompt object of `state` and `prompt_changed`: the agenda entry and its live status."""
    return {
        **agenda_prompt_dict(prompt, translations=True),
        "status": prompt.status,
        "results_visible": prompt.results_visible,
        "opened_at": iso(prompt.opened_at),
        "closed_at": iso(prompt.closed_at),
        "opinion_visible": prompt.opinion_visible,
    }


def workshop_dict(workshop: Workshop) -> dict:
    out = {"code": workshop.code, "title": workshop.title, "status": workshop.status, "language": workshop.language}
    if workshop.translations:
        out["translations"] = workshop.translations
    return out


def position_dict(position: Position, participant: Participant, counts: dict | None = None) -> dict:
    """POSITION as moderators see it: with the author's attendance, group and name (if given).

    Participants and screens get public_position() of it.
    """
    counts = counts or {"agree": 0, "disagree": 0, "pass": 0}
    return {
        "id": position.id,
        "prompt_id": position.prompt_id,
        "text": position.text,
        "option_id": position.option_id,
        "attendance": participant.attendance,
        "stakeholder_group": participant.stakeholder_group,
        "status": position.status,
        "pinned": position.pinned,
        "agree": counts["agree"],
        "disagree": counts["disagree"],
        "pass": counts["pass"],
        "created_at": iso(position.created_at),
        "author_name": participant.display_name,
    }


def public_position(payload: dict, profiles: dict) -> dict:
    """POSITION as participants and screens see it: nothing that singles its author out.

    The author's attendance and stakeholder group are shown only once at least
    PUBLIC_GROUP_MIN participants share them (else the group, or both, are
    null), and the author's name never: the join form says exactly this.
    """
    minimum = current_app.config["PUBLIC_GROUP_MIN"]
    attendance, group = payload["attendance"], payload["stakeholder_group"]
    if profiles.get((attendance, group), 0) < minimum:
        group = None
        if profiles.get(attendance, 0) < minimum:
            attendance = None
    return {**payload, "attendance": attendance, "stakeholder_group": group, "author_name": None}


def display_prompt(state: dict) -> dict | None:
    """The question screens and phones are on: the open one, else the one closed last, else none.

    After "close the vote, then show the results" it is the closed question,
    so its results appear where people look (static/js/live.js has the same rule).
    """
    prompts = state["prompts"]
    current = next((p for p in prompts if p["id"] == state["open_prompt_id"]), None)
    if current is None:
        closed = [p for p in prompts if p["status"] == "closed" and p["closed_at"]]
        current = max(closed, key=lambda p: p["closed_at"], default=None)
    return current


def shown_results(state: dict) -> dict | None:
    """The display prompt when this client may see its results, else None."""
    prompt = display_prompt(state)
    return prompt if prompt is not None and str(prompt["id"]) in state["results"] else None
