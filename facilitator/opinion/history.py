"""What the next live update needs of the last map, as JSON (stored in `opinion_maps.history`).

`analyse(previous=...)` reads only these parts of the last map: who was in it
(`participants_in`, they stay in), the groups' ids and members (stable ids),
the k smoother, the group clusterings for every k (warm starts) and the axes'
loadings (stable signs). They round-trip exactly through JSON (floats as
Python writes them), so an update continued from the database is the same as
one continued from the map in memory.
"""

from __future__ import annotations

from typing import Any

from .result import Group, KSmoother, OpinionMap


def history_dict(previous: OpinionMap) -> dict[str, Any]:
    """Return the parts of a map the next update needs, JSON-ready."""
    smoother = previous.smoother
    return {
        "participants_in": list(previous.participants_in),
        "groups": [{"id": g.id, "members": list(g.members)} for g in previous.groups],
        "smoother": None if smoother is None else
        {"last_k": smoother.last_k, "last_k_count": smoother.last_k_count, "smoothed_k": smoother.smoothed_k},
        "clusterings": {str(k): [list(members) for members in groups] for k, groups in previous.clusterings.items()},
        "axes": {str(sid): list(loadings) for sid, loadings in previous.axes.items()},
    }


def history_map(data: dict[str, Any]) -> OpinionMap:
    """Return a map that carries exactly what `history_dict` kept, to pass as `previous`."""
    smoother = data.get("smoother")
    return OpinionMap(
        participants_in=tuple(int(p) for p in data.get("participants_in", ())),
        groups=tuple(Group(int(g["id"]), tuple(int(m) for m in g["members"]), ()) for g in data.get("groups", ())),
        smoother=None if smoother is None else KSmoother(int(smoother["last_k"]), int(smoother["last_k_count"]),
                                                         int(smoother["smoothed_k"])),
        clusterings={int(k): tuple(tuple(int(m) for m in members) for members in groups)
                     for k, groups in data.get("clusterings", {}).items()},
        axes={int(sid): (float(loadings[0]), float(loadings[1])) for sid, loadings in data.get("axes", {}).items()},
    )
