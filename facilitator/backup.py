"""`facilitator backup PATH`: a consistent copy of a live SQLite database.

SQLite's online backup API copies the database page by page while the server
keeps serving (readers and writers are not stopped; a write in the middle of
the copy makes the copy start again from a consistent point), so the copy is
a database as it was at one moment. PostgreSQL has pg_dump for this.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def backup_sqlite(source: str, target: Path) -> int:
    """Copy the SQLite database at `source` to `target`; return the size of the copy in bytes."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst, pages=1024)
        if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise RuntimeError("the copy does not pass SQLite's integrity check")
    finally:
        dst.close()
        src.close()
    return target.stat().st_size


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Write a consistent copy of the (live) SQLite database to PATH."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        safe = url.set(password="***") if url.password else url
        _fail(f"this is a {url.get_backend_name()} database: back it up with its own tool, e.g. "
              f"pg_dump --format=custom --file={path} '{safe.set(drivername='postgresql').render_as_string()}'")
    if not url.database or url.database == ":memory:":
        _fail("the database is in memory: there is nothing on disk to back up")
    source = Path(url.database)
    if not source.exists():
        _fail(f"there is no database at {source} yet")
    if path.exists() and not force:
        _fail(f"{path} exists; choose another path or give --force")
    if path.resolve() == source.resolve():
        _fail("the backup must not be the database itself")
    if path.exists():
        path.unlink()
    try:
        size = backup_sqlite(str(source), path)
    except (sqlite3.Error, OSError, RuntimeError) as exc:
        if path.exists():
            path.unlink()
        _fail(f"the backup failed: {exc}")
    click.echo(f"Backed up {source} to {path} ({size / 1024:.0f} KiB, integrity checked).")


def register(app: Flask) -> None:
    app.cli.add_command(backup_command)
