"""The command line (CONTRACT §1): create-organizer and create-workshop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from facilitator.accounts.models import Organizer
from facilitator.extensions import db
from facilitator.workshops.models import CODE_ALPHABET, RoleLink, Workshop, hash_token

IGF_PROMPTS = [
    "Is there a policy interest in protecting works generated autonomously by machines? "
    "Do they deserve protection?",
    "Where AI and humans create together, what kind of human intervention can be considered "
    "\"creative\" (beyond turning on the PC)?",
    "Training AI ingests creative works. Does this require prior clearance from the "
    "right-holders, or is it a legitimate use within copyright flexibilities?",
]
PASSWORD = "a long enough secret"


def invoke(runner, *args, input=None):
    return runner.invoke(args=list(args), input=input)


def assert_one_line_error(result, *fragments):
    """Exit status 1, nothing on stdout, one line on stderr, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


# -- create-organizer ---------------------------------------------------------------


def test_create_organizer_prints_id_and_email(app, runner):
    result = invoke(runner, "create-organizer", "--email", "Chair@Example.org",
                    "--password-stdin", "--json", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"id", "email"}
    assert data["email"] == "chair@example.org"
    with app.app_context():
        organizer = db.session.get(Organizer, data["id"])
        assert organizer.email == "chair@example.org"
        assert organizer.check_password(PASSWORD)


def test_create_organizer_without_json_prints_a_sentence(runner):
    result = invoke(runner, "create-organizer", "--email", "chair@example.org",
                    "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "chair@example.org" in result.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)


def test_create_organizer_keeps_spaces_inside_the_password(app, runner):
    result = invoke(runner, "create-organizer", "--email", "chair@example.org",
                    "--password-stdin", "--json", input="  spaced out words  \r\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(select(Organizer)).one().check_password("  spaced out words  ")


def test_duplicate_organizer_is_refused(app, runner):
    first = invoke(runner, "create-organizer", "--email", "chair@example.org",
                   "--password-stdin", "--json", input=PASSWORD + "\n")
    assert first.exit_code == 0
    again = invoke(runner, "create-organizer", "--email", "CHAIR@example.org",
                   "--password-stdin", "--json", input="another long secret\n")
    assert_one_line_error(again, "already exists")
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Organizer)) == 1
        assert db.session.scalars(select(Organizer)).one().check_password(PASSWORD)


@pytest.mark.parametrize("password", ["", "   ", "short", "aaaaaaaaaaaaaaa"])
def test_weak_or_empty_password_is_refused(app, runner, password):
    result = invoke(runner, "create-organizer", "--email", "chair@example.org",
                    "--password-stdin", "--json", input=password + "\n")
    assert_one_line_error(result, "password")
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Organizer)) == 0


def test_password_on_empty_stdin_is_refused(runner):
    result = invoke(runner, "create-organizer", "--email", "chair@example.org",
                    "--password-stdin", input="")
    assert_one_line_error(result, "password")


@pytest.mark.parametrize("email", ["not-an-email", "@example.org", "chair@localhost", "a b@example.org"])
def test_bad_email_is_refused(app, runner, email):
    result = invoke(runner, "create-organizer", "--email", email,
                    "--password-stdin", "--json", input=PASSWORD + "\n")
    assert_one_line_error(result, "e-mail")
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Organizer)) == 0


# -- create-workshop ----------------------------------------------------------------


