"""The session record IGF session pages and reports ask for: format, theme, organizers, speakers
(affiliation, stakeholder group, regional group, onsite or online), moderators and SDG targets.

Kept as JSON on the workshop (`session_record`), filled from the template and edited on
the workshop's page; every export carries it. Speakers can be queued in one click.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext

from ..errors import N_, Invalid
from ..participation.models import STAKEHOLDER_GROUPS
from .models import Workshop

#: The session formats: stored in English (the record's value, in every export), shown translated.
FORMATS = (N_("Round table"), N_("Panel"), N_("Workshop"), N_("Open forum"), N_("Town hall"), N_("Lightning talk"),
           N_("Networking session"), N_("Launch or award"), N_("Other"))
#: The UN regional groups IGF session pages use for speakers (names shown in the page's language).
REGIONAL_GROUPS = {
    "african": lazy_gettext("African Group"),
    "asia_pacific": lazy_gettext("Asia-Pacific Group"),
    "eastern_european": lazy_gettext("Eastern European Group"),
    "grulac": lazy_gettext("Latin American and Caribbean Group (GRULAC)"),
    "weog": lazy_gettext("Western European and Others Group (WEOG)"),
    "intergovernmental": lazy_gettext("Intergovernmental organization"),
}
SDG_TARGET = re.compile(r"^(1[0-7]|[1-9])\.([0-9]{1,2}|[a-e])$")


def empty() -> dict:
    return {"format": "", "duration_minutes": None, "theme": "", "scheduled": {"start": None, "end": None, "room": ""},
            "organizers": [], "speakers": [], "moderators": {"onsite": "", "online": ""}, "sdgs": [],
            "sdg_targets": []}


def session_record(workshop: Workshop) -> dict:
    """The workshop's record with every key present."""
    record = empty()
    stored = workshop.session_record or {}
    for key in record:
        if key in stored and stored[key] is not None:
            record[key] = stored[key]
    return record


def from_template(session: dict | None) -> dict:
    """A record from a template's `session` (the shared reference data's shape)."""
    if not session:
        return {}
    record = empty()
    fmt = session.get("format", "")
    match = re.match(r"^(.*?)\s*-\s*(\d+)\s*Min", fmt or "")
    record["format"] = match.group(1).strip().capitalize() if match else fmt
    record["duration_minutes"] = int(match.group(2)) if match else None
    record["theme"] = session.get("theme", "")
    record["scheduled"] = {**record["scheduled"], **(session.get("scheduled") or {})}
    record["organizers"] = [{"name": o.get("name", ""), "stakeholder_group": o.get("stakeholder_group")}
                            for o in session.get("organizers", [])]
    record["speakers"] = [{"name": s.get("name", ""), "affiliation": s.get("affiliation", ""),
                           "stakeholder_group": s.get("stakeholder_group"),
                           "regional_group": s.get("regional_group"), "attendance": s.get("attendance")}
                          for s in session.get("speakers", [])]
    record["moderators"] = {**record["moderators"], **(session.get("moderators") or {})}
    record["sdgs"] = [int(n) for n in session.get("sdgs", [])]
    record["sdg_targets"] = list(session.get("sdg_targets", []))
    return record


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split(";")]


def _group(value: str, line: int, what: str) -> str | None:
    """A stakeholder group's code from a line of `what` ("organizers" or "speakers")."""
    value = value.strip().lower().replace(" ", "_")
    if not value:
        return None
    if value not in STAKEHOLDER_GROUPS:
        groups = ", ".join(STAKEHOLDER_GROUPS)
        if what == "organizers":
            raise Invalid(N_("Organizers, line %(line)d: '%(value)s' is not a stakeholder group (%(groups)s)."),
                          line=line, value=value, groups=groups)
        raise Invalid(N_("Speakers, line %(line)d: '%(value)s' is not a stakeholder group (%(groups)s)."),
                      line=line, value=value, groups=groups)
    return value


def parse_organizers(text: str) -> list[dict]:
    """One organizer per line: "Name; stakeholder group"."""
    organizers = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        cells = _cells(line) + [""]
        organizers.append({"name": cells[0][:200], "stakeholder_group": _group(cells[1], number, "organizers")})
    return organizers


def parse_speakers(text: str) -> list[dict]:
    """One speaker per line: "Name; affiliation; stakeholder group; regional group; onsite or online"."""
    speakers = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, affiliation, group, region, attendance = (_cells(line) + [""] * 5)[:5]
        region = region.strip().lower().replace(" ", "_").replace("-", "_")
        if region and region not in REGIONAL_GROUPS:
            raise Invalid(N_("Speakers, line %(line)d: '%(value)s' is not a regional group (%(groups)s)."),
                          line=number, value=region, groups=", ".join(REGIONAL_GROUPS))
        attendance = attendance.strip().lower()
        if attendance and attendance not in ("onsite", "online"):
            raise Invalid(N_("Speakers, line %(line)d: say onsite or online."), line=number)
        if not name:
            raise Invalid(N_("Speakers, line %(line)d: the name comes first."), line=number)
        speakers.append({"name": name[:80], "affiliation": affiliation[:200],
                         "stakeholder_group": _group(group, number, "speakers"),
                         "regional_group": region or None, "attendance": attendance or None})
    return speakers


def parse_targets(text: str) -> list[str]:
    targets = [t.strip() for t in re.split(r"[,\s]+", text or "") if t.strip()]
    for target in targets:
        if not SDG_TARGET.match(target):
            raise Invalid(N_("'%(target)s' is not an SDG target (like 9.b or 17.6)."), target=target)
    return targets


def organizers_text(record: dict) -> str:
    return "\n".join(f"{o['name']}; {o.get('stakeholder_group') or ''}".rstrip("; ") for o in record["organizers"])


def speakers_text(record: dict) -> str:
    return "\n".join("; ".join([s["name"], s.get("affiliation") or "", s.get("stakeholder_group") or "",
                                s.get("regional_group") or "", s.get("attendance") or ""]).rstrip("; ")
                     for s in record["speakers"])


def update_record(workshop: Workshop, *, format: str, theme: str, organizers: str, speakers: str,
                  moderator_onsite: str, moderator_online: str, sdgs: list[int], sdg_targets: str) -> dict:
    """Store the record edited on the workshop's page (allowed at any time: it describes the session)."""
    if format and format not in FORMATS:
        raise Invalid(N_("Choose one of the session formats."))
    if any(not 1 <= n <= 17 for n in sdgs):
        raise Invalid(N_("SDGs are numbered 1 to 17."))
    record = session_record(workshop)
    record.update(format=format or "", theme=(theme or "").strip()[:300],
                  organizers=parse_organizers(organizers), speakers=parse_speakers(speakers),
                  moderators={"onsite": (moderator_onsite or "").strip()[:120],
                              "online": (moderator_online or "").strip()[:120]},
                  sdgs=sorted(set(sdgs)), sdg_targets=parse_targets(sdg_targets))
    workshop.session_record = record
    return record
