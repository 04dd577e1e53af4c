"""Strict WTForms fields and helpers, so one form validates a JSON payload and a form post alike.

JSON payloads keep their types (an id must be an int, text a str); form posts
send strings, so "12" is accepted as an id there too.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import Field, SelectChoice
from wtforms.validators import ValidationError


def _as_id(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("not an id")
    if isinstance(value, int):
        result = value
    elif isinstance(value, str) and value.strip().isdigit():
        result = int(value.strip())
    else:
        raise ValueError("not an id")
    if not 0 < result < 2**63:
        raise ValueError("not an id")
    return result


class IdField(Field):
    """A positive integer id; absent is None (use InputRequired to require it)."""

    def _value(self):
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0] not in ("", None):
            try:
                self.data = _as_id(valuelist[0])
            except ValueError:
                raise ValueError("must be a whole number id") from None


class IdListField(Field):
    """A list of positive integer ids (repeated form values, or a JSON array)."""

    def process_formdata(self, valuelist):
        try:
            self.data = [_as_id(v) for v in valuelist if v not in ("",)]
        except ValueError:
            self.data = []
            raise ValueError("must be a list of whole number ids") from None

    def process_data(self, value):
        self.data = list(value or [])


class StrictStringField(Field):
    """A string that stays a string: a number or a list is refused."""

    def _value(self):
        return self.data or ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            if not isinstance(valuelist[0], str):
                raise ValueError("must be text")
            self.data = valuelist[0]


class StrictBooleanField(Field):
    """true/false from JSON, or 'true'/'false'/'1'/'0'/'on' from a form."""

    TRUE = {"true", "1", "on"}
    FALSE = {"false", "0", "off"}

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            value = valuelist[0]
            if isinstance(value, bool):
                self.data = value
            elif isinstance(value, str) and value.lower() in self.TRUE | self.FALSE:
                self.data = value.lower() in self.TRUE
            else:
                raise ValueError("must be true or false")


def required_value(form, field):
    """InputRequired that also works for JSON data (0 and False are values)."""
    if field.data is None or field.data == []:
        raise ValidationError("is required")


def payload_formdata(payload: dict) -> MultiDict:
    """Turn a JSON object into form data: arrays become repeated values."""
    data = MultiDict()
    for key, value in payload.items():
        if isinstance(value, list):
            if not value:
                data.add(key, "")
            for item in value:
                data.add(key, item)
        else:
            data.add(key, value)
    return data


def choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def form_error(form) -> str:
    """The first error of a form as one sentence for a page: "Answers: Not a valid choice."."""
    for field in form:
        if field.errors:
            message = field.errors[0] if isinstance(field.errors, list) else str(field.errors)
            return f"{field.label.text}: {message}"
    return "That form is not valid."
