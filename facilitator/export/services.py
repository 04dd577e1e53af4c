"""Use cases of the rapporteur: read and edit the report fields; the IGF pre-fill."""

from __future__ import annotations

from flask_babel import gettext, ngettext
from sqlalchemy import select

from ..db_types import utcnow
from ..errors import N_, Invalid
from ..extensions import db
from ..workshops.models import Workshop
from ..floor.summary import speaking_sentence
from .models import ITEM_MAX_LENGTH, MAX_ITEMS, WorkshopReport
from .text import attendance_label

#: The report's session format when the session record gives none (translated where the report is built).
SESSION_FORMAT = N_("Round table, hybrid")
TOP = 3


def report_for(workshop: Workshop) -> WorkshopReport | None:
    """Return the workshop's stored report fields, or None before the first edit."""
    return db.session.scalar(select(WorkshopReport).where(WorkshopReport.workshop_id == workshop.id))


def _clean_items(items, key: str) -> list[str]:
    """The non-blank entries of `key_takeaways` or `calls_to_action`, checked."""
    cleaned = [str(item).strip() for item in (items or []) if str(item or "").strip()]
    takeaways = key == "key_takeaways"
    if len(cleaned) > MAX_ITEMS:
        if takeaways:
            raise Invalid.ngettext("Give at most %(num)d key takeaway.", "Give at most %(num)d key takeaways.",
                                   MAX_ITEMS)
        raise Invalid.ngettext("Give at most %(num)d call to action.", "Give at most %(num)d calls to action.",
                               MAX_ITEMS)
    for item in cleaned:
        if len(item) > ITEM_MAX_LENGTH:
            if takeaways:
                raise Invalid.ngettext("Each of the key takeaways may have at most %(num)d character.",
                                       "Each of the key takeaways may have at most %(num)d characters.",
                                       ITEM_MAX_LENGTH)
            raise Invalid.ngettext("Each of the calls to action may have at most %(num)d character.",
                                   "Each of the calls to action may have at most %(num)d characters.",
                                   ITEM_MAX_LENGTH)
    return cleaned


def update_report(workshop: Workshop, *, key_takeaways, calls_to_action, summary: str,
                  gender_balance: str, moderators: str) -> WorkshopReport:
    """Store the rapporteur's fields (at most three takeaways and three calls to action)."""
    takeaways = _clean_items(key_takeaways, "key_takeaways")
    calls = _clean_items(calls_to_action, "calls_to_action")
    report = report_for(workshop)
    if report is None:
        report = WorkshopReport(workshop_id=workshop.id)
        db.session.add(report)
    report.key_takeaways = takeaways
    report.calls_to_action = calls
    report.summary = (summary or "").strip()
    report.gender_balance = (gender_balance or "").strip()
    report.moderators = (moderators or "").strip()
    report.updated_at = utcnow()
    db.session.flush()
    return report


def rapporteur_fields(report: WorkshopReport | None) -> dict:
    if report is None:
        return {"key_takeaways": [], "calls_to_action": [], "summary": "", "gender_balance": "",
                "moderators": "", "updated_at": None}
    return {
        "key_takeaways": list(report.key_takeaways or []),
        "calls_to_action": list(report.calls_to_action or []),
        "summary": report.summary or "",
        "gender_balance": report.gender_balance or "",
        "moderators": report.moderators or "",
        "updated_at": report.updated_at.isoformat() if report.updated_at else None,
    }


def _brief(position: dict) -> dict:
    split = position["reactions_by_attendance"]
    return {
        "id": position["id"], "text": position["text"], "option_id": position["option_id"],
        "attendance": position["attendance"], "stakeholder_group": position["stakeholder_group"],
        "agree": position["agree"], "disagree": position["disagree"], "pass": position["pass"],
        "agree_onsite": split["onsite"]["agree"], "agree_online": split["online"]["agree"],
    }


