"""Domain errors, each carrying its contract error code.

Messages are written in English where the error is raised, marked with `N_` so that
`pybabel extract` finds them, and translated where the ack is built (`to_ack`), in the
language of the request or connection. Placeholders are named (`%(last)d`) and their
values passed as keyword arguments, so a translation may put them in any order. A message
whose wording depends on a number is made with `Invalid.ngettext(singular, plural, num)`,
which `pybabel extract` reads as a plural entry.
"""

from __future__ import annotations

from flask import has_app_context
from flask_babel import gettext, ngettext


def N_(message: str) -> str:
    """Mark a message for translation without translating it (translated later, by `to_ack`)."""
    return message


class DomainError(Exception):
    """A refused request; `code` is one of the contract's error codes."""

    code = "invalid"
    default_message = N_("That request is not valid.")

    #: The plural msgid when the wording depends on `params["num"]` (see `ngettext`).
    plural: str | None = None

    def __init__(self, message: str | None = None, fields: dict | None = None, **params):
        #: The untranslated message (a msgid), its placeholders still in it.
        self.msgid = message or self.default_message
        #: The placeholders' values.
        self.params = params
        #: The message in English, placeholders filled in (for logs and tests).
        self.message = self.msgid % params if params else self.msgid
        super().__init__(self.message)
        self.fields = fields or {}

    @classmethod
    def ngettext(cls, singular: str, plural: str, num: int, fields: dict | None = None, **params):
        """The error with a message that depends on a number: `num` fills `%(num)d`."""
        error = cls(singular if num == 1 else plural, fields, num=num, **params)
        error.msgid, error.plural = singular, plural
        return error

    def translated(self) -> str:
        """The message in the language of the current request (English outside one)."""
        if not has_app_context():
            return self.message
        if self.plural is not None:
            return ngettext(self.msgid, self.plural, **self.params)
        return gettext(self.msgid, **self.params)

    def to_ack(self) -> dict:
        error = {"code": self.code, "message": self.translated()}
        if self.fields:
            error["fields"] = self.fields
        return {"ok": False, "error": error}


class Invalid(DomainError):
    code = "invalid"


class NotFound(DomainError):
    code = "not_found"
    default_message = N_("That item does not exist in this workshop.")


class Forbidden(DomainError):
    code = "forbidden"
    default_message = N_("You are not allowed to do that.")


class Closed(DomainError):
    code = "closed"
    default_message = N_("This question is not open right now.")


class RateLimited(DomainError):
    code = "rate_limited"
    default_message = N_("You are going a little fast. Please wait a few seconds and try again.")

    def __init__(self, message: str | None = None, fields: dict | None = None, retry_after: int | None = None,
                 **params):
        super().__init__(message, fields, **params)
        #: Seconds after which trying again is certainly allowed (the limit's window).
        self.retry_after = retry_after


class Conflict(DomainError):
    code = "conflict"
    default_message = N_("That conflicts with what was already recorded.")


def invalid_from_form(errors: dict, form=None) -> Invalid:
    """Build an Invalid error whose message reads well from WTForms errors: "Label: problem".

    With the form, the label is the field's own (translated) label; without it, the field's
    name ("position_id" reads "Position id"). The problems are WTForms' messages, already
    translated when the form validated.
    """
    flat = {name: [str(m) for m in msgs] for name, msgs in errors.items()}
    first = next(iter(flat.items()), None)
    if first is None:
        return Invalid()
    name, messages = first
    label = _field_label(form, name) or name.replace("_", " ").capitalize()
    problem = messages[0] if messages else gettext("is not valid")
    return Invalid(N_("%(field)s: %(problem)s"), fields=flat, field=label, problem=problem)


def _field_label(form, name: str) -> str | None:
    """The text of a form field's label, None without the form or such a field."""
    if form is None:
        return None
    try:
        field = form[name]
    except (KeyError, TypeError):
        return None
    label = getattr(getattr(field, "label", None), "text", None)
    return str(label) if label else None
