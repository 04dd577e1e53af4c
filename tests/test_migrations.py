"""Migrations: `db upgrade` from empty works and matches the models, on SQLite and PostgreSQL.

Alembic runs in a subprocess (`flask --app facilitator db ...`), as an
operator would run it; its env.py reconfigures logging, which must not
happen inside the test process. The comparison with the models then runs
here, through Alembic's autogenerate API, so a drift is shown in full.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from facilitator import create_app
from facilitator.app import MIGRATIONS_DIR
from facilitator.extensions import db

from pg_helpers import require_server, sqlalchemy_url, temporary_database

TABLES = {"organizers", "workshops", "prompts", "options", "participants", "votes",
          "vote_choices", "positions", "reactions", "moderation_log"}


def flask_db(url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `flask --app facilitator db ARGS` against the database at url."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    env.update({"FACILITATOR_DATABASE_URL": url, "FACILITATOR_ASYNC_MODE": "threading",
                "FACILITATOR_SECRET_KEY": "migrations-test"})
    env.pop("FLASK_APP", None)
    flask = Path(sys.executable).parent / "flask"
    return subprocess.run([str(flask), "--app", "facilitator", "db", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def model_metadata():
    create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "ASYNC_MODE": "threading"})  # imports every model module
    return db.metadata


def drift(url: str) -> list:
    """Differences between the migrated database and the models (empty when they agree)."""
    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "render_as_batch": True})
            return compare_metadata(context, model_metadata())
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(sqlalchemy_url(url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def head_revision() -> str:
    heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
    assert len(heads) == 1, f"the migrations have several heads: {heads}"
    return heads[0]


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def check_upgrade_from_empty(url: str) -> None:
    ok(flask_db(url, "upgrade"))
    assert TABLES | {"alembic_version"} <= tables(url)
    assert drift(url) == []
    assert "No new upgrade operations detected" in ok(flask_db(url, "check"))
    assert stamped_revision(url) == head_revision()

    # Downgrading to base removes every table, and the way back up works from there.
    ok(flask_db(url, "downgrade", "base"))
    assert tables(url) & TABLES == set()
    ok(flask_db(url, "upgrade"))
    assert drift(url) == []


def stamped_revision(url: str) -> str:
    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An SQLite file brought to head by `flask db upgrade` (copy it before changing it)."""
    path = tmp_path_factory.mktemp("migrated") / "head.sqlite3"
    ok(flask_db(f"sqlite:///{path}", "upgrade"))
    return path


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy an SQLite database, including what is still in its write-ahead log."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def test_one_head_and_documented_revisions():
    script = ScriptDirectory.from_config(_alembic_config())
    assert script.get_heads() == [head_revision()]
    for revision in script.walk_revisions():
        assert revision.doc and revision.doc.strip(), f"revision {revision.revision} has no message"


def test_upgrade_from_empty_on_sqlite(tmp_path):
    check_upgrade_from_empty(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")


def test_upgrade_from_empty_on_postgresql():
    with temporary_database(require_server()) as url:
        check_upgrade_from_empty(url)


def test_drift_is_detected(tmp_path, migrated_sqlite):
    """The comparison is not vacuous: a database missing an index differs from the models."""
    path = tmp_path / "drifted.sqlite3"
    copy_sqlite(migrated_sqlite, path)
    url = f"sqlite:///{path}"
    assert drift(url) == []
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_reactions_position_value"))
    engine.dispose()
    differences = drift(url)
    assert any("ix_reactions_position_value" in repr(d) for d in differences), differences
    assert flask_db(url, "check").returncode != 0


def test_migrations_and_create_all_build_the_same_schema(tmp_path, migrated_sqlite):
    """The schema from the migrations and from db.create_all() (used by the test fixtures) agree."""
    created = f"sqlite:///{tmp_path / 'created.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": created,
                      "ASYNC_MODE": "threading"})
    with app.app_context():
        db.create_all()
        db.engine.dispose()

    def shape(url):
        engine = create_engine(url)
        inspector = inspect(engine)
        result = {}
        for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
            result[table] = {
                "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
                "pk": inspector.get_pk_constraint(table)["constrained_columns"],
                "fks": sorted((tuple(fk["constrained_columns"]), fk["referred_table"],
                               tuple(fk["referred_columns"]), (fk.get("options") or {}).get("ondelete"))
                              for fk in inspector.get_foreign_keys(table)),
                "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
                "checks": sorted(c["name"] for c in inspector.get_check_constraints(table)),
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                  for i in inspector.get_indexes(table)),
            }
        engine.dispose()
        return result

    assert shape(f"sqlite:///{migrated_sqlite}") == shape(created)
