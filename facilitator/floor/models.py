"""The floor's settings, the hands (waiting, then speeches) and the agenda's visits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..workshops.models import _in

KINDS = ("speak", "point_of_order")
CHANNELS = ("onsite", "online")
ADDED_BY = ("participant", "moderator")
#: waiting in the queue → speaking → spoke; or lowered (by its owner) / removed (by a moderator).
HAND_STATUSES = ("waiting", "speaking", "spoke", "lowered", "removed")
NOTE_MAX = 140
NAME_MAX = 80


class Floor(db.Model):
    """A workshop's floor: open or closed, the speaking time, alternation (one row per workshop)."""

    __tablename__ = "floors"
    __table_args__ = (
        CheckConstraint("speaking_seconds = 0 OR speaking_seconds BETWEEN 30 AND 1800", name="speaking_seconds"),
    )

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True)
    #: Whether participants may ask to speak (points of order are taken even when closed).
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Speaking time in seconds; 0 is no limit.
    speaking_seconds: Mapped[int] = mapped_column(Integer, default=0)
    #: Whether the room and the remote participants take turns.
    alternate: Mapped[bool] = mapped_column(Boolean, default=False)


class Hand(db.Model):
    """A request for the floor, from a participant or added by a moderator; once called, a speech."""

    __tablename__ = "hands"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("attendance", CHANNELS), name="attendance"),
        CheckConstraint(_in("added_by", ADDED_BY), name="added_by"),
        CheckConstraint(_in("status", HAND_STATUSES), name="status"),
        CheckConstraint("manual_place IS NULL OR manual_place >= 1", name="manual_place"),
        # At most one waiting hand per participant and kind, even under a race.
        Index("ix_hands_one_waiting", "participant_id", "kind", unique=True,
              sqlite_where=text("status = 'waiting'"), postgresql_where=text("status = 'waiting'")),
        Index("ix_hands_workshop_status", "workshop_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    #: The participant who raised it; null for a hand a moderator added.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    #: The name to call (given at join, typed with the hand, or typed by a moderator), if any.
    name: Mapped[str | None] = mapped_column(String(NAME_MAX))
    #: onsite (in the room) or online.
    attendance: Mapped[str] = mapped_column(String(6))
    #: One of IGF's stakeholder groups, or null.
    stakeholder_group: Mapped[str | None] = mapped_column(String(24))
    #: speak, or point_of_order (goes first).
    kind: Mapped[str] = mapped_column(String(14), default="speak")
    #: A short note for the moderators and rapporteurs only.
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    #: The prompt open when the hand was raised, if any.
    prompt_id: Mapped[int | None] = mapped_column(ForeignKey("prompts.id", ondelete="SET NULL"))
    #: participant or moderator.
    added_by: Mapped[str] = mapped_column(String(11))
    #: waiting, speaking, spoke, lowered, removed.
    status: Mapped[str] = mapped_column(String(8), default="waiting")
    #: When it was raised (UTC); the queue's order.
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: A place a moderator put it at (1-based), which then stands; null: the rules decide.
    manual_place: Mapped[int | None] = mapped_column(Integer)
    #: When a moderator last moved it (later moves are applied after earlier ones).
    moved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The speech: when it started, when the speaking time ends (null: no limit), when it ended.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why a moderator removed it, if they said.
    reason: Mapped[str | None] = mapped_column(String(500))

    @property
    def seconds(self) -> int | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return max(0, round((self.ended_at - self.started_at).total_seconds()))


class AgendaVisit(db.Model):
    """A stretch of time the session spent on one item of its plan (CONTRACT §8)."""

    __tablename__ = "agenda_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    #: 0-based index of the item in the workshop's agenda.
    item: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Null while it is the current item.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
