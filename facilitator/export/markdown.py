"""The Markdown report: readable as plain text, pastes into a report form or a wiki."""

from __future__ import annotations

from .text import action_text, country_name, duration_text, group_label, option_labels, percent, plural


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
    _moderation(doc["moderation_log"], add)
    return "\n".join(out).rstrip() + "\n"


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
