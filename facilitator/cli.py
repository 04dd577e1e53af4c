"""The `facilitator` command line (a Flask CLI group)."""

from __future__ import annotations

import functools
import json
import secrets
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from .errors import DomainError
from .extensions import db


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _database_error(exc: SQLAlchemyError) -> str:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return f"the database cannot be used: {reason}"


def uses_database(fn):
    """A command that reads or writes the database: bring the schema up to date first (as serve does).

    A database that cannot be reached or read is one line on standard error
    and exit status 1, never a traceback.
    """
    @functools.wraps(fn)
    def command(*args, **kwargs):
        from .schema import ensure_schema

        try:
            ensure_schema()
            return fn(*args, **kwargs)
        except SQLAlchemyError as exc:
            db.session.rollback()
            _fail(_database_error(exc))

    return with_appcontext(command)


@click.command("create-organizer")
@click.option("--email", required=True, help="Login e-mail of the moderator.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@uses_database
def create_organizer_command(email: str, password_stdin: bool, as_json: bool) -> None:
    """Create a moderator account that can log in to the console."""
    from .accounts.services import create_organizer

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        _fail("give the password on standard input with --password-stdin")
    try:
        organizer = create_organizer(email, password)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        _fail(exc.message)
    if as_json:
        _print_json({"id": organizer.id, "email": organizer.email})
    else:
        click.echo(f"Created organizer {organizer.email} (id {organizer.id}).")


@click.command("create-workshop")
@click.option("--title", required=True, help="Title of the workshop.")
@click.option("--template", default=None, help="Agenda template, e.g. igf-ai-copyright.")
@click.option("--organizer", "organizer_email", default=None, help="E-mail of the owning organizer.")
@click.option("--moderation", type=click.Choice(["post", "pre"]), default="post", show_default=True)
@click.option("--position-max-length", type=int, default=500, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the workshop as JSON.")
@uses_database
def create_workshop_command(title, template, organizer_email, moderation, position_max_length, as_json):
    """Create a workshop and print its join code, URLs and moderator token."""
    from .accounts.services import find_organizer
    from .workshops.services import create_workshop, describe

    organizer = None
    if organizer_email:
        organizer = find_organizer(organizer_email)
        if organizer is None:
            _fail(f"no organizer has the e-mail {organizer_email}")
    try:
        workshop, token = create_workshop(
            title, template=template, organizer=organizer,
            moderation=moderation, position_max_length=position_max_length,
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        _fail(exc.message)
    data = describe(workshop, token)
    if as_json:
        _print_json(data)
    else:
        click.echo(f"Workshop {workshop.code}: {workshop.title}")
        click.echo(f"  participants: {data['participant_url']}")
        click.echo(f"  moderators:   {data['moderator_url']}")
        click.echo(f"  moderator token (shown once): {token}")


@click.command("invite")
@click.argument("code")
@click.option("--role", type=click.Choice(["moderator", "rapporteur"]), required=True)
@click.option("--desk", type=click.Choice(["onsite", "online"]), default=None,
              help="A moderator's desk (default onsite); a rapporteur has none.")
@click.option("--revoke", is_flag=True, help="Make every earlier link of this role invalid instead.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@uses_database
def invite_command(code: str, role: str, desk: str | None, revoke: bool, as_json: bool) -> None:
    """Make a link that gives a moderator or the rapporteur their role (shown once), or revoke them."""
    from .addresses import public_url
    from .workshops.roles import issue_link, revoke_links
    from .workshops.services import find_workshop

    workshop = find_workshop(code)
    if workshop is None:
        _fail(f"no workshop has the code {code}")
    try:
        if revoke:
            count = revoke_links(workshop, role)
            db.session.commit()
            if as_json:
                _print_json({"role": role, "revoked": count})
            else:
                click.echo(f"Revoked {count} {role} link(s) of workshop {workshop.code}.")
            return
        if role == "rapporteur" and desk:
            _fail("a rapporteur has no desk")
        link, token = issue_link(workshop, role, desk or ("onsite" if role == "moderator" else None))
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        _fail(exc.message)
    data = {"role": link.role, "desk": link.desk, "token": token,
            "url": public_url(f"/m/{workshop.code}?token={token}")}
    if as_json:
        _print_json(data)
    else:
        click.echo(f"{role.capitalize()}{f' ({link.desk} desk)' if link.desk else ''} link (shown once): {data['url']}")


def ensure_demo(app: Flask) -> dict:
    """Create (or refresh) the demo organizer and a demo workshop; return what to print."""
    from .accounts.services import create_organizer, find_organizer
    from .workshops.models import Workshop
    from .workshops.roles import issue_link
    from .workshops.services import create_workshop, describe

    email = "demo@facilitator.example"
    password = secrets.token_urlsafe(12)
    organizer = find_organizer(email)
    if organizer is None:
        organizer = create_organizer(email, password)
    else:
        organizer.set_password(password)
    workshop = db.session.scalar(
        db.select(Workshop).where(Workshop.organizer_id == organizer.id, Workshop.status != "ended")
        .order_by(Workshop.id.desc())
    )
    token = None
    if workshop is None:
        workshop, token = create_workshop(
            "Creativity and generative AI (demo)", template="igf-ai-copyright", organizer=organizer
        )
    else:
        _, token = issue_link(workshop, "moderator", "onsite")
    db.session.commit()
    return {"email": email, "password": password, **describe(workshop, token)}


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--demo", is_flag=True, help="Also create a demo organizer and workshop, and print them.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes, on PORT … PORT+N-1, behind a proxy that keeps each client on one "
                   "(nginx, docs/deployment.md); needs FACILITATOR_MESSAGE_QUEUE.")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, demo: bool, workers: int) -> None:
    """Upgrade the database schema, then serve HTTP and Socket.IO."""
    from flask.cli import ScriptInfo

    from .addresses import public_base, remember_served_url, served_url
    from .schema import upgrade_database
    from .server import CannotListen, listen, run

    ports = list(range(port, port + workers))
    try:
        listeners = [listen(host, p) for p in ports]  # a busy port is refused before anything else
    except CannotListen as exc:
        _fail(str(exc))
    listener = listeners[0]
    app = ctx.ensure_object(ScriptInfo).load_app()
    if workers > 1 and not app.config.get("MESSAGE_QUEUE"):
        _fail("several workers need a message queue to reach each other's clients: set "
              "FACILITATOR_MESSAGE_QUEUE (e.g. redis://127.0.0.1:6379/0, docs/deployment.md)")
    if workers > 1 and app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _fail("several workers need PostgreSQL (FACILITATOR_DATABASE_URL, docs/deployment.md): with "
              "SQLite a process waiting for another's write lock stops serving all its clients")
    info = None
    with app.app_context():
        try:
            upgrade_database(quiet=True)
            remember_served_url(app, served_url(host, port))
            if demo:
                info = ensure_demo(app)
            base = public_base()
        except SQLAlchemyError as exc:
            listener.close()
            _fail(_database_error(exc))
    if info:
        click.echo("Demo workshop ready:")
        click.echo(f"  join code:         {info['code']}")
        click.echo(f"  participants:      {base}/j/{info['code']}")
        click.echo(f"  projector:         {base}/s/{info['code']}")
        click.echo(f"  moderator console: {base}/m/{info['code']}")
        click.echo(f"  organizer login:   {info['email']} / {info['password']}  ({base}/login)")
        click.echo(f"  moderator link:    {base}/m/{info['code']}?token={info['moderator_token']}")
    if workers > 1:
        from .workers import Supervisor, upstream_block

        for each in listeners:
            each.close()  # each worker listens on its own port
        click.echo(f"Facilitator: {workers} worker processes on {host}, ports {ports[0]}–{ports[-1]}; "
                   "put them behind nginx with this upstream (docs/deployment.md), and set "
                   "FACILITATOR_PUBLIC_URL to nginx's address:")
        click.echo(upstream_block(host, ports))
        ctx.exit(Supervisor(host, ports, announce=lambda line: click.echo(line)).run())
    run(app, listener, announce=lambda line: click.echo(line))


def register(app: Flask) -> None:
    for command in (serve_command, create_organizer_command, create_workshop_command, invite_command):
        app.cli.add_command(command)
    for module in ("export.cli", "participation.polis", "opinion.cli", "bench.cli", "backup"):
        try:
            mod = __import__(f"{__package__}.{module}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(__package__ + "."):
                continue
            raise
        mod.register(app)


def _create_app():
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
def cli():
    """Facilitator: live, hybrid policy consultation workshops."""
