"""Fixtures for the scale-out tests: real PostgreSQL, real Redis, real server processes.

`.ci/test` starts both servers and exports FACILITATOR_TEST_PG_URL and
FACILITATOR_TEST_REDIS_URL; without them these tests skip.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from facilitator.bench.servers import ServerProcess, facilitator_command, free_port

PG_URL = os.environ.get("FACILITATOR_TEST_PG_URL")
REDIS_URL = os.environ.get("FACILITATOR_TEST_REDIS_URL")

needs_servers = pytest.mark.skipif(
    not (PG_URL and REDIS_URL), reason="needs FACILITATOR_TEST_PG_URL and FACILITATOR_TEST_REDIS_URL (.ci/test sets them)")


def driver_url(url: str):
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


@pytest.fixture
def pg_database():
    """A fresh, empty PostgreSQL database (a random name); dropped afterwards. Yields its URL."""
    if not PG_URL:
        pytest.skip("needs FACILITATOR_TEST_PG_URL")
    server = driver_url(PG_URL)
    name = f"facilitator_scaleout_{secrets.token_hex(5)}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def serve(tmp_path):
    """Start `facilitator serve` processes on free ports; stop them (by pid) afterwards."""
    started: list[ServerProcess] = []

    def start(env: dict, name: str) -> ServerProcess:
        port = free_port()
        server = ServerProcess(name, facilitator_command() + ["serve", "--port", str(port)],
                               env, port, tmp_path / f"{name}.log")
        started.append(server)
        server.wait_ready("/healthz", timeout=60)
        return server

    yield start
    for server in started:
        server.stop(timeout=10)


def server_env(database_url: str, redis_url: str | None, instance_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    env.update(FACILITATOR_DATABASE_URL=database_url, FACILITATOR_SECRET_KEY="scale-out-test",
               FACILITATOR_ASYNC_MODE="gevent", FACILITATOR_INSTANCE_PATH=str(instance_path))
    if redis_url:
        env["FACILITATOR_MESSAGE_QUEUE"] = redis_url
    return env


def run_cli(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(facilitator_command() + list(args), env=env, capture_output=True, text=True,
                          timeout=timeout)


def create_workshop(env: dict) -> dict:
    out = run_cli(env, "create-workshop", "--title", "Scale-out", "--template", "igf-ai-copyright", "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
