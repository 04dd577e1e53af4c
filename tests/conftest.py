"""Shared fixtures: an app with a fresh database per test, clients, factories.

The suite runs on SQLite by default and on PostgreSQL when
FACILITATOR_TEST_DATABASE_URL is set (CI sets it for a second pass).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from facilitator import create_app
from facilitator.extensions import db, socketio
from facilitator.live import NAMESPACE

PG_URL = os.environ.get("FACILITATOR_TEST_DATABASE_URL")
ORGANIZER_PASSWORD = "correct horse battery"


def _reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


CHECKOUT = Path(__file__).resolve().parents[1]


def _untracked() -> set[str] | None:
    """Files git would show as new in the checkout (ignored ones such as test-artifacts/ excluded)."""
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=CHECKOUT,
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return {line[3:] for line in out.stdout.splitlines() if line.startswith("??")} if out.returncode == 0 else None


def pytest_sessionstart(session):
    session.config._untracked_before = _untracked()


def pytest_sessionfinish(session, exitstatus):
    """The suite writes nothing into the checkout: every file goes to a temporary folder."""
    before = getattr(session.config, "_untracked_before", None)
    after = _untracked()
    if before is None or after is None:
        return
    new = sorted(after - before)
    if new:
        session.config.get_terminal_writer().line(
            "The test run left new files in the checkout: " + ", ".join(new), red=True)
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    """Print what the tests measured (tests/figures.py), so CI shows the figures."""
    from figures import LINES

    if LINES:
        terminalreporter.section("measured figures")
        for line in LINES:
            terminalreporter.line(line)


def make_app(tmp_path, fresh=True, **overrides):
    """An app on a fresh database (`fresh=False`: on the current one, as a second server process would)."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": PG_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),  # never the checkout's instance/
        "PUBLIC_URL": "http://testserver",
        "ASYNC_MODE": "threading",
        "WTF_CSRF_ENABLED": False,
        "RESULTS_INTERVAL": 0.05,
        "RATE_LIMIT_WRITES": "1000/10second",
        "RATE_LIMIT_JOIN": "1000/minute",
        "RATE_LIMIT_LOOKUP": "1000/minute",
        "RATE_LIMIT_CONNECT": "10000/minute",
        "RATE_LIMIT_STATE": "1000/10second",
        "RATE_LIMIT_LOGIN": "1000/minute",
        "RATE_LIMIT_LOGIN_ACCOUNT": "1000/minute",
    }
    config.update(overrides)
    if PG_URL and fresh:
        _reset_postgres(PG_URL)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


def _stop_background(app) -> None:
    """Stop an app's background work: the results coalescer, and the opinion maps' task and analysis
    process (on PostgreSQL a recompute still reading would deadlock with the next test's schema reset)."""
    coalescer = app.extensions.get("facilitator.coalescer")
    if coalescer is not None:
        coalescer.stop()
    opinion = app.extensions.get("facilitator.opinion")
    if opinion is not None:
        opinion.stop()


@pytest.fixture(autouse=True)
def _close_every_app():
    """After each test, stop the coalescer and close the connections of every app it made.

    A safety net for apps built ad hoc with make_app() rather than through the
    `app` fixture: on PostgreSQL their pooled connections would otherwise be
    garbage-collected while open, and the ResourceWarning (an error here)
    would fail whichever later test happened to be running.
    """
    yield
    for app, engines in list(db._app_engines.items()):
        _stop_background(app)
        for engine in engines.values():
            engine.dispose()


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    yield app
    _stop_background(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def csrf_app(tmp_path):
    """An app with CSRF protection on, as in production."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    yield app
    _stop_background(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An app context for tests that call services directly."""
    with app.app_context():
        yield


@pytest.fixture
def organizer(app):
    from facilitator.accounts.services import create_organizer

    with app.app_context():
        org = create_organizer("moderator@example.org", ORGANIZER_PASSWORD)
        db.session.commit()
        return org.id


@pytest.fixture
def make_workshop(app):
    """Create a workshop; return a dict with code, id, moderator_token and prompt ids."""
    from facilitator.workshops.services import create_workshop, describe

    def factory(template="igf-ai-copyright", organizer_id=None, **kwargs):
        with app.app_context():
            from facilitator.accounts.models import Organizer

            org = db.session.get(Organizer, organizer_id) if organizer_id else None
            workshop, token = create_workshop(kwargs.pop("title", "Test workshop"),
                                              template=template, organizer=org, **kwargs)
            db.session.commit()
            return describe(workshop, token)

    return factory


@pytest.fixture
def workshop(make_workshop, organizer):
    """The IGF template workshop owned by the `organizer` fixture."""
    return make_workshop(organizer_id=organizer)


@pytest.fixture
def live(app, client):
    """Connect a Socket.IO test client to /live: live(auth) -> client."""
    clients = []

    def connect(auth, flask_client=None):
        c = socketio.test_client(app, namespace=NAMESPACE, auth=auth,
                                 flask_test_client=flask_client or app.test_client())
        clients.append(c)
        return c

    yield connect
    for c in clients:
        if c.is_connected(NAMESPACE):
            c.disconnect(NAMESPACE)


def login(client, email="moderator@example.org", password=ORGANIZER_PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def export_of(app):
    """export_of(code, fmt) -> bytes, through the same writer as the CLI and downloads."""
    import io

    from facilitator.export.formats import write_export
    from facilitator.workshops.services import find_workshop

    def run(code, fmt):
        buf = io.BytesIO()
        with app.app_context():
            write_export(find_workshop(code), fmt, buf)
        return buf.getvalue()

    return run