def create_workshop(runner, *extra):
    result = invoke(runner, "create-workshop", "--title", "Creativity and generative AI",
                    "--template", "igf-ai-copyright", "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_create_workshop_prints_the_contract_object(app, runner):
    data = create_workshop(runner)

    assert list(data) == ["id", "code", "title", "participant_url", "moderator_url",
                          "moderator_token", "prompts"]
    assert isinstance(data["id"], int)
    assert data["title"] == "Creativity and generative AI"
    code = data["code"]
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    # The test app's FACILITATOR_PUBLIC_URL is http://testserver.
    assert data["participant_url"] == f"http://testserver/j/{code}"
    assert data["moderator_url"] == f"http://testserver/m/{code}"
    assert isinstance(data["moderator_token"], str) and len(data["moderator_token"]) >= 32

    prompts = data["prompts"]
    assert [p["text"] for p in prompts] == IGF_PROMPTS
    assert [p["order"] for p in prompts] == [1, 2, 3]
    assert [p["kind"] for p in prompts] == ["single", "multiple", "single"]
    option_ids = []
    for prompt in prompts:
        assert set(prompt) == {"id", "order", "text", "kind", "options"}
        assert isinstance(prompt["id"], int)
        assert len(prompt["options"]) >= 2
        for option in prompt["options"]:
            assert set(option) == {"id", "label"}
            assert isinstance(option["id"], int) and option["label"].strip()
            option_ids.append(option["id"])
    assert len(set(option_ids)) == len(option_ids)

    with app.app_context():
        workshop = db.session.get(Workshop, data["id"])
        assert workshop.code == code
        assert workshop.status == "draft"
        assert workshop.moderation == "post"
        assert workshop.position_max_length == 500
        assert workshop.template == "igf-ai-copyright"
        assert workshop.organizer_id is None
        links = db.session.scalars(select(RoleLink).where(RoleLink.workshop_id == workshop.id)).all()
        assert [(link.role, link.desk, link.token_hash) for link in links] == [
            ("moderator", "onsite", hash_token(data["moderator_token"]))]  # an onsite moderator's link
        assert [p.id for p in workshop.prompts] == [p["id"] for p in prompts]


def test_create_workshop_without_template_has_no_prompts(runner):
    result = invoke(runner, "create-workshop", "--title", "Open floor", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["prompts"] == []
    assert data["title"] == "Open floor"


def test_create_workshop_without_json_prints_code_urls_and_token(app, runner):
    result = invoke(runner, "create-workshop", "--title", "Plain", "--template", "igf-ai-copyright")
    assert result.exit_code == 0, result.output
    with app.app_context():
        workshop = db.session.scalars(select(Workshop)).one()
    assert workshop.code in result.stdout
    assert f"http://testserver/j/{workshop.code}" in result.stdout
    assert f"http://testserver/m/{workshop.code}" in result.stdout


def test_create_workshop_options(app, runner):
    data = create_workshop(runner, "--moderation", "pre", "--position-max-length", "280")
    with app.app_context():
        workshop = db.session.get(Workshop, data["id"])
        assert workshop.moderation == "pre"
        assert workshop.position_max_length == 280


def test_create_workshop_for_an_organizer(app, runner, organizer):
    data = create_workshop(runner, "--organizer", "Moderator@Example.org")
    with app.app_context():
        assert db.session.get(Workshop, data["id"]).organizer_id == organizer


def test_unknown_template_is_refused(app, runner):
    result = invoke(runner, "create-workshop", "--title", "T", "--template", "no-such-agenda", "--json")
    assert_one_line_error(result, "no-such-agenda")
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Workshop)) == 0


def test_unknown_organizer_is_refused(app, runner):
    result = invoke(runner, "create-workshop", "--title", "T", "--organizer", "nobody@example.org",
                    "--json")
    assert_one_line_error(result, "nobody@example.org")
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Workshop)) == 0


@pytest.mark.parametrize("args", [
    ("--title", "   "),
    ("--title", "T", "--position-max-length", "0"),
    ("--title", "T", "--position-max-length", "5001"),
])
def test_invalid_workshop_settings_are_refused(app, runner, args):
    result = invoke(runner, "create-workshop", *args, "--json")
    assert_one_line_error(result)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Workshop)) == 0


def test_bad_moderation_mode_is_a_usage_error(runner):
    result = invoke(runner, "create-workshop", "--title", "T", "--moderation", "never")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_template_from_the_instance_folder(app, runner):
    """Templates are data: a JSON file in instance/templates/ adds one without code."""
    folder = Path(app.instance_path) / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wipo-slot.json").write_text(json.dumps({
        "name": "wipo-slot",
        "title": "WIPO consultation slot",
        "prompts": [{"text": "Should text and data mining be remunerated?", "kind": "single",
                     "options": ["Yes", "No"]}],
    }), encoding="utf-8")
    data = create_workshop_with(runner, "wipo-slot")
    assert [p["text"] for p in data["prompts"]] == ["Should text and data mining be remunerated?"]
    assert [o["label"] for o in data["prompts"][0]["options"]] == ["Yes", "No"]


