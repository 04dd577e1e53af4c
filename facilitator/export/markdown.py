"""The Markdown report: readable as plain text, pastes into a report form or a wiki.

Written in the language of the request (English from the command line); the
Markdown syntax stays out of the translated strings.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from ..i18n import day, time_of_day
from ..workshops.record import REGIONAL_GROUPS
from .text import (action_text, attendance_label, country_name, duration_text, group_label, kind_label, option_labels,
                   percent, seconds_text, status_label)


def _escape(text: str) -> str:
    """Keep participant text from turning into Markdown structure (one paragraph, literal)."""
    text = " ".join(str(text).split())
    for ch in "\\`*_{}[]<>#|!":
        text = text.replace(ch, "\\" + ch)
    return text


def _cell(text) -> str:
    return _escape(text)


def _heading(level: int, title: str) -> str:
    return f"{'#' * level} {title}"


def _bold(text: str) -> str:
    return f"**{text}**"


def _italic(text: str) -> str:
    return f"_{text}_"


def _item(label: str, value) -> str:
    """'- **Date:** 2025-06-24' (the label carries its own colon: some languages space it)."""
    return f"- **{label}** {value}"


def _row(*cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _position_line(p: dict, labels: dict[int, str]) -> str:
    option = (" — " + _("for %(option)s", option=f"*{_escape(labels[p['option_id']])}*")
              if p.get("option_id") in labels else "")
    who = f"{attendance_label(p['attendance'])}, {group_label(p['stakeholder_group']).lower()}"
    reactions = _("%(agree)d agree, %(disagree)d disagree, %(passed)d pass",
                  agree=p["agree"], disagree=p["disagree"], passed=p["pass"])
    return f"- “{_escape(p['text'])}”{option} ({who}; {reactions})"


def render_markdown(doc: dict) -> str:
    """Return the report as Markdown (hidden positions are left out)."""
    from .opinion import opinion_markdown  # each question's consensus statements and opinion groups

    report, w, part = doc["report"], doc["workshop"], doc["participants"]
    session = report["session"]
    out: list[str] = []
    add = out.append
    add(_heading(1, _escape(w["title"])))
    add("")
    add(_("Session report pre-filled by Facilitator from the live results. "
          "Workshop code %(code)s, status %(status)s.", code=f"`{w['code']}`", status=status_label(w["status"])))
    add("")
    add(_heading(2, _("Session")))
    add("")
    add(_item(_("Date:"), day(session["date"], "long") or _("not recorded")))
    add(_item(_("Format:"), session["format"]))
    duration = duration_text(session["duration_minutes"])
    if session["ended_at"]:
        duration += " " + _("(%(start)s–%(end)s UTC)", start=time_of_day(session["started_at"]), end=time_of_day(session["ended_at"]))
    add(_item(_("Duration:"), duration))
    add(_item(_("Moderators:"), _escape(session["moderators"]) or _("not recorded")))
    _record(doc.get("session") or {}, add)
    add("")
    add(_heading(2, _("Participation")))
    add("")
    add(_item(_("Total:"), _("%(total)d (%(onsite)d onsite, %(online)d online)",
                             total=part["total"], onsite=part["onsite"], online=part["online"])))
    if report["gender_balance"]:
        add(_item(_("Gender balance (estimate):"), _escape(report["gender_balance"])))
    countries = report["participation"]["countries"]
    if countries:
        add(_item(_("Countries (%(count)d):", count=len(countries)),
                  ", ".join(f"{_escape(country_name(code))} ({n})" for code, n in countries.items())))
    add("")
    add(_row(_("Stakeholder group"), _("Participants"), _("Share")))
    add("|---|---:|---:|")
    for group, n in part["by_stakeholder_group"].items():
        add(_row(group_label(group), n, percent(n, part["total"])))
    add("")
    _rapporteur(report, add)
    add(_heading(2, _("Questions")))
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
        add(_item(_("Theme:"), _escape(record["theme"])))
    if record.get("organizers"):
        add(_item(_("Organizers:"), "; ".join(
            _escape(o["name"]) + (f" ({group_label(o['stakeholder_group']).lower()})" if o.get("stakeholder_group") else "")
            for o in record["organizers"])))
    for speaker in record.get("speakers") or []:
        region = REGIONAL_GROUPS.get(speaker.get("regional_group") or "")
        details = [speaker.get("affiliation"), group_label(speaker["stakeholder_group"]).lower()
                   if speaker.get("stakeholder_group") else None,
                   str(region) if region else None,
                   attendance_label(speaker["attendance"]) if speaker.get("attendance") else None]
        add(_item(_("Speaker:"), f"{_escape(speaker['name'])} ({_escape(', '.join(d for d in details if d))})"))
    if record.get("sdgs") or record.get("sdg_targets"):
        sdgs = ", ".join(_("SDG %(number)d", number=n) for n in record.get("sdgs", []))
        if record.get("sdg_targets"):
            sdgs += "; " + _("targets %(targets)s", targets=", ".join(record["sdg_targets"]))
        add(_item(_("SDGs:"), sdgs))


def _floor(floor: dict, sentence: str | None, prompts: list[dict], add) -> None:
    """The speaking log and the totals by channel and stakeholder group."""
    add("")
    add(_heading(2, _("Interventions")))
    add("")
    if not floor["speeches"]:
        add(_("No one took the floor through the queue."))
        return
    add(sentence or "")
    add("")
    orders = {p["id"]: p["order"] for p in prompts}
    add(_row("#", _("Channel"), _("Stakeholder group"), _("Kind"), _("Question"), _("Duration"), _("Name")))
    add("|---:|---|---|---|---:|---:|---|")
    for i, speech in enumerate(floor["speeches"], 1):
        add(_row(i, attendance_label(speech["attendance"]), group_label(speech["stakeholder_group"]),
                 kind_label(speech["kind"]), orders.get(speech["prompt_id"], ""), seconds_text(speech["seconds"]),
                 _cell(speech["name"]) if speech["name"] else ""))
    add("")
    add(_row(_("Totals"), _("Speeches"), _("Speaking time")))
    add("|---|---:|---:|")
    for channel, totals in floor["by_attendance"].items():
        add(_row(_("In the room") if channel == "onsite" else _("Online"), totals["speeches"],
                 seconds_text(totals["seconds"])))
    for group, totals in floor["by_stakeholder_group"].items():
        if totals["speeches"]:
            add(_row(group_label(group), totals["speeches"], seconds_text(totals["seconds"])))
    if floor["hands_left"]:
        add("")
        add(ngettext("%(num)d hand still waiting when the workshop ended.",
                     "%(num)d hands still waiting when the workshop ended.", floor["hands_left"]))


def _minutes(value) -> str:
    """'45 min', '12.5 min'."""
    return _("%(minutes)s min", minutes=f"{value:g}")


def _agenda(agenda: dict, add) -> None:
    """Time per agenda item against the plan."""
    if not agenda["items"]:
        return
    add("")
    add(_heading(2, _("Time per agenda item")))
    add("")
    add(_row(_("Item"), _("Planned"), _("Actual")))
    add("|---|---:|---:|")
    for item in agenda["items"]:
        actual = item["actual_minutes"]
        add(_row(_cell(item["title"]), _minutes(item["planned_minutes"] or 0),
                 "—" if actual is None else _minutes(actual)))
    if agenda["actual_minutes"] is not None:
        add(_row(_bold(_("Session")), _minutes(agenda["planned_minutes"]), _minutes(agenda["actual_minutes"])))


def _rapporteur(report: dict, add) -> None:
    add(_heading(2, _("Summary")))
    add("")
    add(_escape(report["summary"]) if report["summary"] else _italic(_("To be written by the rapporteur.")))
    add("")
    for title, items in ((_("Key takeaways"), report["key_takeaways"]),
                         (_("Calls to action"), report["calls_to_action"])):
        add(_heading(2, title))
        add("")
        if items:
            for i, item in enumerate(items, 1):
                add(f"{i}. {_escape(item)}")
        else:
            add(_italic(_("To be written by the rapporteur (up to three).")))
        add("")


def _question(prompt: dict, q: dict, add) -> None:
    labels = option_labels(prompt)
    add("")
    add(_heading(3, f"{prompt['order']}. {_escape(prompt['text'])}"))
    add("")
    kind = _("several options allowed") if prompt["kind"] == "multiple" else _("one option")
    if prompt["opened_at"] is None:
        add(_italic(_("Not opened during the session.")))
        add("")
    # English says "participants" for one too, as the HTML report does.
    add(ngettext("%(num)d participants voted (%(onsite)d onsite, %(online)d online; %(kind)s).",
                 "%(num)d participants voted (%(onsite)d onsite, %(online)d online; %(kind)s).",
                 q["votes_total"], onsite=q["voters"]["onsite"], online=q["voters"]["online"], kind=kind))
    add("")
    add(_row(_("Option"), _("Votes"), _("Share"), _("Onsite"), _("Online")))
    add("|---|---:|---:|---:|---:|")
    for o in prompt["options"]:
        add(_row(_cell(o["label"]), o["count"], percent(o["count"], q["votes_total"]), o["onsite"], o["online"]))
    shown = [p for p in prompt["positions"] if p["status"] != "hidden"]
    if not shown:
        add("")
        add(_("No positions were submitted."))
        return
    for title, key in ((_("Most agreed positions"), "most_agreed"),
                       (_("Most contested positions"), "most_contested"),
                       (_("Agreed by both onsite and online participants"), "agreed_by_both")):
        add("")
        add(_bold(title))
        add("")
        if q[key]:
            for p in q[key]:
                add(_position_line(p, labels))
        else:
            add("- " + _("none"))
    add("")
    add(_bold(_("All positions (%(count)d)", count=len(shown))))
    add("")
    for p in shown:
        line = _position_line(p, labels)
        if p["status"] == "pending":
            line += " " + _italic("(" + _("awaiting approval") + ")")
        if p.get("pinned"):
            line += " " + _italic("(" + _("pinned") + ")")
        add(line)


def _moderation(moderation: dict, add) -> None:
    add("")
    add(_heading(2, _("Moderation")))
    add("")
    actions = moderation["actions"]
    if actions:
        add("- " + "; ".join(action_text(a, n) for a, n in actions.items()))
    else:
        add("- " + _("no moderator actions recorded"))
    add("- " + ngettext("%(num)d position hidden (left out of this report), %(pending)d left awaiting approval",
                        "%(num)d positions hidden (left out of this report), %(pending)d left awaiting approval",
                        moderation["hidden_positions"], pending=moderation["pending_positions"]))
    for r in moderation["hide_reasons"]:
        add(f"  - {_escape(r['reason'])}: {r['count']}")
