"""Use cases of organizer accounts."""

from __future__ import annotations

from sqlalchemy import func, select

from ..errors import Conflict, Invalid
from ..extensions import db
from .models import Organizer

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 254:
        raise Invalid(f"'{email}' is not a valid e-mail address.")
    return email


def check_password_strength(password: str) -> None:
    if not password or not password.strip():
        raise Invalid("The password must not be empty.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if len(set(password)) < 4:
        raise Invalid("The password is too easy to guess; use more different characters.")


def find_organizer(email: str) -> Organizer | None:
    email = (email or "").strip().lower()
    return db.session.scalar(select(Organizer).where(func.lower(Organizer.email) == email))


def create_organizer(email: str, password: str) -> Organizer:
    """Create a moderator account; refuse duplicates and weak passwords."""
    email = normalise_email(email)
    check_password_strength(password)
    if find_organizer(email) is not None:
        raise Conflict(f"An organizer with the e-mail {email} already exists.")
    organizer = Organizer(email=email)
    organizer.set_password(password)
    db.session.add(organizer)
    db.session.flush()
    return organizer


def authenticate(email: str, password: str) -> Organizer | None:
    organizer = find_organizer(email)
    if organizer is not None and organizer.check_password(password):
        return organizer
    return None
