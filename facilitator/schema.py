"""Bringing the database schema up to date (Alembic through Flask-Migrate)."""

from __future__ import annotations

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect

from .extensions import db


def _alembic_config(quiet: bool):
    config = current_app.extensions["migrate"].migrate.get_config()
    # migrations/env.py leaves logging alone when quiet (no INFO lines on the CLI).
    config.attributes["facilitator_quiet"] = quiet
    return config


def upgrade_database(quiet: bool = False) -> None:
    """Bring the schema up to the newest revision."""
    command.upgrade(_alembic_config(quiet), "head")


def ensure_schema() -> None:
    """Upgrade a database that is behind (or empty); leave one made by create_all() alone."""
    config = _alembic_config(quiet=True)
    head = ScriptDirectory.from_config(config).get_current_head()
    with db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        made_without_alembic = current is None and inspect(conn).has_table("workshops")
    if current != head and not made_without_alembic:
        command.upgrade(config, "head")
