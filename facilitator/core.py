"""Pages that belong to no area: the home page, the health check, the favicon and error pages."""

from flask import (Blueprint, Flask, Response, abort, current_app, g, make_response, redirect, render_template,
                   request, url_for)
from flask_babel import lazy_gettext
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from .extensions import db
from .errors import RateLimited
from .ratelimit import hit
from .workshops.models import normalise_code
from .workshops.services import find_workshop

bp = Blueprint("core", __name__)

#: What each error page says, in a sentence a participant can act on.
ERROR_PAGES = {
    400: (lazy_gettext("That request could not be understood"),
          lazy_gettext("Go back, check what you entered and try again.")),
    403: (lazy_gettext("Not allowed"),
          lazy_gettext("This page is for the workshop's moderators. Ask the organizer for a link.")),
    404: (lazy_gettext("Page not found"),
          lazy_gettext("Check the address, or enter the join code shown on the screen in the room.")),
    405: (lazy_gettext("Not allowed"), lazy_gettext("That page cannot be used this way.")),
    413: (lazy_gettext("Too much at once"), lazy_gettext("What you sent is too large. Shorten it and try again.")),
    429: (lazy_gettext("Please wait a moment"),
          lazy_gettext("There were too many attempts from your network. Wait a minute, then try again.")),
    500: (lazy_gettext("Something went wrong"), lazy_gettext("Nothing was changed. Please try again in a moment.")),
}


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


#: Scripts a page loads only when it needs them, and whose translations it fetches with them.
LATE_SCRIPTS = frozenset({"opinion"})


@bp.get("/i18n/<script>.json")
def script_translations(script: str):
    """The translations of a script loaded later (the phone's opinion map, loaded once a moderator
    shows one) in the page's language (`?lang=`), as the page's `messages` block has them for the
    scripts it starts with: the first visit does not carry them."""
    from .i18n import js_messages

    if script not in LATE_SCRIPTS:
        abort(404)
    response = current_app.json.response(js_messages((script,)))
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.vary.add("Accept-Language")
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on their own; answer with the small icon, cached for a week."""
    response = current_app.extensions["facilitator.static"].view("favicon.ico")
    response.cache_control.no_cache = None
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response


def error_page(status: int, unknown_code: str | None = None) -> Response:
    """A styled error page; an unknown join code gets a form to try another one."""
    title, sentence = ERROR_PAGES.get(status, ERROR_PAGES[500] if status >= 500 else ERROR_PAGES[400])
    response = make_response(render_template("core/error.html", status=status, title=str(title),
                                             sentence=str(sentence), unknown_code=unknown_code), status)
    if status == 429:
        response.headers["Retry-After"] = "60"
    return response


def workshop_or_404(code: str):
    """The workshop of a code in a page's URL; a page to try another code (404), or 429 once an
    address has guessed too many: guessing codes is limited on every path that takes one."""
    workshop = find_workshop(code)
    if workshop is None:
        try:
            hit("lookup", request.remote_addr or "unknown")
        except RateLimited:
            abort(error_page(429))
        abort(error_page(404, unknown_code=normalise_code(code)[:12]))
    g.workshop_language = workshop.language  # the page's language when nothing else chose one
    return workshop


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        return error_page(exc.code)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        db.session.rollback()
        app.logger.exception("request failed: %s %s", request.method, request.path)
        return error_page(500)
