"""Workshop templates: one JSON file each, built in or in the instance folder."""

from __future__ import annotations

import json
from pathlib import Path

from flask import current_app

from ..errors import N_, NotFound

BUILTIN_DIR = Path(__file__).parent / "templates_data"


def _directories() -> list[Path]:
    dirs = [Path(current_app.instance_path) / "templates"]
    dirs.append(BUILTIN_DIR)
    return dirs


def available_templates() -> dict[str, dict]:
    """Return every template by name; instance-folder files override built-ins."""
    found: dict[str, dict] = {}
    for directory in reversed(_directories()):
        if directory.is_dir():
            for path in sorted(directory.glob("*.json")):
                data = json.loads(path.read_text(encoding="utf-8"))
                found[data.get("name", path.stem)] = data
    return found


def load_template(name: str) -> dict:
    templates = available_templates()
    if name not in templates:
        known = ", ".join(sorted(templates)) or "none"
        raise NotFound(N_("Unknown template '%(name)s' (known: %(known)s)."), name=name, known=known)
    return templates[name]
