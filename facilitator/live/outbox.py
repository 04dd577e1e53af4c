"""Announcements queued on the database session and sent only after commit.

A service calls `announce(fn)`; `fn` runs after the transaction commits and
is dropped if it rolls back, so no client hears of anything not stored. What
was queued inside a savepoint (`begin_nested`, one job of a group commit) is
dropped when that savepoint rolls back, and kept when it is released.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db, socketio
from . import NAMESPACE

_KEY = "facilitator.outbox"
_MARKS = "facilitator.outbox.marks"


def announce(callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction commits."""
    db.session().info.setdefault(_KEY, []).append(callback)


def queued() -> int:
    """How many announcements wait for the current transaction's commit."""
    return len(db.session().info.get(_KEY, ()))


def forget_since(count: int) -> None:
    """Drop the announcements queued after the first `count` (a group-commit job that was refused)."""
    del db.session().info.get(_KEY, [])[count:]


def emit_after_commit(event_name: str, payload: dict, to) -> None:
    """Emit a Socket.IO event to a room (or rooms) after commit."""
    announce(lambda: socketio.emit(event_name, payload, to=to, namespace=NAMESPACE))


def mark_after_commit(kind: str, key) -> None:
    """Mark something dirty for the coalescer after commit."""
    coalescer = current_app.extensions["facilitator.coalescer"]
    announce(lambda: coalescer.mark(kind, key))


@event.listens_for(Session, "after_commit")
def _send(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: its announcements wait for the real commit
        session.info.get(_MARKS, {}).pop(id(session.get_nested_transaction()), None)
        return
    session.info.pop(_MARKS, None)
    pending = session.info.pop(_KEY, None)
    for callback in pending or ():
        try:
            callback()
        except Exception:  # a failed broadcast must not undo a stored change
            current_app.logger.exception("after-commit announcement failed")


@event.listens_for(Session, "after_transaction_create")
def _mark(session: Session, transaction) -> None:
    if transaction.nested:  # a savepoint: remember how much was queued before it
        session.info.setdefault(_MARKS, {})[id(transaction)] = len(session.info.get(_KEY, ()))


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, previous_transaction) -> None:
    """A rolled-back savepoint drops what it queued; the whole transaction, everything."""
    if previous_transaction.nested:
        mark = session.info.get(_MARKS, {}).pop(id(previous_transaction), None)
        if mark is not None and _KEY in session.info:
            del session.info[_KEY][mark:]
        return
    session.info.pop(_KEY, None)
    session.info.pop(_MARKS, None)