def most_agreed(positions: list[dict]) -> list[dict]:
    """Top positions by agrees (ties: fewer disagrees, then earlier)."""
    ranked = sorted((p for p in positions if p["agree"] > 0),
                    key=lambda p: (-p["agree"], p["disagree"], p["id"]))
    return [_brief(p) for p in ranked[:TOP]]


def most_contested(positions: list[dict]) -> list[dict]:
    """Positions with many agrees and many disagrees: ranked by min(agree, disagree), both ≥ 1."""
    ranked = sorted((p for p in positions if p["agree"] >= 1 and p["disagree"] >= 1),
                    key=lambda p: (-min(p["agree"], p["disagree"]),
                                   -(p["agree"] + p["disagree"]), p["id"]))
    return [_brief(p) for p in ranked[:TOP]]


def agreed_by_both(positions: list[dict]) -> list[dict]:
    """Positions that onsite and online reactors both agreed with (more agrees than disagrees in each)."""
    def agreed(side: dict) -> bool:
        return side["agree"] >= 1 and side["agree"] > side["disagree"]

    bridging = [p for p in positions
                if agreed(p["reactions_by_attendance"]["onsite"])
                and agreed(p["reactions_by_attendance"]["online"])]
    bridging.sort(key=lambda p: (-min(p["reactions_by_attendance"]["onsite"]["agree"],
                                      p["reactions_by_attendance"]["online"]["agree"]),
                                 -p["agree"], p["id"]))
    return [_brief(p) for p in bridging[:TOP]]


def duration_minutes(workshop: Workshop) -> int | None:
    if workshop.started_at is None or workshop.ended_at is None:
        return None
    return max(0, round((workshop.ended_at - workshop.started_at).total_seconds() / 60))


def igf_report(workshop: Workshop, document: dict) -> dict:
    """The IGF session report pre-filled from the stored results, plus the rapporteur's fields."""
    fields = rapporteur_fields(report_for(workshop))
    # Only names the rapporteur typed: organizers' log-in e-mails stay out of exports.
    moderators = fields["moderators"]
    when = workshop.started_at or workshop.created_at
    questions = []
    for prompt in document["prompts"]:
        visible = [p for p in prompt["positions"] if p["status"] == "visible"]
        questions.append({
            "prompt_id": prompt["id"],
            "order": prompt["order"],
            "text": prompt["text"],
            "votes_total": prompt["votes_total"],
            "voters": prompt["voters"],
            "options": prompt["options"],
            "positions_visible": len(visible),
            "most_agreed": most_agreed(visible),
            "most_contested": most_contested(visible),
            "agreed_by_both": agreed_by_both(visible),
        })
    record = document.get("session") or {}
    moderators = moderators or ", ".join(f"{name} ({attendance_label(desk)})"
                                         for desk, name in (record.get("moderators") or {}).items() if name)
    # The report's prose is in the language of the request (English from the command line); the
    # record's format is stored in English (workshops/record.py FORMATS) and translated here.
    stored_format = record.get("format")
    if not stored_format:
        session_format = gettext(SESSION_FORMAT)
    elif record.get("duration_minutes"):
        session_format = ngettext("%(format)s, %(num)d minute, hybrid", "%(format)s, %(num)d minutes, hybrid",
                                  record["duration_minutes"], format=gettext(stored_format))
    else:
        session_format = gettext(stored_format)
    return {
        "interventions": speaking_sentence(document["floor"]) if document.get("floor") else None,
        "session": {
            "title": workshop.title,
            "date": when.date().isoformat() if when else None,
            "format": session_format,
            "started_at": document["workshop"]["started_at"],
            "ended_at": document["workshop"]["ended_at"],
            "duration_minutes": duration_minutes(workshop),
            "moderators": moderators,
        },
        "participation": {**document["participants"], "countries": document["countries"]},
        "questions": questions,
        "moderation": document["moderation_log"],
        **fields,
    }
