"""The wheel carries everything `facilitator serve` needs, and serves from a fresh virtualenv.

Slow (it builds a wheel and installs it with its dependencies into a new
virtualenv), so it is marked e2e and runs once, in the SQLite pass.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from facilitator.static_files import minified

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(bool(os.environ.get("FACILITATOR_TEST_DATABASE_URL")),
                       reason="does not depend on the database; runs in the SQLite pass"),
]


def run(args, timeout, **kwargs):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                            timeout=timeout, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def clean_env(**extra) -> dict:
    """The environment without this test run's virtualenv or settings leaking in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FACILITATOR_", "FLASK_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", out, ROOT],
        timeout=300, env=clean_env(), cwd=out)
    wheels = list(out.glob("facilitator-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def repo_files(folder: str) -> set[str]:
    """Files of a top-level folder that git tracks or would track."""
    result = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", folder],
                            cwd=ROOT, capture_output=True, text=True, timeout=30)
    if result.returncode != 0:  # not a git checkout: take what is on disk
        return {str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    return {line for line in result.stdout.splitlines() if (ROOT / line).is_file()}


def test_wheel_contains_templates_static_and_migrations(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        scripts = archive.read(entry_points).decode()

    for required in ("facilitator/_data/templates/base.html",
                     "facilitator/_data/static/css/app.css",
                     "facilitator/_data/migrations/env.py",
                     "facilitator/_data/migrations/alembic.ini",
                     "facilitator/workshops/templates_data/igf-ai-copyright.json",
                     "facilitator/__init__.py",
                     "facilitator/cli.py",
                     *(f"facilitator/translations/{language}/LC_MESSAGES/messages.mo"
                       for language in ("fr", "es", "ar", "zh", "ru"))):
        assert required in names, required
    for folder in ("templates", "static", "migrations"):
        for path in repo_files(folder):
            assert f"facilitator/_data/{path}" in names, path
    assert any(n.startswith("facilitator/_data/migrations/versions/") and n.endswith(".py")
               for n in names)
    assert not any(n.startswith(("tests/", ".ci/", "instance/")) or "/__pycache__/" in n
                   for n in names)
    assert "facilitator = facilitator.launcher:main" in scripts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.headers.get_content_type(), response.read()


def test_installed_wheel_serves(wheel, tmp_path):
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], timeout=120, env=clean_env())
    python, script = venv / "bin" / "python", venv / "bin" / "facilitator"
    started = time.monotonic()
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel],
        timeout=300, env=clean_env(), cwd=tmp_path)
    install_seconds = time.monotonic() - started

    # The installed package is the wheel's, not this checkout.
    where = run([python, "-c", "import facilitator; print(facilitator.__file__)"],
                timeout=60, env=clean_env(), cwd=tmp_path).stdout.strip()
    assert where.startswith(str(venv)), where

    port = free_port()
    database = tmp_path / "served.sqlite3"
    env = clean_env(FACILITATOR_DATABASE_URL=f"sqlite:///{database}",
                    FACILITATOR_SECRET_KEY="packaging-test",
                    FACILITATOR_PUBLIC_URL=f"http://127.0.0.1:{port}")
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen([str(script), "serve", "--host", "127.0.0.1", "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"serve exited with {server.returncode}:\n{_read(log)}"
            try:
                status, _, body = fetch(base + "/healthz", timeout=2)
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            assert time.monotonic() < deadline, f"/healthz did not answer in 60 s:\n{_read(log)}"
            time.sleep(0.2)
        assert body == b"ok"

        status, kind, body = fetch(base + "/login")
        assert (status, kind) == (200, "text/html")
        assert b"<form" in body and b"csrf_token" in body

        # The compiled catalogs came with the wheel.
        status, kind, body = fetch(base + "/login?lang=fr")
        assert status == 200 and b'<html lang="fr"' in body and "Mot de passe".encode() in body

        status, kind, body = fetch(base + "/static/css/app.css")
        assert (status, kind) == (200, "text/css")
        # The style sheet of this checkout, as the server sends it (minified).
        assert body == minified("css/app.css", (ROOT / "static" / "css" / "app.css").read_bytes())

        # The schema came from the wheel's migrations.
        made = run([script, "create-workshop", "--title", "From the wheel", "--template",
                    "igf-ai-copyright", "--json"], timeout=60, env=env, cwd=tmp_path)
        data = json.loads(made.stdout)
        assert data["participant_url"] == f"{base}/j/{data['code']}"
        assert len(data["prompts"]) == 3
        checked = subprocess.run([str(script), "db", "check"], env=env, cwd=tmp_path,
                                 capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        log.close()
    assert install_seconds < 240, f"installing the wheel took {install_seconds:.0f} s"


def _read(log) -> str:
    log.flush()
    log.seek(0)
    return log.read()[-5000:]
