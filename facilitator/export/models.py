"""What the rapporteur writes about a workshop, kept beside its stored results."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime
from ..extensions import db

#: The IGF session report asks for at most three of each.
MAX_ITEMS = 3
#: Longest key takeaway or call to action, in characters.
ITEM_MAX_LENGTH = 500


class WorkshopReport(db.Model):
    """The rapporteur's fields of one workshop's IGF session report (one per workshop)."""

    __tablename__ = "workshop_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The workshop reported on.
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), unique=True
    )
    #: Up to three key takeaways, each a short paragraph.
    key_takeaways: Mapped[list] = mapped_column(JSON, default=list)
    #: Up to three calls to action.
    calls_to_action: Mapped[list] = mapped_column(JSON, default=list)
    #: A short summary of the discussion.
    summary: Mapped[str] = mapped_column(Text, default="")
    #: The rapporteur's estimate of gender balance, free text ("about 60% women").
    gender_balance: Mapped[str] = mapped_column(String(500), default="")
    #: Moderators as they should appear in the report; empty: taken from the moderation log.
    moderators: Mapped[str] = mapped_column(String(500), default="")
    #: Last edit (UTC); null until the rapporteur saves the form.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workshop = relationship("Workshop")

    def __repr__(self) -> str:
        return f"<WorkshopReport workshop={self.workshop_id}>"
