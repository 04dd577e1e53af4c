"""The opinion map in the exports (CONTRACT §10): per prompt `opinion` in the JSON, the consensus
statements and the groups in the Markdown report and in the IGF report's questions.

Each prompt's map is the `facilitator analyze` object (a fresh analysis of the stored
reactions, as the command prints it) without `members`: participants stay anonymous.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _, ngettext
from sqlalchemy import select

from ..extensions import db, socketio
from ..opinion.live import worker
from ..opinion.payloads import export_payload
from ..opinion.process import AnalysisProcess
from ..opinion.services import PromptMap, read_matrix
from ..participation.models import Participant
from ..workshops.models import Prompt, Workshop


def prompt_opinion(prompt: Prompt) -> dict:
    """The prompt's `analyze` object without `members` (analysed off the event loop, as live)."""
    matrix = read_matrix(prompt.id, pause=lambda: socketio.sleep(0.001))  # a live server answers votes meanwhile
    live = worker()
    analyser = live.analyser if live is not None else AnalysisProcess()
    result = analyser.analyse(matrix.votes, matrix.participant_ids, matrix.position_ids,
                              moderated_out=matrix.hidden)
    in_map = set(result.participants_in)
    attendance = {pid: where for pid, where in db.session.execute(
        select(Participant.id, Participant.attendance).where(Participant.workshop_id == prompt.workshop_id))
        if pid in in_map}
    return export_payload(PromptMap(prompt.id, result, attendance))


def add_opinion(document: dict, workshop: Workshop) -> None:
    """Add `opinion` to each prompt of the export document, and `consensus` to each IGF report question."""
    prompts = {p.id: p for p in workshop.prompts}
    for prompt in document["prompts"]:
        prompt["opinion"] = prompt_opinion(prompts[prompt["id"]])
    for question, prompt in zip(document["report"]["questions"], document["prompts"]):
        question["consensus"] = consensus_statements(prompt)


def consensus_statements(prompt: dict) -> list[dict]:
    """The prompt's consensus statements with their text and reactions, in the map's order."""
    positions = {p["id"]: p for p in prompt["positions"]}
    out = []
    for item in prompt["opinion"]["consensus"]:
        position = positions.get(item["position_id"])
        if position is not None:
            out.append({"position_id": position["id"], "text": position["text"], "agree_share": item["agree_share"],
                        "agree": position["agree"], "disagree": position["disagree"], "pass": position["pass"]})
    return out


def group_letter(group_id: int) -> str:
    """Groups are lettered as on Pol.is: group 0 is A."""
    return chr(ord("A") + group_id) if 0 <= group_id < 26 else str(group_id + 1)


def group_label(group_id: int) -> str:
    """"Group A", in the report's language."""
    return _("Group %(letter)s", letter=group_letter(group_id))


def opinion_markdown(prompt: dict, add: Callable[[str], None], escape: Callable[[str], str]) -> None:
    """A prompt's consensus statements and opinion groups, in Markdown (nothing without a map)."""
    opinion = prompt.get("opinion")
    if not opinion or not opinion["groups"]:
        return
    texts = {p["id"]: p["text"] for p in prompt["positions"]}

    def quote(position_id: int) -> str:
        return f"“{escape(texts.get(position_id, ''))}”"

    add("")
    add(f"**{_('Statements with broad agreement across groups')}**")
    add("")
    consensus = consensus_statements(prompt)
    if consensus:
        for c in consensus:
            add("- " + quote(c["position_id"]) + " (" + _(
                "%(agree)d agree, %(disagree)d disagree, %(passed)d pass; group-informed consensus %(share)s",
                agree=c["agree"], disagree=c["disagree"], passed=c["pass"], share=f"{c['agree_share']:.2f}") + ")")
    else:
        add("- " + _("none: no statement is agreed by a majority of every group"))
    add("")
    add(f"**{_('Opinion groups')}** (" + ngettext("%(num)d participant in the map", "%(num)d participants in the map",
                                                   opinion["participants_in"]) + ")")
    add("")
    for group in opinion["groups"]:
        add(f"- **{group_label(group['id'])}**: " + ngettext(
            "%(num)d participant (%(onsite)d onsite, %(online)d online)",
            "%(num)d participants (%(onsite)d onsite, %(online)d online)",
            group["size"], onsite=group["onsite"], online=group["online"]))
        for rep in group["representative"]:
            share = f"{rep['share']:.0%}"
            line = (_("agreed (%(share)s):", share=share) if rep["direction"] == "agree"
                    else _("disagreed (%(share)s):", share=share))
            add(f"  - {line} {quote(rep['position_id'])}")
