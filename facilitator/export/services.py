"""Use cases of the rapporteur: read and edit the report fields; the IGF pre-fill."""

from __future__ import annotations

from sqlalchemy import select

from ..db_types import utcnow
from ..errors import Invalid
from ..extensions import db
from ..workshops.models import Workshop
from ..floor.summary import speaking_sentence
from .models import ITEM_MAX_LENGTH, MAX_ITEMS, WorkshopReport

SESSION_FORMAT = "Round table, hybrid"
TOP = 3


def report_for(workshop: Workshop) -> WorkshopReport | None:
    """Return the workshop's stored report fields, or None before the first edit."""
    return db.session.scalar(select(WorkshopReport).where(WorkshopReport.workshop_id == workshop.id))


def _clean_items(items, label: str) -> list[str]:
    cleaned = [str(item).strip() for item in (items or []) if str(item or "").strip()]
    if len(cleaned) > MAX_ITEMS:
        raise Invalid(f"Give at most {MAX_ITEMS} {label}.")
    for item in cleaned:
        if len(item) > ITEM_MAX_LENGTH:
            raise Invalid(f"Each of the {label} may have at most {ITEM_MAX_LENGTH} characters.")
    return cleaned


def update_report(workshop: Workshop, *, key_takeaways, calls_to_action, summary: str,
                  gender_balance: str, moderators: str) -> WorkshopReport:
    """Store the rapporteur's fields (at most three takeaways and three calls to action)."""
    takeaways = _clean_items(key_takeaways, "key takeaways")
    calls = _clean_items(calls_to_action, "calls to action")
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
    moderators = moderators or ", ".join(f"{name} ({desk})" for desk, name in (record.get("moderators") or {}).items()
                                         if name)
    session_format = record.get("format") or SESSION_FORMAT
    if record.get("format") and record.get("duration_minutes"):
        session_format = f"{record['format']}, {record['duration_minutes']} minutes, hybrid"
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
