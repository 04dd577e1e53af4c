"""The console's sense of "now": the current question, the one obvious next step, and which
actions end a live vote and so ask for a confirmation first (static/js/console.js mirrors this).

Pure functions over a `state` snapshot (participation/state.py); no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from ..participation.state import display_prompt


@dataclass(frozen=True)
class Step:
    event: str  #: open_prompt | close_prompt | show_results | end_workshop
    prompt_id: int | None
    label: str


def current_prompt(state: dict) -> dict | None:
    """The question the console is about: open, else closed last, else the first of the agenda."""
    return display_prompt(state) or (state["prompts"][0] if state["prompts"] else None)


def next_step(state: dict) -> Step | None:
    """Close the open vote, then show its results, then open the next question, then end."""
    if state["workshop"]["status"] == "ended":
        return None
    prompt = current_prompt(state)
    if prompt is None:
        return None
    n = prompt["order"]
    if prompt["status"] == "open":
        return Step("close_prompt", prompt["id"], _("Close voting on question %(n)d", n=n))
    if prompt["status"] == "pending":
        return Step("open_prompt", prompt["id"], _("Open question %(n)d", n=n))
    if not prompt["results_visible"]:
        return Step("show_results", prompt["id"], _("Show the results of question %(n)d", n=n))
    following = _next_pending(state["prompts"], prompt)
    if following is not None:
        return Step("open_prompt", following["id"], _("Open question %(n)d", n=following["order"]))
    return Step("end_workshop", None, _("End the workshop"))


def _next_pending(prompts: list[dict], after: dict) -> dict | None:
    pending = [p for p in prompts if p["status"] == "pending"]
    later = [p for p in pending if p["order"] > after["order"]]
    return (later or pending or [None])[0]


def voters(state: dict, prompt_id: int) -> int:
    results = state["results"].get(str(prompt_id))
    return results["votes_total"] if results else 0


def confirmation(state: dict, event: str, prompt_id: int | None) -> str | None:
    """The question to ask before an action that ends a live vote or the workshop, else None."""
    prompts = {p["id"]: p for p in state["prompts"]}
    open_prompt = prompts.get(state["open_prompt_id"])
    if event == "end_workshop":
        return _("End the workshop? Every question closes and nobody can vote or post any more. "
                 "Results can still be shown afterwards.")
    if open_prompt is None:
        return None
    votes = voters(state, open_prompt["id"])
    if event == "close_prompt" and prompt_id == open_prompt["id"]:
        return _("Close voting on question %(n)d? %(votes)d voted so far; nobody can vote or post on it "
                 "any more.", n=open_prompt["order"], votes=votes)
    if event == "open_prompt" and prompt_id in prompts and prompt_id != open_prompt["id"]:
        return _("Question %(open)d is still open (%(votes)d voted). Opening question %(n)d closes it.",
                 open=open_prompt["order"], votes=votes, n=prompts[prompt_id]["order"])
    return None
