"""The one wrapper every Socket.IO event goes through: identify, authorize, limit, ack."""

from __future__ import annotations

from functools import wraps

from flask import current_app, request

from ..errors import DomainError, Forbidden, Invalid, invalid_from_form
from ..extensions import db, socketio
from ..fields import payload_formdata
from ..live import NAMESPACE
from ..ratelimit import hit
from .connection import identity_of

ROLE_MESSAGES = {
    "participant": "Join the workshop first.",
    "moderator": "Only moderators can do that.",
}


def live_event(name: str, role: str | None = None, write: bool = True):
    """Register `fn(identity, payload)` as the handler of event `name` on /live.

    The handler's return value is the ack; domain errors become error acks
    and roll back, so a refused event changes nothing.
    """

    def decorator(fn):
        @wraps(fn)
        def handler(payload=None, *extra):
            try:
                identity = identity_of(request.sid)
                if identity is None:
                    raise Forbidden("This connection is not identified; reconnect.")
                if role is not None and identity.role != role:
                    raise Forbidden(ROLE_MESSAGES.get(role, "You are not allowed to do that."))
                if write:
                    hit("write", identity.workshop_id, identity.participant_id or request.sid)
                if payload is None:
                    payload = {}
                if not isinstance(payload, dict):
                    raise Invalid("The payload must be a JSON object.")
                return fn(identity, payload)
            except DomainError as exc:
                db.session.rollback()
                return exc.to_ack()
            except Exception:
                db.session.rollback()
                current_app.logger.exception("event %s failed", name)
                return {"ok": False, "error": {"code": "invalid",
                                               "message": "Something went wrong on the server; nothing was changed. Please try again."}}

        socketio.on_event(name, handler, namespace=NAMESPACE)
        return fn

    return decorator


def validated(form_class, payload: dict):
    """Validate a payload with the same WTForms form the HTML page posts to."""
    form = form_class(formdata=payload_formdata(payload), meta={"csrf": False})
    if not form.validate():
        raise invalid_from_form(form.errors)
    return form
