"""Use cases of moderators: run the agenda, show results, moderate positions, end."""

from __future__ import annotations

from ..errors import N_, Invalid, NotFound
from ..extensions import db
from ..floor.agenda import close_clock, follow_prompt
from ..floor.services import end_running_speech
from ..live.outbox import emit_after_commit, mark_after_commit
from ..live.rooms import everyone
from ..participation.models import Participant, Position
from ..participation.results import reaction_counts
from ..participation.services import announce_position, prompt_of
from ..live.snapshots import invalidate
from ..opinion.live import show_after_commit, touch_after_commit
from ..participation.state import prompt_dict, workshop_dict
from ..workshops.models import Prompt, Workshop
from .models import record_action

ACTIONS = ("approve", "hide", "pin", "unpin")


def log(workshop: Workshop, actor, action: str, prompt_id: int | None = None,
        position_id: int | None = None, reason: str | None = None) -> None:
    record_action(workshop.id, actor, action, prompt_id=prompt_id, position_id=position_id, reason=reason)


def _announce_prompt(prompt: Prompt) -> None:
    emit_after_commit("prompt_changed", prompt_dict(prompt), everyone(prompt.workshop_id))
    invalidate(prompt.workshop_id)


def _announce_workshop(workshop: Workshop) -> None:
    emit_after_commit("workshop_changed", workshop_dict(workshop), everyone(workshop.id))
    invalidate(workshop.id)


def open_prompt(workshop: Workshop, prompt_id: int, actor: str) -> Prompt:
    """Open a prompt for votes and positions; the one open before closes."""
    prompt = prompt_of(workshop.id, prompt_id)
    workshop.ensure_not_ended()
    if prompt.is_open:
        return prompt
    previous = workshop.open_prompt()
    if previous is not None:
        previous.close()
        _announce_prompt(previous)
        mark_after_commit("results", previous.id)
    was_draft = workshop.is_draft
    workshop.go_live()
    prompt.open()
    log(workshop, actor, "open_prompt", prompt_id=prompt.id)
    db.session.flush()
    follow_prompt(workshop, prompt)  # the agenda moves to the prompt's item
    if was_draft:
        _announce_workshop(workshop)
    _announce_prompt(prompt)
    return prompt


def close_prompt(workshop: Workshop, prompt_id: int, actor: str) -> Prompt:
    prompt = prompt_of(workshop.id, prompt_id)
    workshop.ensure_not_ended()
    if prompt.is_open:
        prompt.close()
        log(workshop, actor, "close_prompt", prompt_id=prompt.id)
        db.session.flush()
        _announce_prompt(prompt)
        mark_after_commit("results", prompt.id)  # everyone ends on the final figures
    return prompt


def show_results(workshop: Workshop, prompt_id: int, visible: bool, actor: str) -> Prompt:
    """Show or hide a prompt's tallies to participants and screens (allowed after the end)."""
    prompt = prompt_of(workshop.id, prompt_id)
    if prompt.results_visible != visible:
        prompt.results_visible = visible
        log(workshop, actor, "show_results" if visible else "hide_results", prompt_id=prompt.id)
        db.session.flush()
        _announce_prompt(prompt)
        if visible:
            mark_after_commit("results", prompt.id)
    return prompt


def moderate_position(workshop: Workshop, position_id: int, action: str, actor: str,
                      reason: str | None = None) -> Position:
    """Approve, hide, pin or unpin a position, and log it."""
    position = db.session.get(Position, position_id)
    if position is None or position.prompt.workshop_id != workshop.id:
        raise NotFound(N_("That position does not exist in this workshop."))
    workshop.ensure_not_ended()
    if action not in ACTIONS:
        raise Invalid(N_("The action must be approve, hide, pin or unpin."))
    was_visible = position.status == "visible"
    if action == "approve":
        position.status = "visible"
    elif action == "hide":
        position.status = "hidden"
        position.pinned = False
    elif action == "pin":
        if position.status == "hidden":
            raise Invalid(N_("Approve a hidden position before pinning it."))
        position.status = "visible"
        position.pinned = True
    else:
        position.pinned = False
    log(workshop, actor, action, prompt_id=position.prompt_id, position_id=position.id, reason=reason)
    db.session.flush()
    author = db.session.get(Participant, position.participant_id)
    announce_position(position, author, "position_changed", was_visible=was_visible,
                      counts=reaction_counts([position.id])[position.id])
    invalidate(workshop.id)
    if was_visible != (position.status == "visible"):
        touch_after_commit(workshop.id, position.prompt_id)  # a column shown or moderated out of the map
    return position


def end_workshop(workshop: Workshop, actor: str) -> Workshop:
    """Close every prompt and make the workshop read-only."""
    open_before = workshop.open_prompt()
    workshop.end()
    log(workshop, actor, "end_workshop")
    end_running_speech(workshop.id, workshop.ended_at)  # the queue stays as it was
    close_clock(workshop, workshop.ended_at)
    db.session.flush()
    if open_before is not None:
        _announce_prompt(open_before)
        mark_after_commit("results", open_before.id)
    _announce_workshop(workshop)
    return workshop


def show_opinion_map(workshop: Workshop, prompt_id: int, visible: bool, actor: str) -> Prompt:
    """Show or hide a prompt's opinion map to participants and screens (allowed after the end, like results)."""
    prompt = prompt_of(workshop.id, prompt_id)
    if prompt.opinion_visible != visible:
        prompt.opinion_visible = visible
        log(workshop, actor, "show_opinion_map" if visible else "hide_opinion_map", prompt_id=prompt.id)
        db.session.flush()
        _announce_prompt(prompt)
        if visible:
            show_after_commit(prompt)  # the last map to participants and screens
    return prompt
