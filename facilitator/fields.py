"""The one validation layer: strict WTForms fields that read a JSON payload and a form post alike.

Every socket event and every form goes through a WTForms form built from these
fields before any service runs (CONTRACT §12):

- a JSON payload keeps its types: an id or a number must be a JSON integer (not
  a bool, not a string of digits), text a string, a boolean a JSON boolean (not
  "true"); a list where a single value
  is documented, or a single value where a list is, is `invalid`;
- form posts send strings, so "12" is an id there too;
- an id outside the database's range (zero, negative, over 2**31 - 1) is an id
  that does not exist: it reads as 0, which no row has, so the service answers
  `not_found` at its place in the contract's order of checks;
- text must be valid Unicode (no lone surrogates); control characters other
  than tabs and line breaks are removed (NUL never reaches the database), and
  text that is empty once control and format characters (zero-width spaces, the
  byte-order mark, ...) are set aside counts as blank.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from babel import support
from flask import has_request_context
from flask_babel import get_locale, gettext, ngettext
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, FieldList, SelectChoice
from wtforms.i18n import messages_path
from wtforms.widgets import TextInput
from wtforms.validators import ValidationError

from .errors import N_, Invalid, invalid_from_form

#: Largest id the database stores (ids are INTEGER columns: signed 32-bit on PostgreSQL).
ID_MAX = 2**31 - 1
#: The id given to numbers that cannot be an id of ours: no row has it.
NO_SUCH_ID = 0
#: Longest list of ids a payload may carry (a prompt has at most 12 options).
ID_LIST_MAX = 50


def clean_text(value: str) -> str:
    """Valid Unicode with control characters removed (tabs and line breaks kept, CRLF as LF).

    Raises ValueError for a string that is not valid Unicode (lone surrogates).
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(gettext("contains characters that are not valid text")) from None
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\t\n" or unicodedata.category(ch) != "Cc")


def is_blank(value: str | None) -> bool:
    """True when nothing visible is left once spaces, control and format characters are set aside."""
    if not value:
        return True
    return not any(not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl", "Zp")
                   for ch in value)


def one_line(value: str | None) -> str | None:
    """A short single-line value (a name, a country code): cleaned, trimmed, None when blank."""
    if value is None:
        return None
    value = " ".join(clean_text(value).split())
    return None if is_blank(value) else value


def clean_filter(value):
    """Every string a form reads, cleaned (see clean_text); other values pass through."""
    return clean_text(value) if isinstance(value, str) else value


@lru_cache(maxsize=16)
def _wtforms_catalog(language: str) -> support.Translations:
    return support.Translations.load(messages_path(), [language], domain="wtforms")


class WTFormsTranslations:
    """WTForms' own messages ("Not a valid choice.") in the request's language. Flask-WTF loads
    the catalog once per request, which on a socket is once per event: a join or a reaction
    read and parsed a .mo file each time (12 % of a join). Loaded once per language here."""

    def _catalog(self):
        locale = get_locale() if has_request_context() else None
        return _wtforms_catalog(str(locale)) if locale else None

    def gettext(self, string):
        catalog = self._catalog()
        return string if catalog is None else catalog.gettext(string)

    def ngettext(self, singular, plural, n):
        catalog = self._catalog()
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ngettext(singular, plural, n)


WTFORMS_TRANSLATIONS = WTFormsTranslations()


class Form(FlaskForm):
    """The base of every form: all text is cleaned before any validator sees it (no NUL reaches
    the database, no lone surrogate either), whatever the field type."""

    class Meta:
        def get_translations(self, form):
            return WTFORMS_TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            if not issubclass(unbound_field.field_class, FieldList):  # its entries carry their own
                filters = list(unbound_field.kwargs.get("filters") or ())
                if clean_filter not in filters:
                    options["filters"] = [clean_filter, *filters]
            return unbound_field.bind(form=form, **options)


def _from_json(field) -> bool:
    """Whether the field reads a JSON payload (socket events), where types are exact."""
    return bool(getattr(field.meta, "json_payload", False))


class EmptyForm(Form):
    """Nothing to fill in: a button whose post is checked for CSRF."""


def parse_id(value: Any, strict: bool = False) -> int:
    """An id from JSON (an int) or a form (digits; not when `strict`); ValueError for anything else."""
    if isinstance(value, bool) or strict and isinstance(value, str):
        raise ValueError("not an id")
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 40:
            raise ValueError("not an id")
        value = int(text)
    if not isinstance(value, int):
        raise ValueError("not an id")
    return value if 0 < value <= ID_MAX else NO_SUCH_ID


class IdField(Field):
    """A positive integer id; absent is None (use required_value to require it)."""

    scalar = True

    def _value(self):
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0] not in ("", None):
            try:
                self.data = parse_id(valuelist[0], strict=_from_json(self))
            except ValueError:
                raise ValueError(gettext("must be a whole number id")) from None


class IntField(Field):
    """A whole number (a JSON integer, or digits in a form); validators say which range."""

    scalar = True

    def _value(self):
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0] not in ("", None):
            value = valuelist[0]
            if (isinstance(value, str) and not _from_json(self) and value.strip().lstrip("-").isdigit()
                    and len(value.strip()) <= 12):
                value = int(value.strip())
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(gettext("must be a whole number"))
            self.data = value


