"""Participant, vote, position and reaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..workshops.models import Prompt, _in

ATTENDANCES = ("onsite", "online")
STAKEHOLDER_GROUPS = (
    "government",
    "civil_society",
    "private_sector",
    "technical_community",
    "academia",
    "intergovernmental",
    "media",
    "other",
)
POSITION_STATUSES = ("visible", "pending", "hidden")
REACTION_VALUES = ("agree", "disagree", "pass")


class Participant(db.Model):
    """Someone taking part in one workshop, onsite or online; no account."""

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint(_in("attendance", ATTENDANCES), name="attendance"),
        CheckConstraint(
            "stakeholder_group IS NULL OR " + _in("stakeholder_group", STAKEHOLDER_GROUPS),
            name="stakeholder_group",
        ),
        CheckConstraint("country IS NULL OR length(country) = 2", name="country"),
        Index("ix_participants_workshop_attendance", "workshop_id", "attendance"),
        UniqueConstraint("workshop_id", "polis_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    #: SHA-256 of the participant's resume token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: onsite (in the room) or online.
    attendance: Mapped[str] = mapped_column(String(6))
    #: Optional name; never exported.
    display_name: Mapped[str | None] = mapped_column(String(80))
    #: One of IGF's stakeholder groups, or null.
    stakeholder_group: Mapped[str | None] = mapped_column(String(24))
    #: ISO 3166 alpha-2, upper case, or null.
    country: Mapped[str | None] = mapped_column(String(2))
    #: When the participant joined (UTC).
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Pol.is's participant id, for a participant made by import-polis; null otherwise.
    polis_id: Mapped[int | None] = mapped_column(Integer)

    workshop = relationship("Workshop")

    def __repr__(self) -> str:
        return f"<Participant {self.id} {self.attendance}>"


class Vote(db.Model):
    """A participant's current choice on a prompt (one per participant and prompt)."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("prompt_id", "participant_id"),
        # Target of the composite key from vote_choices.
        UniqueConstraint("id", "prompt_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    #: First cast and last change (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[Participant] = relationship()
    prompt: Mapped[Prompt] = relationship()
    choices: Mapped[list[VoteChoice]] = relationship(
        back_populates="vote", cascade="all, delete-orphan"
    )


class VoteChoice(db.Model):
    """One option of a vote; a single-choice vote has exactly one."""

    __tablename__ = "vote_choices"
    __table_args__ = (
        ForeignKeyConstraint(
            ["vote_id", "prompt_id"], ["votes.id", "votes.prompt_id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["option_id", "prompt_id"], ["options.id", "options.prompt_id"], ondelete="CASCADE"
        ),
        Index("ix_vote_choices_prompt_option", "prompt_id", "option_id"),
    )

    vote_id: Mapped[int] = mapped_column(primary_key=True)
    option_id: Mapped[int] = mapped_column(primary_key=True)
    #: Copied from the vote so that the option is checked against the same prompt.
    prompt_id: Mapped[int] = mapped_column()

    vote: Mapped[Vote] = relationship(back_populates="choices")


class Position(db.Model):
    """A participant's short statement on a prompt, optionally tied to an option."""

    __tablename__ = "positions"
    __table_args__ = (
        UniqueConstraint("participant_id", "client_id"),
        UniqueConstraint("prompt_id", "polis_id"),
        CheckConstraint(_in("status", POSITION_STATUSES), name="status"),
        ForeignKeyConstraint(
            ["option_id", "prompt_id"], ["options.id", "options.prompt_id"]
        ),
        Index("ix_positions_prompt_status", "prompt_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE")
    )
    #: The option it argues for, if any (must be one of the prompt's).
    option_id: Mapped[int | None] = mapped_column()
    #: The statement, trimmed, within the workshop's length limit.
    text: Mapped[str] = mapped_column(Text)
    #: visible, pending (pre-moderation) or hidden.
    status: Mapped[str] = mapped_column(String(8), default="visible")
    #: Highlighted by a moderator (only meaningful while visible).
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Chosen by the client; makes retries idempotent.
    client_id: Mapped[str] = mapped_column(String(64))
    #: When it was submitted (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Pol.is's comment id, for a position made by import-polis; null otherwise.
    polis_id: Mapped[int | None] = mapped_column(Integer)

    participant: Mapped[Participant] = relationship()
    prompt: Mapped[Prompt] = relationship()


class Reaction(db.Model):
    """A participant's agree / disagree / pass on someone else's position."""

    __tablename__ = "reactions"
    __table_args__ = (
        UniqueConstraint("position_id", "participant_id"),
        CheckConstraint(_in("value", REACTION_VALUES), name="value"),
        Index("ix_reactions_position_value", "position_id", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    #: agree, disagree or pass.
    value: Mapped[str] = mapped_column(String(8))
    #: Last change (UTC).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    position: Mapped[Position] = relationship()
