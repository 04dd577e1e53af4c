"""`facilitator backup PATH`: a consistent copy of a live SQLite database."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="backs up SQLite; the PostgreSQL pass uses pg_dump")


def test_backup_while_the_database_is_written(app, runner, workshop, tmp_path):
    from facilitator.extensions import db
    from facilitator.participation.services import join
    from facilitator.workshops.services import find_workshop

    stop = threading.Event()

    def writer():
        with app.app_context():
            w = find_workshop(workshop["code"])
            while not stop.is_set():
                join(w, "online")
                db.session.commit()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert "integrity checked" in result.output
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT code FROM workshops").fetchall() == [(workshop["code"],)]
    assert copy.execute("SELECT count(*) FROM participants").fetchone()[0] >= 0
    copy.close()
    again = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
    assert again.exit_code == 1 and "exists" in again.stderr


def test_backup_of_postgresql_says_pg_dump(tmp_path):
    from facilitator import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://user:secret@db.example/facilitator",
                      "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x", "ASYNC_MODE": "threading"})
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.dump")])
    assert result.exit_code == 1
    assert "pg_dump --format=custom" in result.stderr and "secret" not in result.stderr