def int_range(low: int, high: int):
    def check(form, field):
        if field.data is not None and not low <= field.data <= high:
            raise ValidationError(gettext("must be from %(low)d to %(high)d", low=low, high=high))
    return check


class IdListField(Field):
    """A list of positive integer ids (repeated form values, or a JSON array)."""

    scalar = False

    def process_formdata(self, valuelist):
        values = [v for v in valuelist if v != ""]
        if len(values) > ID_LIST_MAX:
            self.data = []
            raise ValueError(ngettext("may have at most %(num)d id", "may have at most %(num)d ids", ID_LIST_MAX))
        try:
            self.data = [parse_id(v, strict=_from_json(self)) for v in values]
        except ValueError:
            self.data = []
            raise ValueError(gettext("must be a list of whole number ids")) from None

    def process_data(self, value):
        self.data = list(value or [])


class StrictStringField(Field):
    """Text that stays text: a number or a list is refused; control characters are removed."""

    scalar = True
    widget = TextInput()

    def _value(self):
        return self.data or ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            if not isinstance(valuelist[0], str):
                raise ValueError(gettext("must be text"))
            self.data = clean_text(valuelist[0])


class TextListField(Field):
    """A list of texts (a JSON array of strings, or repeated form values), each cleaned."""

    scalar = False

    def process_formdata(self, valuelist):
        if any(not isinstance(v, str) for v in valuelist):
            self.data = []
            raise ValueError(gettext("must be a list of texts"))
        self.data = [clean_text(v) for v in valuelist if v != ""]

    def process_data(self, value):
        self.data = list(value or [])


class StrictBooleanField(Field):
    """true/false from JSON, or 'true'/'false'/'1'/'0'/'on' from a form."""

    scalar = True
    TRUE = {"true", "1", "on"}
    FALSE = {"false", "0", "off"}

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            value = valuelist[0]
            if isinstance(value, bool):
                self.data = value
            elif isinstance(value, str) and not _from_json(self) and value.lower() in self.TRUE | self.FALSE:
                self.data = value.lower() in self.TRUE
            else:
                raise ValueError(gettext("must be true or false"))


def required_value(form, field):
    """InputRequired that also works for JSON data (0 and False are values)."""
    if field.data is None or field.data == []:
        raise ValidationError(gettext("is required"))


def not_blank(form, field):
    """Refuse text with nothing visible in it."""
    if isinstance(field.data, str) and is_blank(field.data):
        raise ValidationError(gettext("must not be blank"))


def max_length(limit: int):
    def check(form, field):
        if isinstance(field.data, str) and len(field.data) > limit:
            raise ValidationError(ngettext("may have at most %(num)d character", "may have at most %(num)d characters",
                                           limit))
    return check


def _unbound_label(field, key: str) -> str:
    """The label an unbound field will have (translated), else its name as a sentence ("Prompt id")."""
    label = field.kwargs.get("label", field.args[0] if field.args else None)
    return str(label) if label else key.replace("_", " ").capitalize()


def payload_formdata(form_class, payload: dict) -> MultiDict:
    """Turn a JSON object into form data, refusing a list for a single value and the reverse.
    (The field's translated label is looked up only for an error: on a hot event such as a
    reaction, translating the labels of a valid payload was a sixth of the handler.)"""
    data = MultiDict()
    for key, value in payload.items():
        field = getattr(form_class, key, None)
        if field is None or not hasattr(field, "field_class"):
            continue  # keys the event does not know are ignored
        scalar = getattr(field.field_class, "scalar", True)
        if isinstance(value, dict):
            raise Invalid(N_("%(field)s: must be a single value, not an object"), field=_unbound_label(field, key),
                          fields={key: [gettext("must be a single value")]})
        if isinstance(value, list):
            if scalar:
                raise Invalid(N_("%(field)s: must be a single value, not a list"), field=_unbound_label(field, key),
                              fields={key: [gettext("must be a single value")]})
            if not value:
                data.add(key, "")
            for item in value:
                if isinstance(item, (list, dict)):
                    raise Invalid(N_("%(field)s: must be a list of ids"), field=_unbound_label(field, key),
                                  fields={key: [gettext("must be a list of ids")]})
                data.add(key, item)
        elif not scalar:
            raise Invalid(N_("%(field)s: must be a list"), field=_unbound_label(field, key),
                          fields={key: [gettext("must be a list")]})
        elif value is not None:
            data.add(key, value)
    return data


def validated(form_class, payload: dict):
    """Validate a JSON payload with the same WTForms form the HTML page posts to."""
    form = form_class(formdata=payload_formdata(form_class, payload), meta={"csrf": False, "json_payload": True})
    if not form.validate():
        raise invalid_from_form(form.errors, form)
    return form


def choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def form_error(form) -> str:
    """The first error of a form as one sentence for a page: "Answers: Not a valid choice."."""
    for field in form:
        if field.errors:
            message = field.errors[0] if isinstance(field.errors, list) else str(field.errors)
            return gettext("%(field)s: %(problem)s", field=field.label.text, problem=message)
    return gettext("That form is not valid.")
