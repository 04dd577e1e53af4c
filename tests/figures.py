"""Figures that tests measure (page weight, load times) and print at the end of the run."""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LINES: list[str] = []


def report(title: str, lines: list[str]) -> None:
    """Keep figures for the summary at the end of the run, and write them to test-artifacts/."""
    LINES.append(title)
    LINES.extend("  " + line for line in lines)
    ARTIFACTS.mkdir(exist_ok=True)
    name = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")[:60]
    (ARTIFACTS / f"{name}.txt").write_text("\n".join([title, *lines]) + "\n", encoding="utf-8")
