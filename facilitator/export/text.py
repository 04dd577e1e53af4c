"""Small wording helpers shared by the Markdown and HTML reports."""

from __future__ import annotations

from babel import Locale

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
    "open_prompt": ("question opened", "questions opened"),
    "close_prompt": ("question closed", "questions closed"),
    "show_results": ("results shown", "results shown"),
    "hide_results": ("results hidden", "results hidden"),
    "approve": ("position approved", "positions approved"),
    "hide": ("position hidden", "positions hidden"),
    "pin": ("position pinned", "positions pinned"),
    "unpin": ("position unpinned", "positions unpinned"),
    "end_workshop": ("workshop ended", "workshop ended"),
    "add_speaker": ("speaker added to the queue", "speakers added to the queue"),
    "call_speaker": ("speaker called", "speakers called"),
    "end_speech": ("speech ended", "speeches ended"),
    "remove_hand": ("hand removed from the queue", "hands removed from the queue"),
    "move_hand": ("hand moved in the queue", "hands moved in the queue"),
    "set_floor": ("floor setting changed", "floor settings changed"),
    "advance_agenda": ("agenda step", "agenda steps"),
    "invite": ("role link made", "role links made"),
    "revoke": ("role links revoked", "role links revoked"),
}


def country_name(code: str) -> str:
    """The country's name in the current language ('CH' -> 'Switzerland'); the code if unknown."""
    from flask_babel import get_locale

    locale = get_locale() or Locale("en")
    return locale.territories.get((code or "").upper(), code)


def action_text(action: str, count: int) -> str:
    """'3 positions hidden', '1 question opened'."""
    singular, plural = ACTION_LABELS.get(action, (action, action))
    return f"{count} {singular if count == 1 else plural}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def group_label(group: str | None) -> str:
    return GROUP_LABELS.get(group or "unspecified", group or "Not specified")


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def duration_text(minutes: int | None) -> str:
    if minutes is None:
        return "not recorded"
    hours, mins = divmod(minutes, 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


def seconds_text(seconds: int | None) -> str:
    """'2 min 05 s', '45 s'; '—' while a speech runs."""
    if seconds is None:
        return "—"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def option_labels(prompt: dict) -> dict[int, str]:
    return {o["id"]: o["label"] for o in prompt["options"]}
