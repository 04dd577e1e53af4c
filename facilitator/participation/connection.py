"""Who connects: visitor, participant, moderator or screen (CONTRACT §3 "Connecting").

Identities live per process, keyed by Socket.IO session id; a reconnect
creates a new one and rejoins the rooms.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import request, session
from flask_login import current_user
from sqlalchemy import bindparam, select

from ..errors import N_, NotFound
from ..extensions import db
from ..ratelimit import hit
from ..workshops.models import Workshop, valid_code
from ..workshops.roles import LinkRef, link_for_token
from .services import participant_id_for
from .state import Identity

_identities: dict[str, Identity] = {}

SESSION_PARTICIPANTS = "participants"  # {code: token} in the signed cookie
SESSION_MODERATOR_TOKENS = "moderator_tokens"  # {code: token} of any role link
SESSION_DESKS = "desks"  # {code: onsite|online}: the desk an organizer who logged in chose


def _auth_text(auth: dict, key: str, longest: int) -> str | None:
    """A string from the connect auth, or None when absent; anything else (a list, a lone
    surrogate, an endless string) is treated as a wrong credential."""
    value = auth.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > longest:
        return ""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return ""
    return value


class WorkshopRef(NamedTuple):
    """What identifying a connection needs of a workshop, read without loading the ORM object."""

    id: int
    code: str
    organizer_id: int | None


_WORKSHOP_BY_CODE = select(Workshop.id, Workshop.code, Workshop.organizer_id).where(
    Workshop.code == bindparam("code"))


def workshop_ref(code: str | None) -> WorkshopRef | None:
    """The workshop of a join code (any case), or None; one indexed look-up."""
    code = valid_code(code)
    row = db.session.execute(_WORKSHOP_BY_CODE, {"code": code}).first() if code else None
    return WorkshopRef(*row) if row is not None else None


def identify(auth: dict | None) -> tuple[WorkshopRef, Identity]:
    """Resolve the connect `auth` (or the browser session) to an identity, or refuse (`not_found`).

    Unknown codes and wrong tokens count against the `lookup` limit of the address,
    so guessing them is pointless.
    """
    if not isinstance(auth, dict):
        auth = {}
    address = request.remote_addr or "unknown"
    hit("connect", address)
    workshop = workshop_ref(_auth_text(auth, "workshop", 32))
    if workshop is None:
        hit("lookup", address)
        raise NotFound(N_("Unknown workshop."))
    token = _auth_text(auth, "moderator_token", 200)  # the key of every role link (CONTRACT §6)
    staff = staff_identity(workshop, token)
    if staff is not None:
        return workshop, staff
    if token is not None:
        hit("lookup", address)
        raise NotFound(N_("That moderator token is not valid for this workshop."))
    token = _auth_text(auth, "participant_token", 200)
    if token is not None:
        participant_id = participant_id_for(workshop.id, token)
        if participant_id is None:
            hit("lookup", address)
            raise NotFound(N_("That participant token is not valid for this workshop."))
        return workshop, Identity("participant", workshop.id, participant_id)
    if auth.get("screen") is True:
        return workshop, Identity("screen", workshop.id)
    participant_id = participant_id_for(workshop.id, session_participant_token(workshop))
    if participant_id is not None:
        return workshop, Identity("participant", workshop.id, participant_id)
    return workshop, Identity("visitor", workshop.id)


def staff_identity(workshop, token: str | None) -> Identity | None:
    """A moderator or rapporteur: by a role link's token (given, or kept in the browser session),
    or the organizer who owns the workshop, logged in (at the desk they chose, onsite by default)."""
    if token is not None:
        return _from_link(workshop, link_for_token(workshop.id, token))
    stored = session.get(SESSION_MODERATOR_TOKENS, {}).get(workshop.code)
    if stored:
        identity = _from_link(workshop, link_for_token(workshop.id, stored))
        if identity is not None:
            return identity
    if current_user.is_authenticated and workshop.organizer_id == current_user.id:
        desk = session.get(SESSION_DESKS, {}).get(workshop.code, "onsite")
        return Identity("moderator", workshop.id, actor=current_user.email, desk=desk)
    return None


def _from_link(workshop, link: LinkRef | None) -> Identity | None:
    if link is None:
        return None
    actor = f"{link.role} link" + (f" ({link.desk} desk)" if link.desk else "")
    return Identity(link.role, workshop.id, actor=actor, desk=link.desk, link_id=link.id)


#: A browser keeps the tokens of its last few workshops only: the session cookie stays small.
SESSION_TOKENS_KEPT = 8


def keep_token(key: str, code: str, token: str) -> None:
    """Remember a participant or moderator token for a workshop in the browser session."""
    tokens = {c: t for c, t in session.get(key, {}).items() if c != code}
    tokens[code] = token
    session[key] = dict(list(tokens.items())[-SESSION_TOKENS_KEPT:])
    session.permanent = True


def session_participant_token(workshop: Workshop) -> str | None:
    return session.get(SESSION_PARTICIPANTS, {}).get(workshop.code)


def remember(sid: str, identity: Identity) -> None:
    _identities[sid] = identity


def identity_of(sid: str) -> Identity | None:
    return _identities.get(sid)


def forget(sid: str) -> None:
    _identities.pop(sid, None)


def connection_count() -> int:
    """Connections this process serves (all workshops)."""
    return len(_identities)
