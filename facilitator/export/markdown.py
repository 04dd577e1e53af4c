"""The Markdown report: readable as plain text, pastes into a report form or a wiki."""

from __future__ import annotations

from ..workshops.record import REGIONAL_GROUPS
from .text import action_text, country_name, duration_text, seconds_text, group_label, option_labels, percent, plural


def _escape(text: str) -> str:
    """Keep participant text from turning into Markdown structure (one paragraph, literal)."""
    text = " ".join(str(text).split())
    for ch in "\\`*_{}[]<>#|!":
        text = text.replace(ch, "\\" + ch)
    return text


def _cell(text) -> str:
    return _escape(text)


def _position_line(p: dict, labels: dict[int, str]) -> str:
    option = f" — for *{_escape(labels[p['option_id']])}*" if p.get("option_id") in labels else ""
    who = f"{p['attendance']}, {group_label(p['stakeholder_group']).lower()}"
    return (f"- “{_escape(p['text'])}”{option} ({who}; {p['agree']} agree, "
            f"{p['disagree']} disagree, {p['pass']} pass)")


def render_markdown(doc: dict) -> str:
    """Return the report as Markdown (hidden positions are left out)."""
    from .opinion import opinion_markdown  # each question's consensus statements and opinion groups

    report, w, part = doc["report"], doc["workshop"], doc["participants"]
    session = report["session"]
    out: list[str] = []
    add = out.append
    add(f"# {_escape(w['title'])}")
    add("")
    add("Session report pre-filled by Facilitator from the live results. "
        f"Workshop code `{w['code']}`, status {w['status']}.")
    add("")
    add("## Session")
    add("")
    add(f"- **Date:** {session['date'] or 'not recorded'}")
    add(f"- **Format:** {session['format']}")
    add(f"- **Duration:** {duration_text(session['duration_minutes'])}"
        + (f" ({session['started_at']} to {session['ended_at']})" if session["ended_at"] else ""))
    add(f"- **Moderators:** {_escape(session['moderators']) or 'not recorded'}")
    _record(doc.get("session") or {}, add)
    add("")
    add("## Participation")
    add("")
    add(f"- **Total:** {part['total']} ({part['onsite']} onsite, {part['online']} online)")
    if report["gender_balance"]:
        add(f"- **Gender balance (estimate):** {_escape(report['gender_balance'])}")
    countries = report["participation"]["countries"]
    if countries:
        add(f"- **Countries ({len(countries)}):** "
            + ", ".join(f"{_escape(country_name(code))} ({n})" for code, n in countries.items()))
    add("")
    add("| Stakeholder group | Participants | Share |")
    add("|---|---:|---:|")
    for group, n in part["by_stakeholder_group"].items():
        add(f"| {group_label(group)} | {n} | {percent(n, part['total'])} |")
    add("")
    _rapporteur(report, add)
    add("## Questions")
    for prompt, q in zip(doc["prompts"], report["questions"]):
        _question(prompt, q, add)
        opinion_markdown(prompt, add, _escape)
    _floor(doc["floor"], report.get("interventions"), doc["prompts"], add)
    _agenda(doc["agenda"], add)
    _moderation(doc["moderation_log"], add)
    return "\n".join(out).rstrip() + "\n"


def _record(record: dict, add) -> None:
    """The session record: theme, organizers, speakers, SDGs."""
    if record.get("theme"):
        add(f"- **Theme:** {_escape(record['theme'])}")
    if record.get("organizers"):
        add("- **Organizers:** " + "; ".join(
            _escape(o["name"]) + (f" ({group_label(o['stakeholder_group']).lower()})" if o.get("stakeholder_group") else "")
            for o in record["organizers"]))
    for speaker in record.get("speakers") or []:
        details = [speaker.get("affiliation"), group_label(speaker["stakeholder_group"]).lower()
                   if speaker.get("stakeholder_group") else None,
                   REGIONAL_GROUPS.get(speaker.get("regional_group") or ""), speaker.get("attendance")]
        add(f"- **Speaker:** {_escape(speaker['name'])} ({_escape(', '.join(d for d in details if d))})")
    if record.get("sdgs") or record.get("sdg_targets"):
        add("- **SDGs:** " + ", ".join(f"SDG {n}" for n in record.get("sdgs", []))
            + (f"; targets {', '.join(record['sdg_targets'])}" if record.get("sdg_targets") else ""))


