"""Domain errors, each carrying its contract error code."""

from __future__ import annotations


class DomainError(Exception):
    """A refused request; `code` is one of the contract's error codes."""

    code = "invalid"
    default_message = "That request is not valid."

    def __init__(self, message: str | None = None, fields: dict | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.fields = fields or {}

    def to_ack(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"ok": False, "error": error}


class Invalid(DomainError):
    code = "invalid"


class NotFound(DomainError):
    code = "not_found"
    default_message = "That item does not exist in this workshop."


class Forbidden(DomainError):
    code = "forbidden"
    default_message = "You are not allowed to do that."


class Closed(DomainError):
    code = "closed"
    default_message = "This question is not open right now."


class RateLimited(DomainError):
    code = "rate_limited"
    default_message = "You are going a little fast. Please wait a few seconds and try again."

    def __init__(self, message: str | None = None, fields: dict | None = None, retry_after: int | None = None):
        super().__init__(message, fields)
        #: Seconds after which trying again is certainly allowed (the limit's window).
        self.retry_after = retry_after


class Conflict(DomainError):
    code = "conflict"
    default_message = "That conflicts with what was already recorded."


def invalid_from_form(errors: dict) -> Invalid:
    """Build an Invalid error whose message reads well from WTForms errors."""
    flat = {name: [str(m) for m in msgs] for name, msgs in errors.items()}
    first = next(iter(flat.items()), None)
    if first is None:
        return Invalid()
    name, messages = first
    label = name.replace("_", " ")
    text = messages[0] if messages else "is not valid"
    return Invalid(f"{label.capitalize()}: {text}", fields=flat)
