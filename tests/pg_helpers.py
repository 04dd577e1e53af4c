"""PostgreSQL for tests: find the test server, make a throwaway database on it.

`.ci/test` starts a PostgreSQL server and exports FACILITATOR_TEST_PG_URL
(for tests that need a server database of their own, in every pass) and,
for the PostgreSQL pass, FACILITATOR_TEST_DATABASE_URL (the database that
conftest resets before each test). Tests that need PostgreSQL skip when
neither is set, except under CI, where they fail: CI must not skip them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def server_url() -> str | None:
    """The URL of a PostgreSQL database on the test server, if there is one."""
    return os.environ.get("FACILITATOR_TEST_PG_URL") or os.environ.get("FACILITATOR_TEST_DATABASE_URL")


def require_server() -> str:
    """Return the test server's URL; skip (fail under CI) when there is none."""
    url = server_url()
    if url:
        return url
    message = "no PostgreSQL test server (set FACILITATOR_TEST_PG_URL; `bash .ci/test` does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def sqlalchemy_url(url: str):
    """url as SQLAlchemy needs it: postgresql:// goes through psycopg 3, as in the app."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


@contextmanager
def temporary_database(url: str) -> Iterator[str]:
    """Create an empty database on url's server; yield its postgresql:// URL; drop it."""
    server = sqlalchemy_url(url)
    name = f"facilitator_tmp_{secrets.token_hex(6)}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
