"""The projector page: join code, QR code, the current question, shown results, top positions."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from ..addresses import public_url
from ..participation.snapshot import build_state
from ..participation.state import Identity, display_prompt, shown_results
from ..core import workshop_or_404
from ..i18n import current_language, direction, language_of, localized
from .qr import qr_svg

bp = Blueprint("screen", __name__, url_prefix="/s")

#: How many of the most-agreed visible positions the screen shows besides the pinned ones.
TOP_POSITIONS = 3


def featured_positions(positions: list[dict], prompt_id: int | None) -> list[dict]:
    """Pinned positions of the question first, then its most agreed visible ones (static/js/screen.js too)."""
    mine = [p for p in positions if p["prompt_id"] == prompt_id and p["status"] == "visible"]
    pinned = sorted((p for p in mine if p["pinned"]), key=lambda p: p["id"])
    rest = sorted((p for p in mine if not p["pinned"]), key=lambda p: (-p["agree"], p["id"]))
    return pinned + [p for p in rest if p["agree"] > 0][:TOP_POSITIONS]


def join_texts(language: str | None = None) -> dict:
    """What the projector says about joining, in the page's language or in `language`."""
    with force_locale(language or current_language()):
        return {
            "lang": language or current_language(), "dir": direction(language or current_language()),
            "join_how": _("Join on your phone"), "code_label": _("or enter the code"),
            "soon": _("Join now: the first question opens soon."), "thanks": _("Thank you for taking part."),
            "how_to": [_("Scan the code with your phone camera, or open the address."),
                       _("Say whether you are in the room or online."),
                       _("Vote, share your position, react to others, and ask for the floor.")],
        }


@bp.get("/<code>")
def show(code: str):
    """Render the big screen; static/js/screen.js keeps it live and fits it to the viewport."""
    workshop = workshop_or_404(code)
    state = localized(build_state(workshop, Identity("screen", workshop.id)))
    join_url = public_url(f"/j/{workshop.code}")
    display = display_prompt(state)
    # ?also=xx: the join instructions in a second language too, for a mixed room (CONTRACT §11)
    also = language_of(request.args.get("also"))
    return render_template(
        "screen/screen.html",
        workshop=workshop,
        state=state,
        display=display,
        shown=shown_results(state),
        featured=featured_positions(state["positions"], display["id"] if display else None),
        join_url=join_url,
        join_url_display=join_url.split("://", 1)[-1],
        qr=qr_svg(join_url, _("QR code for %(url)s", url=join_url)),
        texts=join_texts(),
        also=join_texts(also) if also and also != current_language() else None,
    )
