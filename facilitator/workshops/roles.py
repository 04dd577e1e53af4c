"""Roles by link (CONTRACT §6): moderators at the onsite or online desk, and the rapporteur.

A link carries a random token; only its SHA-256 is stored. Revoking a role makes
every earlier link of that role open nothing (connections that hold one are
refused at their next event, and the server's sweep disconnects them).
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import bindparam, select, update

from ..db_types import utcnow
from ..errors import N_, Invalid
from ..extensions import db
from .models import DESKS, ROLES, RoleLink, Workshop, hash_token


class LinkRef(NamedTuple):
    id: int
    role: str
    desk: str | None


_ACTIVE_BY_HASH = select(RoleLink.id, RoleLink.role, RoleLink.desk).where(
    RoleLink.token_hash == bindparam("token_hash"), RoleLink.workshop_id == bindparam("workshop_id"),
    RoleLink.revoked_at.is_(None))


def check_role(role: str, desk: str | None) -> str | None:
    """Refuse an unknown role or desk; return the desk the link gets (None for a rapporteur)."""
    if role not in ROLES:
        raise Invalid(N_("The role must be moderator or rapporteur."))
    if role == "rapporteur":
        if desk not in (None, ""):
            raise Invalid(N_("A rapporteur has no desk."))
        return None
    if desk not in DESKS:
        raise Invalid(N_("A moderator's desk must be onsite or online."))
    return desk


def issue_link(workshop: Workshop, role: str, desk: str | None = None) -> tuple[RoleLink, str]:
    """Make a new link for a role; return it and its token (shown once)."""
    desk = check_role(role, desk)
    link, token = RoleLink.issue(workshop, role, desk)
    db.session.add(link)
    db.session.flush()
    return link, token


def revoke_links(workshop: Workshop, role: str) -> int:
    """Make every link of this role open nothing; return how many were active."""
    check_role(role, "onsite" if role == "moderator" else None)
    result = db.session.execute(update(RoleLink).where(
        RoleLink.workshop_id == workshop.id, RoleLink.role == role, RoleLink.revoked_at.is_(None))
        .values(revoked_at=utcnow()))
    return result.rowcount or 0


def link_for_token(workshop_id: int, token: str | None) -> LinkRef | None:
    """The active link of this workshop that the token opens, else None (one indexed look-up)."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    row = db.session.execute(_ACTIVE_BY_HASH, {"token_hash": hash_token(token), "workshop_id": workshop_id}).first()
    return LinkRef(*row) if row is not None else None


def link_is_active(link_id: int) -> bool:
    return db.session.scalar(select(RoleLink.id).where(RoleLink.id == link_id, RoleLink.revoked_at.is_(None))) \
        is not None


def active_links(workshop: Workshop) -> list[RoleLink]:
    return db.session.scalars(select(RoleLink).where(RoleLink.workshop_id == workshop.id,
                                                     RoleLink.revoked_at.is_(None))
                              .order_by(RoleLink.id)).all()
