"""The live `opinion` message (CONTRACT §9) and the export's per-prompt `opinion` (§10).

Both come from `map_payload` (the `analyze` object): the export leaves out
`members` (participants stay anonymous in exports), the live message also
leaves out what only the command line needs (`seconds`, `reason`) and adds the
map's points and `texts` ({position id: text} of the positions it names: a screen's
or a phone's state may hold only the latest positions, CONTRACT §12). Participants and screens get at most `OPINION_POINTS_PUBLIC`
points (an even sample, in map order): enough to draw the clouds on a phone
or a projector without sending every phone every point of a crowd.
"""

from __future__ import annotations

from typing import Any

from .services import PromptMap, map_payload

#: Decimals of a point's coordinates (in [-1, 1]: a thousandth of the map is below a pixel of a projector).
POINT_DECIMALS = 3


def live_payload(prompt_map: PromptMap) -> dict[str, Any]:
    """The `opinion` message without `version`, as moderators and rapporteurs get it."""
    data = map_payload(prompt_map)
    for group in data["groups"]:
        del group["members"]
    result = prompt_map.result
    return {
        "prompt_id": data["prompt_id"],
        "participants_in": data["participants_in"],
        "groups": data["groups"],
        "consensus": data["consensus"],
        "divisive": data["divisive"],
        "points": [[round(x, POINT_DECIMALS), round(y, POINT_DECIMALS), g] for x, y, g in result.points],
    }


def named_positions(payload: dict[str, Any]) -> list[int]:
    """The positions a live map names: each group's representative ones, the consensus, the divisive."""
    ids = [r["position_id"] for g in payload["groups"] for r in g["representative"]]
    ids += [c["position_id"] for c in payload["consensus"]] + [d["position_id"] for d in payload["divisive"]]
    return ids


def public_payload(payload: dict[str, Any], max_points: int) -> dict[str, Any]:
    """The same message for participants and screens: at most `max_points` points, evenly sampled."""
    points = payload["points"]
    if len(points) <= max_points:
        return payload
    step = len(points) / max(max_points, 1)
    return {**payload, "points": [points[int(i * step)] for i in range(max_points)]}


def with_version(payload: dict[str, Any], version: int) -> dict[str, Any]:
    """The message as sent: `prompt_id`, `version`, then the rest."""
    return {"prompt_id": payload["prompt_id"], "version": version,
            **{k: v for k, v in payload.items() if k != "prompt_id"}}


def export_payload(prompt_map: PromptMap) -> dict[str, Any]:
    """A prompt's `opinion` in the JSON export: the `analyze` object without `members`."""
    data = map_payload(prompt_map)
    for group in data["groups"]:
        del group["members"]
    return data