def create_workshop_with(runner, template):
    result = invoke(runner, "create-workshop", "--title", "From file", "--template", template, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- the real console script --------------------------------------------------------


def console_script() -> Path:
    """The `facilitator` script installed beside the interpreter running the tests."""
    script = Path(sys.executable).parent / "facilitator"
    if not script.exists():
        pytest.skip("the facilitator console script is not installed beside this Python")
    return script


def run_script(*args, env, input=None, timeout=60):
    return subprocess.run([str(console_script()), *args], env=env, input=input,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def script_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    env.update({
        "FACILITATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "FACILITATOR_SECRET_KEY": "cli-test",
        "FACILITATOR_PUBLIC_URL": "https://workshops.example.org:8443/",
        "FACILITATOR_ASYNC_MODE": "threading",
        "FACILITATOR_INSTANCE_PATH": str(tmp_path / "instance"),
    })
    env.pop("FLASK_APP", None)
    return env


def test_console_script_end_to_end(script_env):
    upgraded = run_script("db", "upgrade", env=script_env)
    assert upgraded.returncode == 0, upgraded.stderr

    made = run_script("create-organizer", "--email", "chair@example.org", "--password-stdin",
                      "--json", env=script_env, input=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout) == {"id": 1, "email": "chair@example.org"}

    created = run_script("create-workshop", "--title", "IGF 2023 Open Forum #104",
                         "--template", "igf-ai-copyright", "--organizer", "chair@example.org",
                         "--json", env=script_env)
    assert created.returncode == 0, created.stderr
    data = json.loads(created.stdout)
    code = data["code"]
    # FACILITATOR_PUBLIC_URL, trailing slash dropped.
    assert data["participant_url"] == f"https://workshops.example.org:8443/j/{code}"
    assert data["moderator_url"] == f"https://workshops.example.org:8443/m/{code}"
    assert [p["text"] for p in data["prompts"]] == IGF_PROMPTS
    assert data["prompts"][1]["kind"] == "multiple"

    missing = run_script("create-workshop", "--title", "T", "--organizer", "nobody@example.org",
                         "--json", env=script_env)
    assert missing.returncode == 1
    assert missing.stdout == ""
    assert len(missing.stderr.strip().splitlines()) == 1
    assert "Traceback" not in missing.stderr

    duplicate = run_script("create-organizer", "--email", "chair@example.org", "--password-stdin",
                           env=script_env, input=PASSWORD + "\n")
    assert duplicate.returncode == 1
    assert len(duplicate.stderr.strip().splitlines()) == 1

    checked = run_script("db", "check", env=script_env)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_flask_cli_reaches_the_same_commands(script_env):
    flask = Path(sys.executable).parent / "flask"
    if not flask.exists():
        pytest.skip("flask is not installed beside this Python")
    result = subprocess.run([str(flask), "--app", "facilitator", "--help"], env=script_env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for command in ("serve", "create-organizer", "create-workshop", "export", "import-polis", "analyze", "db"):
        assert command in result.stdout


# -- first run: a fresh database, a busy port, the served address --------------------


@pytest.fixture
def fresh_env(script_env, tmp_path):
    """A brand-new instance folder and database, and no FACILITATOR_PUBLIC_URL."""
    env = dict(script_env, FACILITATOR_DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
               FACILITATOR_INSTANCE_PATH=str(tmp_path / "fresh-instance"))
    env.pop("FACILITATOR_PUBLIC_URL")
    return env


def test_every_command_works_on_a_fresh_database(fresh_env, tmp_path):
    """No "no such table" traceback: each command brings the schema up to date as serve does."""
    export = run_script("export", "NOPE22", "--format", "json", env=fresh_env)
    assert export.returncode == 1 and export.stderr == "Error: no workshop has the code NOPE22\n"
    made = run_script("create-organizer", "--email", "chair@example.org", "--password-stdin", "--json",
                      env=dict(fresh_env, FACILITATOR_DATABASE_URL=f"sqlite:///{tmp_path / 'b.sqlite3'}"),
                      input=PASSWORD + "\n")
    assert made.returncode == 0 and json.loads(made.stdout)["email"] == "chair@example.org", made.stderr
    created = run_script("create-workshop", "--title", "First run", "--template", "igf-ai-copyright", "--json",
                         env=dict(fresh_env, FACILITATOR_DATABASE_URL=f"sqlite:///{tmp_path / 'c.sqlite3'}"))
    assert created.returncode == 0, created.stderr
    code = json.loads(created.stdout)["code"]
    assert created.stderr == ""  # no migration chatter either
    polis = Path(__file__).parent / "data" / "polis" / "15-per-hour-seattle"
    imported = run_script("import-polis", str(polis), "--title", "Seattle", "--json",
                          env=dict(fresh_env, FACILITATOR_DATABASE_URL=f"sqlite:///{tmp_path / 'd.sqlite3'}"))
    assert imported.returncode == 0, imported.stderr
    exported = run_script("export", code, "--format", "md",
                          env=dict(fresh_env, FACILITATOR_DATABASE_URL=f"sqlite:///{tmp_path / 'c.sqlite3'}"))
    assert exported.returncode == 0 and "# First run" in exported.stdout, exported.stderr
    analyzed = run_script("analyze", "NOPE22", "--json",
                          env=dict(fresh_env, FACILITATOR_DATABASE_URL=f"sqlite:///{tmp_path / 'e.sqlite3'}"))
    assert analyzed.returncode == 1 and analyzed.stderr == "Error: no workshop has the code NOPE22\n"
    for result in (export, made, created, imported, exported, analyzed):
        assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_line(fresh_env):
    env = dict(fresh_env, FACILITATOR_DATABASE_URL="postgresql://nobody@127.0.0.1:9/none")
    result = run_script("create-workshop", "--title", "T", env=env)
    assert result.returncode == 1, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: the database cannot be used:")


@pytest.mark.e2e
def test_links_and_qr_code_follow_the_served_port(fresh_env):
    """`serve --port P` without FACILITATOR_PUBLIC_URL: pages, the QR code and the CLI say :P."""
    from facilitator.bench.servers import ServerProcess, facilitator_command, free_port

    port = free_port()
    log = Path(fresh_env["FACILITATOR_INSTANCE_PATH"]).parent / "serve.log"
    server = ServerProcess("facilitator", facilitator_command() + ["serve", "--port", str(port)],
                           fresh_env, port, log)
    try:
        server.wait_ready("/healthz")
        created = run_script("create-workshop", "--title", "Port", "--template", "igf-ai-copyright", "--json",
                             env=fresh_env)
        data = json.loads(created.stdout)
        code, base = data["code"], f"http://127.0.0.1:{port}"
        assert data["participant_url"] == f"{base}/j/{code}"
        assert data["moderator_url"] == f"{base}/m/{code}"
        import urllib.request

        with urllib.request.urlopen(f"{base}/s/{code}") as response:
            screen = response.read().decode()
        assert f"<title>QR code for {base}/j/{code}</title>" in screen
        assert f"127.0.0.1:{port}/j/{code}" in screen and ":5000" not in screen

        # A second server on the same port: one line, exit 1.
        busy = run_script("serve", "--port", str(port), env=fresh_env, timeout=30)
        assert busy.returncode == 1
        assert busy.stderr.strip() == (f"Error: port {port} on 127.0.0.1 is already in use (another Facilitator "
                                       "or program?); stop it or choose another port with --port")
        assert "serving on" not in busy.stdout
    finally:
        server.stop()
    assert "Traceback" not in log.read_text()


def test_several_workers_need_a_message_queue_and_postgresql(fresh_env):
    """`serve --workers 2` without FACILITATOR_MESSAGE_QUEUE, or on SQLite: one line saying what
    to set, exit 1, nothing left listening."""
    from facilitator.bench.servers import free_port

    env = {k: v for k, v in fresh_env.items() if k != "FACILITATOR_MESSAGE_QUEUE"}
    port = free_port(2)
    result = run_script("serve", "--workers", "2", "--port", str(port), env=env, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: several workers need a message queue")
    assert "FACILITATOR_MESSAGE_QUEUE" in result.stderr and "serving on" not in result.stdout
    result = run_script("serve", "--workers", "2", "--port", str(port), timeout=60,
                        env={**env, "FACILITATOR_MESSAGE_QUEUE": "redis://127.0.0.1:1/0"})
    assert result.returncode == 1 and result.stderr.strip().startswith("Error: several workers need PostgreSQL")
    import socket

    for p in (port, port + 1):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", p))  # both ports are free again


def test_bench_export_times_every_format(runner, tmp_path):
    """`facilitator bench-export` (facilitator/bench/export.py) fills a scratch database and times each format."""
    result = invoke(runner, "bench-export", "--participants", "40", "--positions", "12", "--reactions", "100",
                    "--database", str(tmp_path / "bench.sqlite3"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "40 participants" in lines[0] and "12 positions" in lines[0]
    assert [line.split()[0] for line in lines[1:5]] == ["json", "md", "csv", "html"]
    assert "peak RSS" in lines[-1]
