"""Announcements queued on the database session and sent only after commit.

A service calls `announce(fn)`; `fn` runs after the transaction commits and
is dropped if it rolls back, so no client hears of anything not stored.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db, socketio
from . import NAMESPACE

_KEY = "facilitator.outbox"


def announce(callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction commits."""
    db.session().info.setdefault(_KEY, []).append(callback)


def emit_after_commit(event_name: str, payload: dict, to) -> None:
    """Emit a Socket.IO event to a room (or rooms) after commit."""
    announce(lambda: socketio.emit(event_name, payload, to=to, namespace=NAMESPACE))


def mark_after_commit(kind: str, key) -> None:
    """Mark something dirty for the coalescer after commit."""
    coalescer = current_app.extensions["facilitator.coalescer"]
    announce(lambda: coalescer.mark(kind, key))


@event.listens_for(Session, "after_commit")
def _send(session: Session) -> None:
    pending = session.info.pop(_KEY, None)
    for callback in pending or ():
        try:
            callback()
        except Exception:  # a failed broadcast must not undo a stored change
            current_app.logger.exception("after-commit announcement failed")


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    session.info.pop(_KEY, None)
