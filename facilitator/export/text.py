"""Small wording helpers shared by the Markdown and HTML reports."""

from __future__ import annotations

from babel import Locale
from flask_babel import gettext, lazy_gettext, ngettext

#: Stakeholder groups as the reports name them (in the page's language).
GROUP_LABELS = {
    "government": lazy_gettext("Government"),
    "civil_society": lazy_gettext("Civil society"),
    "private_sector": lazy_gettext("Private sector"),
    "technical_community": lazy_gettext("Technical community"),
    "academia": lazy_gettext("Academia"),
    "intergovernmental": lazy_gettext("Intergovernmental organisations"),
    "media": lazy_gettext("Media"),
    "other": lazy_gettext("Other"),
    "unspecified": lazy_gettext("Not specified"),
}


def _action_counts(action: str, count: int) -> str | None:
    """'3 positions hidden': one ngettext per moderator action (each language has its own plural forms)."""
    texts = {
        "open_prompt": lambda: ngettext("%(num)d question opened", "%(num)d questions opened", count),
        "close_prompt": lambda: ngettext("%(num)d question closed", "%(num)d questions closed", count),
        "show_results": lambda: ngettext("%(num)d results shown", "%(num)d results shown", count),
        "hide_results": lambda: ngettext("%(num)d results hidden", "%(num)d results hidden", count),
        "approve": lambda: ngettext("%(num)d position approved", "%(num)d positions approved", count),
        "hide": lambda: ngettext("%(num)d position hidden", "%(num)d positions hidden", count),
        "pin": lambda: ngettext("%(num)d position pinned", "%(num)d positions pinned", count),
        "unpin": lambda: ngettext("%(num)d position unpinned", "%(num)d positions unpinned", count),
        "end_workshop": lambda: ngettext("%(num)d workshop ended", "%(num)d workshop ended", count),
        "add_speaker": lambda: ngettext("%(num)d speaker added to the queue", "%(num)d speakers added to the queue",
                                        count),
        "call_speaker": lambda: ngettext("%(num)d speaker called", "%(num)d speakers called", count),
        "end_speech": lambda: ngettext("%(num)d speech ended", "%(num)d speeches ended", count),
        "remove_hand": lambda: ngettext("%(num)d hand removed from the queue", "%(num)d hands removed from the queue",
                                        count),
        "move_hand": lambda: ngettext("%(num)d hand moved in the queue", "%(num)d hands moved in the queue", count),
        "set_floor": lambda: ngettext("%(num)d floor setting changed", "%(num)d floor settings changed", count),
        "advance_agenda": lambda: ngettext("%(num)d agenda step", "%(num)d agenda steps", count),
        "invite": lambda: ngettext("%(num)d role link made", "%(num)d role links made", count),
        "revoke": lambda: ngettext("%(num)d role links revoked", "%(num)d role links revoked", count),
    }
    text = texts.get(action)
    return text() if text else None


#: Things the reports count: "1 hand", "3 positions".
_COUNTED = {
    "hand": lambda n: ngettext("%(num)d hand", "%(num)d hands", n),
    "position": lambda n: ngettext("%(num)d position", "%(num)d positions", n),
    "participant": lambda n: ngettext("%(num)d participant", "%(num)d participants", n),
}


def country_name(code: str) -> str:
    """The country's name in the current language ('CH' -> 'Switzerland'); the code if unknown."""
    from flask_babel import get_locale

    locale = get_locale() or Locale("en")
    return locale.territories.get((code or "").upper(), code)


def action_text(action: str, count: int) -> str:
    """'3 positions hidden', '1 question opened' (an unknown action: '2 its_name')."""
    return _action_counts(action, count) or f"{count} {action}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 hand', '3 positions': translated for the nouns the reports count (_COUNTED), else English."""
    counted = _COUNTED.get(singular) if plural_form is None else None
    if counted is not None:
        return counted(count)
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def attendance_label(attendance: str | None) -> str:
    """'onsite' or 'online' in the report's language (anything else as it is)."""
    return {"onsite": gettext("onsite"), "online": gettext("online")}.get(attendance, attendance or "")


def kind_label(kind: str | None) -> str:
    """A speech's kind: 'point of order' or 'speech'."""
    return gettext("point of order") if kind == "point_of_order" else gettext("speech")


def status_label(status: str) -> str:
    """A workshop's status: 'draft', 'live' or 'ended'."""
    labels = {"draft": gettext("draft"), "live": gettext("live"), "ended": gettext("ended")}
    return labels.get(status, status)


def group_label(group: str | None) -> str:
    label = GROUP_LABELS.get(group or "unspecified")
    return str(label) if label is not None else group


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def duration_text(minutes: int | None) -> str:
    if minutes is None:
        return gettext("not recorded")
    hours, mins = divmod(minutes, 60)
    if hours:
        return gettext("%(hours)d h %(minutes)02d min", hours=hours, minutes=mins)
    return gettext("%(minutes)d min", minutes=mins)


def seconds_text(seconds: int | None) -> str:
    """'2 min 05 s', '45 s'; '—' while a speech runs."""
    if seconds is None:
        return "—"
    minutes, rest = divmod(int(seconds), 60)
    if minutes:
        return gettext("%(minutes)d min %(seconds)02d s", minutes=minutes, seconds=rest)
    return gettext("%(seconds)d s", seconds=rest)


def option_labels(prompt: dict) -> dict[int, str]:
    return {o["id"]: o["label"] for o in prompt["options"]}
