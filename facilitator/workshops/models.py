"""Workshop, prompt and option: the agenda of one live session."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..errors import N_, Closed, Conflict
from ..extensions import db

#: Join-code alphabet: upper-case letters and digits without 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6

WORKSHOP_STATUSES = ("draft", "live", "ended")
MODERATION_MODES = ("post", "pre")
PROMPT_KINDS = ("single", "multiple")
PROMPT_STATUSES = ("pending", "open", "closed")


def new_join_code() -> str:
    """Return a random join code (31^6 ≈ 8.9e8 possibilities)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


def valid_code(code) -> str | None:
    """The normalised code, or None for anything that cannot be a join code (never reaches SQL)."""
    code = normalise_code(code) if isinstance(code, str) else ""
    return code if 0 < len(code) <= 12 and code.isascii() and code.isalnum() else None


def hash_token(token: str) -> str:
    """Hash a random bearer token; tokens carry 256 bits, so SHA-256 suffices."""
    return hashlib.sha256(token.encode()).hexdigest()


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def ensure_open(prompt_status: str, workshop_status: str) -> None:
    """Refuse (`closed`) unless a prompt with these statuses takes votes and positions."""
    if workshop_status == "ended":
        raise Closed(N_("This workshop has ended."))
    if prompt_status == "pending":
        raise Closed(N_("This question is not open yet."))
    if prompt_status == "closed":
        raise Closed(N_("This question is closed."))


