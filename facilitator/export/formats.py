"""The four export formats: what each writes, its media type and file name."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import render_template

from ..workshops.models import Workshop
from .charts import option_bars
from .csvzip import write_csv_zip
from .document import build_document
from .markdown import render_markdown
from .opinion import consensus_statements, group_label as opinion_group_label
from ..workshops.record import REGIONAL_GROUPS
from .text import action_text, country_name, duration_text, group_label, option_labels, percent, plural, seconds_text

#: Markdown and HTML leave hidden positions out; JSON and CSV list them with their status.
SHOWN_STATUSES = ("visible", "pending")


@dataclass(frozen=True)
class Format:
    name: str
    mimetype: str  # Werkzeug adds '; charset=utf-8' to text types
    extension: str
    needs_file: bool = False  # binary: refuse to write it to a terminal


FORMATS = {
    "json": Format("json", "application/json", "json"),
    "md": Format("md", "text/markdown", "md"),
    "csv": Format("csv", "application/zip", "zip", needs_file=True),
    "html": Format("html", "text/html", "html"),
}


def filename(workshop: Workshop, fmt: str) -> str:
    return f"facilitator-{workshop.code}.{FORMATS[fmt].extension}"


def render_html(doc: dict, standalone: bool = True) -> str:
    return render_template("export/report.html", doc=doc, standalone=standalone, **report_helpers())


def report_helpers() -> dict:
    """Names the report templates use."""
    return {"group_label": group_label, "percent": percent, "duration_text": duration_text,
            "option_labels": option_labels, "option_bars": option_bars,
            "action_text": action_text, "plural": plural, "country_name": country_name,
            "seconds_text": seconds_text, "regional_groups": REGIONAL_GROUPS,
            "opinion_group_label": opinion_group_label, "consensus_statements": consensus_statements}


def write_export(workshop: Workshop, fmt: str, fp) -> None:
    """Write the export of `workshop` in format `fmt` to the binary file object `fp`."""
    if fmt == "json":
        doc = build_document(workshop)
        fp.write(json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
        fp.write(b"\n")
    elif fmt == "csv":
        write_csv_zip(build_document(workshop), fp)
    elif fmt == "md":
        fp.write(render_markdown(build_document(workshop, SHOWN_STATUSES)).encode("utf-8"))
    elif fmt == "html":
        fp.write(render_html(build_document(workshop, SHOWN_STATUSES)).encode("utf-8"))
    else:
        raise ValueError(f"unknown export format {fmt!r}")
