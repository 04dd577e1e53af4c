"""The organizer account."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..blocking import off_loop
from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class Organizer(UserMixin, db.Model):
    """A moderator who logs in to the console and owns workshops."""

    __tablename__ = "organizers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name; stored lower-case so look-ups ignore case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Salted scrypt hash from Werkzeug; never the password itself.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: When the account was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Part of every login session's id; a new one at logout ends all of them, copied cookies too.
    session_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))

    def set_password(self, password: str) -> None:
        self.password_hash = off_loop(generate_password_hash, password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login's session id: the account and its current nonce."""
        return f"{self.id}.{self.session_nonce}"

    def end_sessions(self) -> None:
        """Invalidate every login session of this organizer (logout)."""
        self.session_nonce = secrets.token_hex(16)

    def __repr__(self) -> str:
        return f"<Organizer {self.email}>"
