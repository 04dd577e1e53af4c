"""Log in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from ..errors import RateLimited
from ..extensions import db
from ..ratelimit import limiter
from .forms import LoginForm, LogoutForm
from .services import authenticate, end_sessions, normalise_login

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("workshops.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log an organizer in; attempts are limited per network address and per account."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        account = normalise_login(form.email.data)
        try:
            limiter().check("login_account", account)
            limiter().hit("login", request.remote_addr or "unknown")
        except RateLimited as exc:
            minutes = max(1, round((exc.retry_after or 60) / 60))
            flash(ngettext("Too many log-in attempts. Try again in %(num)d minute.",
                           "Too many log-in attempts. Try again in %(num)d minutes.", minutes), "error")
            response = render_template("accounts/login.html", form=form), 429
            return response[0], 429, {"Retry-After": str(exc.retry_after or 60)}
        organizer = authenticate(form.email.data, form.password.data)
        if organizer is not None:
            login_user(organizer)
            return redirect(_safe_next(request.args.get("next")))
        limiter().hit_quietly("login_account", account)
        flash(_("Wrong e-mail or password."), "error")
        status = 400
    elif form.is_submitted():
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Log the organizer out, here and everywhere else (the session ends on the server too)."""
    if LogoutForm().validate_on_submit():
        if current_user.is_authenticated:
            end_sessions(current_user._get_current_object())
            db.session.commit()
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))
