"""Geometry of the inline SVG bars of the HTML report (server-rendered, no script)."""

from __future__ import annotations

BAR_WIDTH = 300  # SVG user units; the bar scales to its box


def option_bars(prompt: dict) -> list[dict]:
    """Each option with its onsite and online bar widths, scaled to the number of voters."""
    total = prompt["votes_total"]
    bars = []
    for option in prompt["options"]:
        onsite = BAR_WIDTH * option["onsite"] / total if total else 0
        online = BAR_WIDTH * option["online"] / total if total else 0
        bars.append({
            **option,
            "share": round(100 * option["count"] / total) if total else 0,
            "onsite_width": round(onsite, 2),
            "online_width": round(online, 2),
            "online_x": round(onsite, 2),
        })
    return bars
