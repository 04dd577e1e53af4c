"""Pages that belong to no area: the home page and the health check."""

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import text

from .extensions import db
from .workshops.models import normalise_code

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    """Answer 200 when the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        return "database unavailable", 503, {"Content-Type": "text/plain"}
    return "ok", 200, {"Content-Type": "text/plain"}


@bp.get("/")
def home():
    """Let a participant type a join code; send organizers to their workshops."""
    code = request.args.get("code")
    if code:
        return redirect(url_for("participation.join", code=normalise_code(code)))
    return render_template("core/home.html")