def _floor(floor: dict, sentence: str | None, prompts: list[dict], add) -> None:
    """The speaking log and the totals by channel and stakeholder group."""
    add("")
    add("## Interventions")
    add("")
    if not floor["speeches"]:
        add("No one took the floor through the queue.")
        return
    add(sentence or "")
    add("")
    orders = {p["id"]: p["order"] for p in prompts}
    add("| # | Channel | Stakeholder group | Kind | Question | Duration | Name |")
    add("|---:|---|---|---|---:|---:|---|")
    for i, speech in enumerate(floor["speeches"], 1):
        add(f"| {i} | {speech['attendance']} | {group_label(speech['stakeholder_group'])} "
            f"| {'point of order' if speech['kind'] == 'point_of_order' else 'speech'} "
            f"| {orders.get(speech['prompt_id'], '')} | {seconds_text(speech['seconds'])} "
            f"| {_cell(speech['name']) if speech['name'] else ''} |")
    add("")
    add("| Totals | Speeches | Speaking time |")
    add("|---|---:|---:|")
    for channel, totals in floor["by_attendance"].items():
        add(f"| {'In the room' if channel == 'onsite' else 'Online'} | {totals['speeches']} "
            f"| {seconds_text(totals['seconds'])} |")
    for group, totals in floor["by_stakeholder_group"].items():
        if totals["speeches"]:
            add(f"| {group_label(group)} | {totals['speeches']} | {seconds_text(totals['seconds'])} |")
    if floor["hands_left"]:
        add("")
        add(f"{plural(floor['hands_left'], 'hand')} still waiting when the workshop ended.")


def _agenda(agenda: dict, add) -> None:
    """Time per agenda item against the plan."""
    if not agenda["items"]:
        return
    add("")
    add("## Time per agenda item")
    add("")
    add("| Item | Planned | Actual |")
    add("|---|---:|---:|")
    for item in agenda["items"]:
        actual = item["actual_minutes"]
        add(f"| {_cell(item['title'])} | {item['planned_minutes'] or 0} min "
            f"| {'—' if actual is None else f'{actual:g} min'} |")
    if agenda["actual_minutes"] is not None:
        add(f"| **Session** | {agenda['planned_minutes']} min | {agenda['actual_minutes']:g} min |")


def _rapporteur(report: dict, add) -> None:
    add("## Summary")
    add("")
    add(_escape(report["summary"]) if report["summary"] else "_To be written by the rapporteur._")
    add("")
    for title, items in (("Key takeaways", report["key_takeaways"]),
                         ("Calls to action", report["calls_to_action"])):
        add(f"## {title}")
        add("")
        if items:
            for i, item in enumerate(items, 1):
                add(f"{i}. {_escape(item)}")
        else:
            add("_To be written by the rapporteur (up to three)._")
        add("")


def _question(prompt: dict, q: dict, add) -> None:
    labels = option_labels(prompt)
    add("")
    add(f"### {prompt['order']}. {_escape(prompt['text'])}")
    add("")
    kind = "several options allowed" if prompt["kind"] == "multiple" else "one option"
    if prompt["opened_at"] is None:
        add("_Not opened during the session._")
        add("")
    add(f"{q['votes_total']} participants voted ({q['voters']['onsite']} onsite, "
        f"{q['voters']['online']} online; {kind}).")
    add("")
    add("| Option | Votes | Share | Onsite | Online |")
    add("|---|---:|---:|---:|---:|")
    for o in prompt["options"]:
        add(f"| {_cell(o['label'])} | {o['count']} | {percent(o['count'], q['votes_total'])} "
            f"| {o['onsite']} | {o['online']} |")
    shown = [p for p in prompt["positions"] if p["status"] != "hidden"]
    if not shown:
        add("")
        add("No positions were submitted.")
        return
    for title, key in (("Most agreed positions", "most_agreed"),
                       ("Most contested positions", "most_contested"),
                       ("Agreed by both onsite and online participants", "agreed_by_both")):
        add("")
        add(f"**{title}**")
        add("")
        if q[key]:
            for p in q[key]:
                add(_position_line(p, labels))
        else:
            add("- none")
    add("")
    add(f"**All positions ({len(shown)})**")
    add("")
    for p in shown:
        line = _position_line(p, labels)
        if p["status"] == "pending":
            line += " _(awaiting approval)_"
        if p.get("pinned"):
            line += " _(pinned)_"
        add(line)


def _moderation(moderation: dict, add) -> None:
    add("")
    add("## Moderation")
    add("")
    actions = moderation["actions"]
    if actions:
        add("- " + "; ".join(action_text(a, n) for a, n in actions.items()))
    else:
        add("- no moderator actions recorded")
    add(f"- {plural(moderation['hidden_positions'], 'position')} hidden (left out of this report), "
        f"{moderation['pending_positions']} left awaiting approval")
    for r in moderation["hide_reasons"]:
        add(f"  - {_escape(r['reason'])}: {r['count']}")
