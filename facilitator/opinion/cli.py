"""`facilitator analyze CODE [--prompt ID] [--json]`: the opinion map of a workshop's prompts."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click
from flask import Flask
from sqlalchemy import select

from ..cli import uses_database
from ..extensions import db
from ..participation.models import Position
from ..workshops.models import Prompt, Workshop
from ..workshops.services import find_workshop
from .services import analyze_prompt, map_payload


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def prompts_to_analyze(workshop: Workshop, prompt_id: int | None) -> list[Prompt]:
    """Return the workshop's prompts in agenda order, or only `prompt_id` (None if it is not one of them)."""
    prompts = sorted(workshop.prompts, key=lambda p: p.order)
    if prompt_id is None:
        return prompts
    return [p for p in prompts if p.id == prompt_id]


def _short(text: str, width: int = 72) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[:width - 1] + "…"


def summary_lines(prompt: Prompt, data: dict[str, Any]) -> list[str]:
    """Return the readable summary of one prompt's `analyze` object."""
    texts = dict(db.session.execute(select(Position.id, Position.text).where(Position.prompt_id == prompt.id)).all())

    def statement(position_id: int) -> str:
        return f"#{position_id} {_short(texts.get(position_id, ''))}"

    lines = [f"Prompt {prompt.id} ({prompt.order}): {_short(prompt.text)}"]
    if data["reason"]:
        lines.append(f"  No map: {data['reason']}.")
        return lines
    lines.append(f"  {data['participants_in']} participants in the map, {len(data['groups'])} groups "
                 f"({data['seconds']:.2f} s)")
    for group in data["groups"]:
        lines.append(f"  Group {group['id']}: {group['size']} participants "
                     f"({group['onsite']} onsite, {group['online']} online)")
        for rep in group["representative"]:
            lines.append(f"    {rep['direction']:8} {rep['share']:4.0%}  {statement(rep['position_id'])}")
    if data["consensus"]:
        lines.append("  Consensus (agreed across groups):")
        lines += [f"    {c['agree_share']:4.0%}  {statement(c['position_id'])}" for c in data["consensus"]]
    if data["divisive"]:
        lines.append("  Divisive:")
        lines += [f"    {statement(d['position_id'])}" for d in data["divisive"]]
    return lines


@click.command("analyze")
@click.argument("code")
@click.option("--prompt", "prompt_id", type=int, default=None, help="Only this prompt (its id).")
@click.option("--json", "as_json", is_flag=True, help="Print the opinion maps as JSON.")
@uses_database
def analyze_command(code: str, prompt_id: int | None, as_json: bool) -> None:
    """Find opinion groups, representative, consensus and divisive positions in a workshop's reactions."""
    workshop = find_workshop(code)
    if workshop is None:
        _fail(f"no workshop has the code {code}")
    prompts = prompts_to_analyze(workshop, prompt_id)
    if prompt_id is not None and not prompts:
        _fail(f"workshop {workshop.code} has no prompt {prompt_id}")
    maps = [(prompt, map_payload(analyze_prompt(prompt))) for prompt in prompts]
    if as_json:
        click.echo(json.dumps({"prompts": [data for _, data in maps]}, ensure_ascii=False, indent=2))
        return
    click.echo(f"Workshop {workshop.code}: {workshop.title}")
    for prompt, data in maps:
        for line in summary_lines(prompt, data):
            click.echo(line)


def register(app: Flask) -> None:
    app.cli.add_command(analyze_command)
