"""Forms of participant actions: the same form validates a socket payload and a form post."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..export.text import country_name
from ..fields import (Form, IdField, IdListField, StrictStringField, choices, max_length, not_blank,
                      required_value)
from .models import REACTION_VALUES, STAKEHOLDER_GROUPS
from .snapshot import PAGE_MAX

STAKEHOLDER_LABELS = {
    "government": lazy_gettext("Government"),
    "civil_society": lazy_gettext("Civil society"),
    "private_sector": lazy_gettext("Private sector"),
    "technical_community": lazy_gettext("Technical community"),
    "academia": lazy_gettext("Academia"),
    "intergovernmental": lazy_gettext("Intergovernmental organization"),
    "media": lazy_gettext("Media"),
    "other": lazy_gettext("Other"),
}


#: ISO 3166 alpha-2 codes (pycountry).
COUNTRY_CODES = frozenset(c.alpha_2 for c in pycountry.countries)
#: Names people use that neither CLDR (in the six languages) nor ISO gives.
COUNTRY_ALIASES = {
    "UK": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB", "Scotland": "GB", "Wales": "GB",
    "America": "US", "United States of America": "US", "Holland": "NL", "Czech Republic": "CZ",
    "Turkey": "TR", "Ivory Coast": "CI", "Cape Verde": "CV", "Swaziland": "SZ", "Burma": "MM",
    "East Timor": "TL", "Macedonia": "MK", "Palestine": "PS", "Vatican": "VA", "Congo Kinshasa": "CD",
    "Congo Brazzaville": "CG", "DRC": "CD", "UAE": "AE", "Korea": "KR", "Laos": "LA",
}


def plain(text: str) -> str:
    """A name as people type it, compared without case, accents, punctuation or extra spaces."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str | None]:
    """Every name of every country (its codes, ISO's names, CLDR's in the six languages and in
    the country's own languages) → its code; a name two countries share maps to None."""
    from ..i18n import LANGUAGES

    index: dict[str, str | None] = {}

    def add(name: str | None, code: str) -> None:
        key = plain(name or "")
        if key:
            index[key] = code if index.get(key, code) == code else None

    for country in pycountry.countries:
        for name in (country.alpha_2, country.alpha_3, country.name,
                     getattr(country, "official_name", None), getattr(country, "common_name", None)):
            add(name, country.alpha_2)
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code in COUNTRY_CODES:
                add(name, code)
    for code in COUNTRY_CODES:  # and its own name: "Deutschland", "Sverige", "Việt Nam"
        for language in get_official_languages(code, de_facto=True):
            try:
                add(Locale.parse(language).territories.get(code), code)
            except (ValueError, UnknownLocaleError):
                pass
    for name, code in COUNTRY_ALIASES.items():
        add(name, code)
    return index


def country_of(text: str) -> str | None:
    """The ISO code of a country typed by name (in any of the six languages) or by code."""
    return _country_index().get(plain(text))


def country_suggestions(text: str, limit: int = 3) -> list[str]:
    """Names in the page's language of the countries whose names are closest to a typo."""
    index, codes = _country_index(), []
    for key in difflib.get_close_matches(plain(text), list(index), n=10, cutoff=0.7):
        code = index[key]
        if code and code not in codes:
            codes.append(code)
    return [country_name(code) for code in codes[:limit]]


class CountryField(StrictStringField):
    """A country typed by its name in any of the six languages, or its code (what a socket
    `join` sends): data is the ISO 3166 alpha-2 code. A text box rather than a list of 249
    names: the list was 2.7 KB of a phone's first visit, and typing "Ken" is quicker on a phone
    than scrolling to Kenya; browsers fill it in (autocomplete="country-name")."""

    def _value(self):
        if self.data and self.data in COUNTRY_CODES:
            return country_name(self.data)
        return self.data or ""

    def pre_validate(self, form):
        if not self.data or not self.data.strip():
            self.data = None
            return
        code = country_of(self.data)
        if code is None:
            given = self.data
            suggestions = country_suggestions(given)
            message = _("No country is called “%(name)s”. Check the spelling, or leave it blank.",
                        name=given[:80])
            if suggestions:
                message += " " + _("Did you mean %(names)s?", names=" · ".join(suggestions))
            raise ValidationError(message)
        self.data = code


class JoinForm(Form):
    attendance = RadioField(
        lazy_gettext("Where are you taking part from?"),
        choices=choices([("onsite", lazy_gettext("In the room")), ("online", lazy_gettext("Online"))]),
        validators=[InputRequired(lazy_gettext("Choose in the room or online."))],
    )
    display_name = StrictStringField(
        lazy_gettext("Your name (optional)"), validators=[Optional(), max_length(80)],
        description=lazy_gettext("Shown to the moderators, and in the speaking queue when you ask to speak; "
                                 "never in reports."))
    stakeholder_group = SelectField(
        lazy_gettext("Stakeholder group (optional)"),
        choices=choices([("", lazy_gettext("Prefer not to say"))]
                        + [(g, STAKEHOLDER_LABELS[g]) for g in STAKEHOLDER_GROUPS]),
        validators=[Optional()],
    )
    country = CountryField(
        lazy_gettext("Country (optional)"), validators=[Optional(), max_length(80)],
        description=lazy_gettext("Its name in any language, or its two-letter code."),
        render_kw={"autocomplete": "country-name", "dir": "auto"})


class VoteForm(Form):
    prompt_id = IdField(lazy_gettext("Question"), validators=[required_value])
    option_ids = IdListField(lazy_gettext("Options"), validators=[required_value])


class PositionForm(Form):
    prompt_id = IdField(lazy_gettext("Question"), validators=[required_value])
    text = StrictStringField(lazy_gettext("Your position"), validators=[required_value])
    option_id = IdField(lazy_gettext("The option it argues for"), validators=[Optional()])
    client_id = StrictStringField(lazy_gettext("Client id"), validators=[required_value, not_blank, max_length(64)])


REACTION_LABELS = {"agree": lazy_gettext("Agree"), "disagree": lazy_gettext("Disagree"), "pass": lazy_gettext("Pass")}


class ReactionForm(Form):
    position_id = IdField(lazy_gettext("Position"), validators=[required_value])
    value = SelectField(lazy_gettext("Reaction"), choices=choices([(v, REACTION_LABELS[v]) for v in REACTION_VALUES]),
                        validators=[InputRequired()])


def _page_size(form, field):
    if field.data is not None and not 1 <= field.data <= PAGE_MAX:
        raise ValidationError(_("must be between 1 and %(limit)d", limit=PAGE_MAX))


class PositionsPageForm(Form):
    """get_positions: a prompt's positions older than before_id, newest first."""

    prompt_id = IdField(lazy_gettext("Question"), validators=[required_value])
    before_id = IdField(lazy_gettext("Older than"), validators=[Optional()])
    limit = IdField(lazy_gettext("How many"), validators=[Optional(), _page_size])
