"""update_report: the rapporteur (or a moderator) saves the report's fields as they type (an addition)."""

from __future__ import annotations

from ..extensions import db
from ..participation.events import live_event, validated
from ..participation.state import Identity
from ..workshops.models import Workshop
from .forms import UpdateReportForm
from .services import rapporteur_fields, report_for, update_report

FIELDS = ("key_takeaways", "calls_to_action", "summary", "gender_balance", "moderators")


@live_event("update_report", role="staff")
def on_update_report(identity: Identity, payload: dict):
    form = validated(UpdateReportForm, payload)
    workshop = db.session.get(Workshop, identity.workshop_id)
    fields = rapporteur_fields(report_for(workshop))
    for name in FIELDS:
        if name in payload:
            fields[name] = getattr(form, name).data
    report = update_report(workshop, **{name: fields[name] for name in FIELDS})
    db.session.commit()
    return {"ok": True, "updated_at": report.updated_at.isoformat()}
