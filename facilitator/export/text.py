"""Small wording helpers shared by the Markdown and HTML reports."""

from __future__ import annotations

GROUP_LABELS = {
    "government": "Government",
    "civil_society": "Civil society",
    "private_sector": "Private sector",
    "technical_community": "Technical community",
    "academia": "Academia",
    "intergovernmental": "Intergovernmental organisations",
    "media": "Media",
    "other": "Other",
    "unspecified": "Not specified",
}

ACTION_LABELS = {
    "open_prompt": "questions opened",
    "close_prompt": "questions closed",
    "show_results": "results shown",
    "hide_results": "results hidden",
    "approve": "positions approved",
    "hide": "positions hidden",
    "pin": "positions pinned",
    "unpin": "positions unpinned",
    "end_workshop": "workshop ended",
}


def group_label(group: str | None) -> str:
    return GROUP_LABELS.get(group or "unspecified", group or "Not specified")


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def duration_text(minutes: int | None) -> str:
    if minutes is None:
        return "not recorded"
    hours, mins = divmod(minutes, 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


def option_labels(prompt: dict) -> dict[int, str]:
    return {o["id"]: o["label"] for o in prompt["options"]}
