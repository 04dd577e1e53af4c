"""The one wrapper every Socket.IO event goes through: identify, authorize, limit, ack."""

from __future__ import annotations

import time
from functools import wraps

from flask import current_app, request
from flask_babel import gettext
from sqlalchemy.exc import OperationalError

from ..errors import N_, DomainError, Forbidden, Invalid
from ..extensions import db, socketio
from ..fields import validated  # noqa: F401  (the handlers' one validation path)
from ..live import NAMESPACE
from ..ratelimit import hit
from ..sqlite_locks import is_locked
from ..workshops.roles import link_is_active
from .connection import identity_of

ROLE_MESSAGES = {
    "participant": N_("Join the workshop first."),
    "moderator": N_("Only moderators can do that."),
    "staff": N_("Only moderators and the rapporteur can do that."),
}


#: SQLite refuses at once (busy_timeout does not apply) a transaction that read and then wants
#: to write after another connection wrote: roll back and run the handler again from the start.
LOCKED_RETRIES = 3


def _retrying_when_locked(fn, identity, payload):
    for attempt in range(LOCKED_RETRIES + 1):
        try:
            return fn(identity, payload)
        except OperationalError as exc:
            if not is_locked(exc) or attempt == LOCKED_RETRIES:
                raise
            db.session.rollback()
            time.sleep(0.02 * (attempt + 1))


def live_event(name: str, role: str | None = None, write: bool = True, limit: str | None = None):
    """Register `fn(identity, payload)` as the handler of event `name` on /live.

    The handler's return value is the ack; domain errors become error acks
    and roll back, so a refused event changes nothing. Writes count against the
    participant's `write` limit; `limit` names another kind, counted per connection.
    """

    def decorator(fn):
        @wraps(fn)
        def handler(payload=None, *extra):
            try:
                identity = identity_of(request.sid)
                if identity is None:
                    raise Forbidden(N_("This connection is not identified; reconnect."))
                if role == "staff" and not identity.is_staff or role not in (None, "staff") and identity.role != role:
                    raise Forbidden(ROLE_MESSAGES.get(role))
                if identity.link_id is not None and not link_is_active(identity.link_id):
                    raise Forbidden(N_("This link was revoked. Ask the organizer for a new one."))
                if write:
                    hit("write", identity.workshop_id, identity.participant_id or request.sid)
                if limit is not None:
                    hit(limit, request.sid)
                if payload is None:
                    payload = {}
                if not isinstance(payload, dict):
                    raise Invalid(N_("The payload must be a JSON object."))
                return _retrying_when_locked(fn, identity, payload)
            except DomainError as exc:
                db.session.rollback()
                return exc.to_ack()
            except Exception:
                db.session.rollback()
                current_app.logger.exception("event %s failed", name)
                message = gettext("Something went wrong on the server; nothing was changed. Please try again.")
                return {"ok": False, "error": {"code": "invalid", "message": message}}

        socketio.on_event(name, handler, namespace=NAMESPACE)
        return fn

    return decorator


@socketio.on("*", namespace=NAMESPACE)
def on_unknown_event(event, *args):
    """Any other event still gets an acknowledgement (CONTRACT §12), saying it is unknown."""
    return Invalid(N_("There is no such event.")).to_ack()