class Workshop(db.Model):
    """One live session: an IGF round table, a WIPO consultation slot."""

    __tablename__ = "workshops"
    __table_args__ = (
        CheckConstraint(_in("status", WORKSHOP_STATUSES), name="status"),
        CheckConstraint(_in("moderation", MODERATION_MODES), name="moderation"),
        CheckConstraint("position_max_length BETWEEN 1 AND 5000", name="position_max_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short join code read aloud and typed on phones (see CODE_ALPHABET).
    code: Mapped[str] = mapped_column(String(12), unique=True)
    #: Title shown on every page and in the report.
    title: Mapped[str] = mapped_column(String(200))
    #: Name of the template it was created from, if any.
    template: Mapped[str | None] = mapped_column(String(80))
    #: draft → live (first prompt opened) → ended.
    status: Mapped[str] = mapped_column(String(10), default="draft")
    #: post: positions visible at once; pre: they wait for approval.
    moderation: Mapped[str] = mapped_column(String(4), default="post")
    #: Longest position text accepted, in characters.
    position_max_length: Mapped[int] = mapped_column(Integer, default=500)
    #: The organizer who owns it; null for workshops made by scripts.
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL"), index=True
    )
    #: Session plan from the template: [{"title", "minutes", "prompt_id"}, ...].
    agenda: Mapped[list] = mapped_column(JSON, default=list)
    #: When it was created, went live and ended (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What IGF session pages and reports ask for: format, theme, organizers, speakers,
    #: moderators, SDGs (see workshops/record.py).
    session_record: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The language the title, prompts and options are written in, and pages' last resort (§11).
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    #: The title in other languages: {"fr": "..."}.
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    organizer = relationship("Organizer")
    prompts: Mapped[list[Prompt]] = relationship(
        back_populates="workshop", order_by="Prompt.order", cascade="all, delete-orphan"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_ended(self) -> bool:
        return self.status == "ended"

    def ensure_not_ended(self) -> None:
        if self.is_ended:
            raise Closed(N_("This workshop has ended."))

    def ensure_draft(self) -> None:
        if not self.is_draft:
            raise Conflict(N_("The agenda can only be edited before the workshop goes live."))

    def go_live(self) -> None:
        if self.status == "draft":
            self.status = "live"
            self.started_at = utcnow()

    def end(self) -> None:
        self.ensure_not_ended()
        for prompt in self.prompts:
            if prompt.status == "open":
                prompt.close()
        if self.started_at is None:
            self.started_at = utcnow()
        self.status = "ended"
        self.ended_at = utcnow()

    def open_prompt(self) -> Prompt | None:
        return next((p for p in self.prompts if p.status == "open"), None)

    def __repr__(self) -> str:
        return f"<Workshop {self.code}>"


ROLES = ("moderator", "rapporteur")
DESKS = ("onsite", "online")


class RoleLink(db.Model):
    """A link that gives its holder a role in one workshop (CONTRACT §6); only its hash is kept."""

    __tablename__ = "role_links"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        # A moderator sits at a desk; a rapporteur at none.
        CheckConstraint("(role = 'moderator' AND COALESCE(desk, '') IN ('onsite', 'online')) OR "
                        "(role = 'rapporteur' AND desk IS NULL)", name="desk"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    #: moderator or rapporteur.
    role: Mapped[str] = mapped_column(String(10))
    #: A moderator's desk: onsite or online (what their console shows first); null for a rapporteur.
    desk: Mapped[str | None] = mapped_column(String(6))
    #: SHA-256 of the link's token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: When the link was made, and revoked (then it opens nothing).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @classmethod
    def issue(cls, workshop: Workshop, role: str, desk: str | None) -> tuple[RoleLink, str]:
        """A new link of this role; returns it and its token (shown once)."""
        token = secrets.token_urlsafe(32)
        return cls(workshop=workshop, role=role, desk=desk if role == "moderator" else None,
                   token_hash=hash_token(token)), token

    workshop: Mapped[Workshop] = relationship()

    def __repr__(self) -> str:
        return f"<RoleLink {self.role} {self.desk or ''}>"


class Prompt(db.Model):
    """One policy question of the agenda."""

    __tablename__ = "prompts"
    __table_args__ = (
        UniqueConstraint("workshop_id", "order"),
        CheckConstraint(_in("kind", PROMPT_KINDS), name="kind"),
        CheckConstraint(_in("status", PROMPT_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    #: 1-based place in the agenda.
    order: Mapped[int] = mapped_column("order", Integer)
    #: The question as shown to participants.
    text: Mapped[str] = mapped_column(Text)
    #: single: one option per vote; multiple: any non-empty set.
    kind: Mapped[str] = mapped_column(String(10), default="single")
    #: pending → open → closed (and open again).
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: Whether participants and screens see the tallies.
    results_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Minutes planned for it in the agenda.
    minutes: Mapped[int | None] = mapped_column(Integer)
    #: First opening and last closing (UTC).
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Grows with every change of this prompt's votes; orders `results` messages.
    results_version: Mapped[int] = mapped_column(Integer, default=0)
    #: The text in other languages: {"fr": "..."}.
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    workshop: Mapped[Workshop] = relationship(back_populates="prompts")
    options: Mapped[list[Option]] = relationship(
        back_populates="prompt", order_by="Option.order", cascade="all, delete-orphan"
    )
    #: Whether participants and screens see the opinion map (CONTRACT §9, `show_opinion_map`; migration 0007,
    #: so the last column).
    opinion_visible: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def ensure_open(self) -> None:
        ensure_open(self.status, self.workshop.status)

    def open(self) -> None:
        self.workshop.ensure_not_ended()
        self.status = "open"
        if self.opened_at is None:
            self.opened_at = utcnow()

    def close(self) -> None:
        if self.status == "open":
            self.status = "closed"
            self.closed_at = utcnow()

    def option_ids(self) -> set[int]:
        return {o.id for o in self.options}

    def __repr__(self) -> str:
        return f"<Prompt {self.id} {self.status}>"


class Option(db.Model):
    """One of a prompt's choices."""

    __tablename__ = "options"
    __table_args__ = (
        # Target of composite foreign keys: a choice's option belongs to its prompt.
        UniqueConstraint("id", "prompt_id"),
        UniqueConstraint("prompt_id", "order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id", ondelete="CASCADE"))
    #: 1-based place among the prompt's options.
    order: Mapped[int] = mapped_column("order", Integer)
    #: Text of the choice.
    label: Mapped[str] = mapped_column(String(200))
    #: The label in other languages: {"fr": "..."}.
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    prompt: Mapped[Prompt] = relationship(back_populates="options")

    def __repr__(self) -> str:
        return f"<Option {self.id} {self.label!r}>"
