"""Use cases of organizer accounts."""

from __future__ import annotations

import secrets
from functools import lru_cache

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..blocking import off_loop

from ..errors import N_, Conflict, Invalid
from ..extensions import db
from .models import Organizer

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 254:
        raise Invalid(N_("'%(email)s' is not a valid e-mail address."), email=email)
    return email


def normalise_login(email: str) -> str:
    """The e-mail as typed at log-in, for counting attempts per account (never refuses)."""
    return (email or "").strip().lower()[:254]


def check_password_strength(password: str) -> None:
    if not password or not password.strip():
        raise Invalid(N_("The password must not be empty."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.ngettext("The password must have at least %(num)d character.",
                               "The password must have at least %(num)d characters.", MIN_PASSWORD_LENGTH)
    if len(set(password)) < 4:
        raise Invalid(N_("The password is too easy to guess; use more different characters."))


def find_organizer(email: str) -> Organizer | None:
    email = (email or "").strip().lower()
    return db.session.scalar(select(Organizer).where(func.lower(Organizer.email) == email))


def create_organizer(email: str, password: str) -> Organizer:
    """Create a moderator account; refuse duplicates and weak passwords."""
    email = normalise_email(email)
    check_password_strength(password)
    if find_organizer(email) is not None:
        raise Conflict(N_("An organizer with the e-mail %(email)s already exists."), email=email)
    organizer = Organizer(email=email)
    organizer.set_password(password)
    db.session.add(organizer)
    db.session.flush()
    return organizer


@lru_cache(maxsize=1)
def _stand_in_hash() -> str:
    """A hash of nobody's password: an unknown e-mail costs the same time as a wrong password."""
    return generate_password_hash(secrets.token_hex(16))


def authenticate(email: str, password: str) -> Organizer | None:
    """The organizer with this e-mail and password, else None; hashing runs off the event loop."""
    organizer = find_organizer(email)
    hashed = organizer.password_hash if organizer is not None else _stand_in_hash()
    matches = off_loop(check_password_hash, hashed, password or "")
    return organizer if organizer is not None and matches else None


def end_sessions(organizer: Organizer) -> None:
    """Log the organizer out everywhere: every session cookie, even a copied one, stops working."""
    organizer.end_sessions()
    db.session.flush()
