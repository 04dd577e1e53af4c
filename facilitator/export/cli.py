"""`facilitator export CODE --format json|md|csv|html [--output PATH]` and `facilitator bench-export`."""

from __future__ import annotations

import sys

import click
from flask import Flask

from ..cli import uses_database
from ..workshops.services import find_workshop
from .formats import FORMATS, write_export


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.command("export")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="json", show_default=True,
              help="json, md (Markdown), csv (a zip of CSV tables) or html (printable report).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="File to write; standard output when left out (not for csv).")
@uses_database
def export_command(code: str, fmt: str, output: str | None) -> None:
    """Write the post-session summary of workshop CODE."""
    workshop = find_workshop(code)
    if workshop is None:
        _fail(f"no workshop has the code {code}")
    if output is None:
        if FORMATS[fmt].needs_file:
            _fail("the csv export is a zip file: give --output PATH")
        sys.stdout.flush()
        stream = sys.stdout.buffer
        write_export(workshop, fmt, stream)
        stream.flush()
        return
    try:
        with open(output, "wb") as fp:
            write_export(workshop, fmt, fp)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}")
    click.echo(f"Wrote {output}", err=True)


@click.command("bench-export")
@click.option("--participants", default=5000, show_default=True)
@click.option("--positions", default=1500, show_default=True)
@click.option("--reactions", default=100_000, show_default=True)
@click.option("--database", default=None, help="SQLite file to fill (default: a temporary one).")
def bench_export_command(participants: int, positions: int, reactions: int, database: str | None) -> None:
    """Fill a scratch SQLite database with a large session and time every export format."""
    from .bench import run_benchmark

    for line in run_benchmark(participants, positions, reactions, database):
        click.echo(line)


def register(app: Flask) -> None:
    app.cli.add_command(export_command)
    app.cli.add_command(bench_export_command)
