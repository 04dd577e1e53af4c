"""The latest live opinion map of each prompt, and what the next update needs of it.

One row per prompt that has had a map. `version` grows with every stored
analysis and orders the `opinion` messages (clients keep the highest, as for
`results`); `payload` is the `opinion` message without its version, as
moderators get it; `history` is what `analyse(previous=...)` needs of the last
map (who is in it, the groups, the k smoother, the clusterings, the axes), so
that any server process, or the same one after a restart, continues the same
map: groups keep their ids and k changes only as Pol.is's smoother allows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class OpinionMapRow(db.Model):
    """A prompt's last published opinion map (CONTRACT §9)."""

    __tablename__ = "opinion_maps"

    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id", ondelete="CASCADE"), primary_key=True)
    #: Grows with every stored analysis; a process stores only over the version it started from.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: The `opinion` message without `version` (moderators' copy: every point).
    payload: Mapped[dict] = mapped_column(JSON)
    #: The last non-empty map's state for the next update (opinion/history.py).
    history: Mapped[dict | None] = mapped_column(JSON)
    #: When it was stored (UTC).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
