"""Summary page, downloads and archive (moderators and organizers only)."""

from __future__ import annotations

import io
from contextlib import nullcontext

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..errors import DomainError
from ..security import CSP_DOCUMENT
from ..extensions import db
from ..participation.connection import SESSION_MODERATOR_TOKENS, keep_token, staff_identity
from ..workshops.roles import link_for_token
from ..participation.models import Participant
from ..workshops.models import Workshop
from ..core import error_page, workshop_or_404
from ..errors import RateLimited
from ..ratelimit import hit
from . import models as _models  # noqa: F401  (register the report table with create_app)
from .document import build_document
from .formats import FORMATS, SHOWN_STATUSES, filename, report_helpers, write_export
from .forms import ReportForm
from .services import report_for, update_report

bp = Blueprint("export", __name__)


def moderated_workshop(code: str):
    """Return the workshop if the browser is one of its moderators; else refuse (never the data)."""
    workshop = workshop_or_404(code)
    token = request.args.get("token")
    if token and link_for_token(workshop.id, token) is None:
        try:
            hit("lookup", request.remote_addr or "unknown")
        except RateLimited:
            abort(error_page(429))
    elif token:
        keep_token(SESSION_MODERATOR_TOKENS, workshop.code, token)
        return workshop, redirect(request.base_url)  # drop the token from the address bar
    if staff_identity(workshop, None) is None:  # moderators and the rapporteur
        if not current_user.is_authenticated:
            return workshop, redirect(url_for("accounts.login", next=request.path))
        abort(403)
    return workshop, None


def _report_form(workshop: Workshop) -> ReportForm:
    report = report_for(workshop)
    if request.method == "POST" or report is None:
        return ReportForm()
    return ReportForm(data={
        "key_takeaways": list(report.key_takeaways or []),
        "calls_to_action": list(report.calls_to_action or []),
        "summary": report.summary, "gender_balance": report.gender_balance,
        "moderators": report.moderators,
    })


@bp.route("/w/<code>/summary", methods=["GET", "POST"])
def summary(code: str):
    """Show the pre-filled session report, the rapporteur's form and the downloads."""
    workshop, refused = moderated_workshop(code)
    if refused is not None:
        return refused
    form = _report_form(workshop)
    if form.validate_on_submit():
        try:
            update_report(workshop, key_takeaways=form.key_takeaways.data,
                          calls_to_action=form.calls_to_action.data, summary=form.summary.data,
                          gender_balance=form.gender_balance.data, moderators=form.moderators.data)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.translated(), "error")
        else:
            flash(_("Report saved."), "info")
            if request.form.get("next") == "console":  # the rapporteur's form on the live page
                return redirect(url_for("moderation.console", code=workshop.code) + "#report")
            return redirect(url_for("export.summary", code=workshop.code))
    status = 400 if form.is_submitted() and form.errors else 200
    doc = build_document(workshop, SHOWN_STATUSES)
    return render_template("export/summary.html", workshop=workshop, doc=doc, form=form,
                           formats=FORMATS, **report_helpers()), status


@bp.get("/w/<code>/export.<fmt>")
def download(code: str, fmt: str):
    """Download the export in one of the four formats."""
    if fmt not in FORMATS:
        abort(404)
    workshop, refused = moderated_workshop(code)
    if refused is not None:
        return refused
    buffer = io.BytesIO()  # about 1 MB for 5,000 participants and 1,500 positions
    # Documents for people (HTML, Markdown) are in the page's language; data files (JSON, CSV)
    # are the same whoever downloads them, as from the command line: English prose.
    with force_locale("en") if fmt in ("json", "csv") else nullcontext():
        write_export(workshop, fmt, buffer)
    buffer.seek(0)
    response = send_file(buffer, mimetype=FORMATS[fmt].mimetype, as_attachment=fmt != "html",
                         download_name=filename(workshop, fmt))
    response.headers["Cache-Control"] = "no-store"
    if fmt == "html":  # a self-contained document: its own inline styles, nothing else
        response.headers["Content-Security-Policy"] = CSP_DOCUMENT
    return response


@bp.get("/workshops/archive")
@login_required
def archive():
    """The organizer's past workshops with date, participation and status."""
    totals = (select(Participant.workshop_id, func.count().label("total"))
              .group_by(Participant.workshop_id).subquery())
    rows = db.session.execute(
        select(Workshop, func.coalesce(totals.c.total, 0))
        .outerjoin(totals, totals.c.workshop_id == Workshop.id)
        .where(Workshop.organizer_id == current_user.id, Workshop.status != "draft")
        .order_by(func.coalesce(Workshop.started_at, Workshop.created_at).desc(), Workshop.id.desc())
    ).all()
    return render_template("export/archive.html", rows=rows, formats=FORMATS)
