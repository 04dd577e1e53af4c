"""`facilitator export CODE --format json|md|csv|html|polis [--output PATH] [--prompt ID]` and `bench-export`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from ..cli import uses_database
from ..workshops.models import Workshop
from ..workshops.services import find_workshop
from .formats import FORMATS, write_export
from .polis import write_polis_export


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.command("export")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice([*FORMATS, "polis"]), default="json", show_default=True,
              help="json, md (Markdown), csv (a zip of CSV tables), html (printable report) "
                   "or polis (a folder in Pol.is's open-data format).")
@click.option("--output", "-o", type=click.Path(),
              help="File to write (a folder for polis); standard output when left out (not for csv or polis).")
@click.option("--prompt", "prompt_id", type=int, default=None,
              help="polis: the prompt to export (its id); the first one when left out.")
@uses_database
def export_command(code: str, fmt: str, output: str | None, prompt_id: int | None) -> None:
    """Write the post-session summary of workshop CODE, or one prompt's data in Pol.is's format."""
    workshop = find_workshop(code)
    if workshop is None:
        _fail(f"no workshop has the code {code}")
    if fmt == "polis":
        _export_polis(workshop, output, prompt_id)
        return
    if prompt_id is not None:
        _fail("--prompt only applies to --format polis")
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


def _export_polis(workshop: Workshop, output: str | None, prompt_id: int | None) -> None:
    """Write one prompt of `workshop` as a Pol.is open-data folder at `output`."""
    if output is None:
        _fail("the polis export is a folder of CSV files: give --output DIR")
    prompts = sorted(workshop.prompts, key=lambda p: p.order)
    if prompt_id is not None:
        prompts = [p for p in prompts if p.id == prompt_id]
    if not prompts:
        _fail(f"workshop {workshop.code} has no prompt {prompt_id}" if prompt_id is not None
              else f"workshop {workshop.code} has no prompt")
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        _fail(f"cannot write {output}: it is a file, not a folder")
    try:
        counts = write_polis_export(workshop, prompts[0], folder)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}")
    click.echo(f"Wrote {output}: {counts.comments} comments, {counts.votes} votes, "
               f"{counts.participants} participants, {counts.groups} groups", err=True)


def register(app: Flask) -> None:
    app.cli.add_command(export_command)
