"""The application factory: configuration, extensions, blueprints, live infrastructure."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

from flask import Flask
from flask_babel import gettext
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from . import config, i18n, security
from .errors import N_
from .fields import ID_MAX
from .extensions import compress, csrf, db, login, migrate, socketio
from .sqlite_locks import busy_timeout_ms
from .static_files import StaticFiles

_PACKAGE = Path(__file__).resolve().parent


def _resource_dir(name: str) -> Path:
    """Top-level templates/, static/, migrations/: in the wheel under _data/, else beside the package."""
    bundled = _PACKAGE / "_data" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


MIGRATIONS_DIR = _resource_dir("migrations")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL, a busy timeout and foreign keys for SQLite connections."""
    if isinstance(dbapi_connection, sqlite3.Connection):  # ours (sqlite_locks.Connection) or plain
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")  # sqlite_locks.py
        cursor.close()


class IdConverter(IntegerConverter):
    """A database id in a URL; 0, negative or beyond the database's integers is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=ID_MAX)


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure a Facilitator application."""
    app = Flask(
        __name__,
        instance_path=config.instance_path(test_config),
        instance_relative_config=True,
        template_folder=str(_resource_dir("templates")),
        static_folder=str(_resource_dir("static")),
    )
    config.load(app, test_config)
    app.url_map.converters["id"] = IdConverter  # ids in URLs: 1 .. 2**31-1, else 404
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    compress.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    StaticFiles(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login.init_app(app)
    login.login_view = "accounts.login"
    login.login_message = N_("Please log in to continue.")
    login.localize_callback = gettext  # flashed in the page's language

    from .accounts.models import Organizer
    from .floor import models as _floor_models  # noqa: F401  (register tables)
    from .moderation import models as _moderation_models  # noqa: F401
    from .participation import models as _participation_models  # noqa: F401

    @login.user_loader
    def load_organizer(session_id: str):
        """The organizer of a login session, while its nonce is current (logout renews it)."""
        organizer_id, _, nonce = (session_id or "").partition(".")
        if not organizer_id.isdigit() or not nonce or len(organizer_id) > 18:
            return None
        organizer = db.session.get(Organizer, int(organizer_id))
        if organizer is None or not secrets.compare_digest(organizer.session_nonce, nonce):
            return None
        return organizer

    from .accounts.views import bp as accounts_bp
    from .core import bp as core_bp
    from .core import register_error_pages
    from .export.views import bp as export_bp
    from .floor.views import bp as floor_bp
    from .moderation.views import bp as moderation_bp
    from .participation.views import bp as participation_bp
    from .screen.views import bp as screen_bp
    from .workshops.views import bp as workshops_bp

    app.register_blueprint(core_bp)
    register_error_pages(app)
    from .participation.state import display_prompt, shown_results

    app.add_template_global(display_prompt)
    app.add_template_global(shown_results)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(workshops_bp)
    app.register_blueprint(export_bp)
    app.register_blueprint(participation_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(screen_bp)
    app.register_blueprint(floor_bp)

    _init_live(app)

    from . import cli

    cli.register(app)
    return app


def _init_live(app: Flask) -> None:
    """Bind Socket.IO, the coalescer and the rate limiter to the app."""
    from . import group_commit
    from .live.coalescer import Coalescer
    from .ratelimit import RateLimiter

    # Socket handlers must be registered before init_app.
    from .export import sockets as _export_sockets  # noqa: F401
    from .floor import broadcasts as floor_broadcasts
    from .floor import sockets as _floor_sockets  # noqa: F401
    from .moderation import sockets as _moderation_sockets  # noqa: F401
    from .participation import broadcasts
    from .participation import sockets as _participation_sockets  # noqa: F401

    from .live import fastjson

    socketio.init_app(
        app,
        json=fastjson,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["MESSAGE_QUEUE"],
        manage_session=True,  # the cookie session is read once per connection, not per event
        ping_interval=25,
        ping_timeout=20,
        max_http_buffer_size=64 * 1024,
    )
    if app.config["PROXY_COUNT"]:
        # After init_app, so Socket.IO connections see the client's address too.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    coalescer = Coalescer(app, socketio, app.config["RESULTS_INTERVAL"])
    app.extensions["facilitator.coalescer"] = coalescer
    app.extensions["facilitator.ratelimiter"] = RateLimiter(app)
    group_commit.init_app(app, socketio)  # joins, votes, positions, reactions: one commit per moment
    broadcasts.register(coalescer)
    floor_broadcasts.register(coalescer)
    from .opinion import live as opinion_live

    opinion_live.init_app(app)  # live opinion maps, recomputed in the background (CONTRACT §9)
