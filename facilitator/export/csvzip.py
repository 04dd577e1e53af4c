"""The CSV export: a zip with one table per file, written row by row.

Files are UTF-8 with a byte-order mark (so spreadsheets pick the encoding
without asking), comma-separated, CRLF line ends, one header row. Any text
cell that a spreadsheet could read as a formula (starting with = + - @, a
tab or a carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile

from .document import ATTENDANCES, REACTION_VALUES
from .opinion import group_letter

ENCODING = "utf-8-sig"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FILES = ("prompts.csv", "options.csv", "positions.csv", "participation.csv", "report.csv", "speeches.csv",
         "agenda.csv", "speakers.csv", "opinion_groups.csv", "opinion_statements.csv")


def safe_cell(value):
    """Neutralise formula injection; leave numbers and empty cells alone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Table:
    """A CSV file inside the zip, written as it goes."""

    def __init__(self, archive: zipfile.ZipFile, name: str, header: list[str]):
        info = zipfile.ZipInfo(name, date_time=time.gmtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        self._raw = archive.open(info, "w")
        self._text = io.TextIOWrapper(self._raw, encoding=ENCODING, newline="")
        self._writer = csv.writer(self._text)
        self._writer.writerow(header)

    def row(self, values) -> None:
        self._writer.writerow([safe_cell(v) for v in values])

    def close(self) -> None:
        self._text.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def write_csv_zip(doc: dict, fp) -> None:
    """Write the zip of CSV tables for an export document to a binary file object."""
    prompts = doc["prompts"]
    with zipfile.ZipFile(fp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _prompts(archive, prompts)
        _options(archive, prompts)
        _positions(archive, prompts)
        _participation(archive, doc)
        _report(archive, doc)
        _speeches(archive, doc["floor"])
        _agenda(archive, doc["agenda"])
        _speakers(archive, doc.get("session") or {})
        _opinion(archive, prompts)


def _opinion(archive, prompts) -> None:
    """Each question's opinion map: its groups, and the statements that characterise them.

    `opinion_groups.csv` has a row per group; `opinion_statements.csv` a row per
    representative statement of a group (role `representative`, with its direction and the
    share of the group), per consensus statement (role `consensus`, group empty, the
    group-informed consensus as share) and per divisive statement (role `divisive`).
    """
    with _Table(archive, "opinion_groups.csv", ["prompt_id", "prompt_order", "group", "group_id", "size",
                                                "onsite", "online", "participants_in_map"]) as table:
        for prompt in prompts:
            opinion = prompt.get("opinion") or {}
            for g in opinion.get("groups", []):
                table.row([prompt["id"], prompt["order"], group_letter(g["id"]), g["id"], g["size"],
                           g["onsite"], g["online"], opinion["participants_in"]])
    with _Table(archive, "opinion_statements.csv", ["prompt_id", "prompt_order", "role", "group", "position_id",
                                                    "direction", "share", "text"]) as table:
        for prompt in prompts:
            opinion = prompt.get("opinion") or {}
            texts = {p["id"]: p["text"] for p in prompt["positions"]}
            for g in opinion.get("groups", []):
                for rep in g["representative"]:
                    table.row([prompt["id"], prompt["order"], "representative", group_letter(g["id"]),
                               rep["position_id"], rep["direction"], rep["share"], texts.get(rep["position_id"])])
            for c in opinion.get("consensus", []):
                table.row([prompt["id"], prompt["order"], "consensus", None, c["position_id"], "agree",
                           c["agree_share"], texts.get(c["position_id"])])
            for d in opinion.get("divisive", []):
                table.row([prompt["id"], prompt["order"], "divisive", None, d["position_id"], None, None,
                           texts.get(d["position_id"])])


def _speeches(archive, floor: dict) -> None:
    """The speaking log: one row per speech (a name only for speakers a moderator added)."""
    with _Table(archive, "speeches.csv", ["number", "kind", "attendance", "stakeholder_group", "prompt_id",
                                          "started_at", "ended_at", "seconds", "added_by", "name"]) as table:
        for i, s in enumerate(floor["speeches"], 1):
            table.row([i, s["kind"], s["attendance"], s["stakeholder_group"] or "unspecified", s["prompt_id"],
                       s["started_at"], s["ended_at"], s["seconds"], s["added_by"], s["name"]])


def _agenda(archive, agenda: dict) -> None:
    with _Table(archive, "agenda.csv", ["item", "title", "prompt_id", "planned_minutes", "actual_minutes"]) as table:
        for i, item in enumerate(agenda["items"]):
            table.row([i, item["title"], item["prompt_id"], item["planned_minutes"], item["actual_minutes"]])


def _speakers(archive, record: dict) -> None:
    """The session record's speakers (as on the IGF session page)."""
    with _Table(archive, "speakers.csv", ["name", "affiliation", "stakeholder_group", "regional_group",
                                          "attendance"]) as table:
        for sp in record.get("speakers") or []:
            table.row([sp["name"], sp.get("affiliation"), sp.get("stakeholder_group"), sp.get("regional_group"),
                       sp.get("attendance")])


def _prompts(archive, prompts) -> None:
    with _Table(archive, "prompts.csv", [
        "prompt_id", "order", "text", "kind", "status", "opened_at", "closed_at", "votes_total",
        "voters_onsite", "voters_online", "positions_visible", "positions_pending", "positions_hidden",
    ]) as table:
        for p in prompts:
            statuses = [pos["status"] for pos in p["positions"]]
            table.row([p["id"], p["order"], p["text"], p["kind"], p["status"], p["opened_at"],
                       p["closed_at"], p["votes_total"], p["voters"]["onsite"], p["voters"]["online"],
                       statuses.count("visible"), statuses.count("pending"), statuses.count("hidden")])


def _options(archive, prompts) -> None:
    with _Table(archive, "options.csv", [
        "prompt_id", "prompt_order", "option_id", "label", "count", "onsite", "online", "share_percent",
    ]) as table:
        for p in prompts:
            for o in p["options"]:
                share = round(100 * o["count"] / p["votes_total"], 1) if p["votes_total"] else 0
                table.row([p["id"], p["order"], o["id"], o["label"], o["count"], o["onsite"],
                           o["online"], share])


def _positions(archive, prompts) -> None:
    labels = {o["id"]: o["label"] for p in prompts for o in p["options"]}
    split_header = [f"{v}_{a}" for a in ATTENDANCES for v in REACTION_VALUES]
    with _Table(archive, "positions.csv", [
        "position_id", "prompt_id", "prompt_order", "option_id", "option_label", "text",
        "attendance", "stakeholder_group", "status", "pinned", "agree", "disagree", "pass",
        *split_header, "created_at",
    ]) as table:
        for prompt, pos in ((p, pos) for p in prompts for pos in p["positions"]):
            split = pos["reactions_by_attendance"]
            table.row([
                pos["id"], prompt["id"], prompt["order"], pos["option_id"],
                labels.get(pos["option_id"]), pos["text"], pos["attendance"],
                pos["stakeholder_group"] or "unspecified", pos["status"], pos["pinned"],
                pos["agree"], pos["disagree"], pos["pass"],
                *[split[a][v] for a in ATTENDANCES for v in REACTION_VALUES],
                pos["created_at"],
            ])


def _participation(archive, head) -> None:
    part = head["participants"]
    with _Table(archive, "participation.csv", ["dimension", "value", "participants"]) as table:
        table.row(["total", "all", part["total"]])
        for att in ATTENDANCES:
            table.row(["attendance", att, part[att]])
        for group, n in part["by_stakeholder_group"].items():
            table.row(["stakeholder_group", group, n])
        for country, n in head["countries"].items():
            table.row(["country", country, n])


def _report(archive, head) -> None:
    report = head["report"]
    session = report["session"]
    with _Table(archive, "report.csv", ["field", "value"]) as table:
        for key in ("title", "date", "format", "started_at", "ended_at", "duration_minutes", "moderators"):
            table.row([key, session[key]])
        record = head.get("session") or {}
        table.row(["theme", record.get("theme")])
        table.row(["organizers", "; ".join(o["name"] for o in record.get("organizers") or [])])
        table.row(["sdgs", " ".join(str(n) for n in record.get("sdgs") or [])])
        table.row(["sdg_targets", " ".join(record.get("sdg_targets") or [])])
        table.row(["interventions", report.get("interventions")])
        floor = head["floor"]
        for channel, totals in floor["by_attendance"].items():
            table.row([f"speeches_{channel}", totals["speeches"]])
            table.row([f"speaking_seconds_{channel}", totals["seconds"]])
        table.row(["hands_left", floor["hands_left"]])
        table.row(["summary", report["summary"]])
        table.row(["gender_balance", report["gender_balance"]])
        for key in ("key_takeaways", "calls_to_action"):
            for i, item in enumerate(report[key], 1):
                table.row([f"{key[:-1] if key.endswith('s') else key}_{i}", item])
        moderation = head["moderation_log"]
        for action, n in moderation["actions"].items():
            table.row([f"moderation_{action}", n])
        table.row(["positions_hidden", moderation["hidden_positions"]])
        table.row(["positions_pending", moderation["pending_positions"]])
        for q in report["questions"]:
            for key in ("most_agreed", "most_contested", "agreed_by_both"):
                table.row([f"q{q['order']}_{key}", " ".join(str(p["id"]) for p in q[key])])
