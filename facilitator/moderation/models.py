"""The moderation log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class ModerationEntry(db.Model):
    """One moderator action: who did what, to what, why and when."""

    __tablename__ = "moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    #: The organizer's e-mail, or "moderator link (online desk)" for a link holder.
    actor: Mapped[str] = mapped_column(String(254))
    #: open_prompt, close_prompt, show_results, hide_results, approve, hide, pin, unpin, end_workshop,
    #: show_opinion_map, hide_opinion_map,
    #: the floor's add_speaker, call_speaker, end_speech, remove_hand, move_hand, set_floor, advance_agenda.
    action: Mapped[str] = mapped_column(String(20))
    #: The prompt or position acted on, if any.
    prompt_id: Mapped[int | None] = mapped_column(ForeignKey("prompts.id", ondelete="CASCADE"))
    position_id: Mapped[int | None] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE")
    )
    #: Optional reason given by the moderator.
    reason: Mapped[str | None] = mapped_column(String(500))
    #: When (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The moderator's desk (onsite or online), if known.
    desk: Mapped[str | None] = mapped_column(String(6))


def record_action(workshop_id: int, actor, action: str, prompt_id: int | None = None,
                  position_id: int | None = None, reason: str | None = None) -> None:
    """Write a moderator action to the log: `actor` is an Identity (its actor and desk) or a name."""
    name = getattr(actor, "actor", actor) or "moderator"
    db.session.add(ModerationEntry(workshop_id=workshop_id, actor=str(name)[:254], desk=getattr(actor, "desk", None),
                                   action=action, prompt_id=prompt_id, position_id=position_id,
                                   reason=(reason or "").strip()[:500] or None))
