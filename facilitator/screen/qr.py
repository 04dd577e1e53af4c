"""QR codes as inline SVG (segno), so the projector page needs no image file."""

from __future__ import annotations

from functools import lru_cache

import segno
from markupsafe import Markup


@lru_cache(maxsize=256)
def qr_svg(url: str, label: str) -> Markup:
    """Return an inline, scalable SVG QR code for a URL (sized by CSS through its viewBox)."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=2, omitsize=True, dark="#000", light="#fff",
                          title=label, svgclass="qr")
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))
